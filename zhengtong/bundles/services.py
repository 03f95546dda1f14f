"""
Services of bundles (一件事): answering the questionnaire and submitting one
application that creates the sub-cases through the one case intake
(``cases.services.case_create_many``), all or nothing.

中文：一件事服务
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.cases import permissions as case_permissions
from zhengtong.cases import services as case_services
from zhengtong.cases.constants import Channel, DeliveryMethod
from zhengtong.cases.models import Case, CaseMaterial
from zhengtong.cases.numbering import sequence_next
from zhengtong.catalog.selectors_application import item_for_application_get
from zhengtong.core.audit import audit_record
from zhengtong.core.db import row_insert
from zhengtong.core.errors import ApplicationError

from .definitions import BundleDefinition, ItemRow, definition_get
from .models import BundleApplication, BundleSubCase

NUMBER_SCOPE = "bundle"
MAX_FILE_COUNT = 20


def bundle_number_format(*, year: int, seq: int) -> str:
    """Return a bundle application number such as ``YJS-2026-000123``."""
    return f"YJS-{year}-{seq:06d}"


def bundle_answers_check(
    *, definition: BundleDefinition, answers: Any
) -> dict[str, str]:
    """
    Return the answers checked and normalised (``True``/``False`` of a
    yes/no question become ``yes``/``no``); refuse unknown questions,
    missing required ones and values not offered (400).

    中文：检查情形回答
    """
    if not isinstance(answers, Mapping):
        raise ApplicationError(
            "bundle_invalid_answers", "情形回答须为“问题键: 回答”的对象。"
        )
    questions = {q.key: q for q in definition.questions}
    unknown = [str(k)[:40] for k in answers if k not in questions]
    if unknown:
        raise ApplicationError(
            "bundle_unknown_question",
            f"“{definition.name}”没有这个问题：{'、'.join(unknown[:5])}。",
        )
    checked: dict[str, str] = {}
    for key, question in questions.items():
        value = answers.get(key)
        if isinstance(value, bool) and question.kind == "yes_no":
            value = "yes" if value else "no"
        if value is None or value == "":
            if question.required:
                raise ApplicationError(
                    "bundle_answer_required", f"请回答：“{question.text}”。"
                )
            continue
        offered = dict(question.choices)
        if not isinstance(value, str) or value not in offered:
            raise ApplicationError(
                "bundle_invalid_choice",
                f"“{question.text}”的回答须为：{'、'.join(offered.values())}。",
            )
        checked[key] = value
    return checked


def bundle_items_select(
    *, definition: BundleDefinition, answers: Mapping[str, str]
) -> list[ItemRow]:
    """
    Return the items that apply to checked ``answers``: every ``always``
    item and every item a rule selects, in the bundle's order.

    中文：按情形确定办理事项
    """
    chosen = {row.id for row in definition.items if row.always}
    for rule in definition.rules:
        if answers.get(rule.question_key) == rule.value:
            chosen.add(rule.item_id)
    return [row for row in definition.items if row.id in chosen]


def bundle_form_check(
    *, definition: BundleDefinition, items: list[ItemRow], form_data: Any
) -> dict[str, dict[str, str]]:
    """
    Return each selected item's share of the combined form (item id →
    {field key: text}); refuse unknown fields, missing required fields of
    the selected items and over-long text (400).

    中文：检查共用表单
    """
    if form_data is None:
        form_data = {}
    if not isinstance(form_data, Mapping):
        raise ApplicationError("invalid_form_data", "申请表内容格式有误。")
    fields = {f.key: f for f in definition.fields}
    unknown = [str(k)[:40] for k in form_data if k not in fields]
    if unknown:
        raise ApplicationError(
            "bundle_unknown_field", f"申请表没有这一项：{'、'.join(unknown[:5])}。"
        )
    chosen = {row.id for row in items}
    per_item: dict[str, dict[str, str]] = {str(row.id): {} for row in items}
    for key, field in fields.items():
        targets = [i for i in (field.item_ids or tuple(chosen)) if i in chosen]
        if not targets:
            continue  # a field of items not selected: not asked
        value = form_data.get(key, "")
        if not isinstance(value, str):
            raise ApplicationError("invalid_form_data", f"“{field.label}”须为文字。")
        value = value.strip()
        if not value:
            if field.required:
                raise ApplicationError(
                    "bundle_field_required", f"请填写“{field.label}”。"
                )
            continue
        if len(value) > field.max_length:
            raise ApplicationError(
                "bundle_field_too_long",
                f"“{field.label}”最多 {field.max_length} 个字。",
            )
        for item_id in targets:
            per_item[str(item_id)][key] = value
    return per_item


def _delivery_check(method: str, address: str) -> tuple[str, str]:
    method = (method or "").strip()
    address = (address or "").strip()
    if method and method not in DeliveryMethod.values:
        raise ApplicationError(
            "invalid_delivery", "送达方式须为窗口领取、邮寄送达或网上下载。"
        )
    if method == DeliveryMethod.MAIL and not address:
        raise ApplicationError("delivery_address_required", "邮寄送达请填写送达地址。")
    if len(address) > 200:
        raise ApplicationError("delivery_address_too_long", "送达地址最多 200 个字。")
    return method, address


def _files_check(
    definition: BundleDefinition, items: list[ItemRow], files: Mapping[str, Any]
) -> dict[str, Any]:
    """Refuse unknown shared materials and missing required ones of the chosen items."""
    shared = {m.key: m for m in definition.materials}
    unknown = [str(k)[:40] for k in files if k not in shared]
    if unknown or len(files) > MAX_FILE_COUNT:
        raise ApplicationError(
            "bundle_unknown_material", f"没有这项共用材料：{'、'.join(unknown[:5])}。"
        )
    chosen = {row.id for row in items}
    for key, material in shared.items():
        applies = any(t.item_id in chosen for t in material.targets)
        if applies and material.required and not files.get(key):
            raise ApplicationError(
                "bundle_material_required", f"请上传“{material.name}”。"
            )
    return {k: v for k, v in files.items() if v}


def _idempotent_replay(
    application: BundleApplication, fingerprint: str
) -> BundleApplication:
    if fingerprint and application.idempotency_fingerprint not in ("", fingerprint):
        raise ApplicationError(
            "idempotency_key_reused",
            "该幂等键（Idempotency-Key）已用于另一份不同内容的申请，请换用新的幂等键。",
            status=422,
        )
    kept = timedelta(hours=settings.CASES_IDEMPOTENCY_KEY_HOURS)
    if application.created_at < timezone.now() - kept:
        raise ApplicationError(
            "idempotency_key_expired",
            "该幂等键（Idempotency-Key）已过有效期，请换用新的幂等键。",
            status=422,
        )
    return application


def bundle_application_submit(
    *,
    bundle_code: str,
    applicant: User,
    actor: User,
    answers: Any,
    form_data: Any = None,
    files: Mapping[str, Any] | None = None,
    delivery_method: str = "",
    delivery_address: str = "",
    channel: str = Channel.ONLINE,
    agent: User | None = None,
    idempotency_key: str = "",
    idempotency_fingerprint: str = "",
    now: datetime | None = None,
) -> BundleApplication:
    """
    Submit one bundle application: check the answers, the combined form,
    the shared materials and the delivery preference, then create one
    submitted sub-case per selected item (each in its item's department,
    on its own clock) through ``cases.services.case_create_many``, file each
    shared material once (every other sub-case references the same stored
    file) and link the sub-cases under one bundle number. All or nothing.

    ``files`` maps a shared material key to an upload; when given, the
    required shared materials of the chosen items must be there. An API
    submission without files hands materials in later, as a single case.

    Who: an applicant account for itself or as agent (``check_submit``).

    中文：提交一件事申请
    """
    case_permissions.check_submit(user=actor)
    definition = definition_get(code=bundle_code)
    if definition is None:
        raise ApplicationError(
            "bundle_not_found", f"未找到编码为“{str(bundle_code)[:60]}”的一件事。"
        )
    now = now or timezone.now()
    idempotency_key = (idempotency_key or "").strip()[:80]
    if idempotency_key:
        existing = BundleApplication.objects.filter(
            applicant=applicant, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            existing._definition = definition  # type: ignore[attr-defined]
            return _idempotent_replay(existing, idempotency_fingerprint)
    if channel not in Channel.values:
        raise ApplicationError("invalid_channel", "申请渠道无效。")
    checked = bundle_answers_check(definition=definition, answers=answers)
    items = bundle_items_select(definition=definition, answers=checked)
    if not items:
        raise ApplicationError(
            "bundle_nothing_selected", "按您的回答，本一件事没有需要办理的事项。"
        )
    per_item = bundle_form_check(
        definition=definition, items=items, form_data=form_data
    )
    method, address = _delivery_check(delivery_method, delivery_address)
    uploads = _files_check(definition, items, files) if files is not None else {}
    catalogue = []
    for row in items:
        item = item_for_application_get(code=row.item_code)
        if item is None:
            raise ApplicationError(
                "item_not_available", f"“{row.item_name}”暂不能申请，请联系中心。"
            )
        catalogue.append(item)

    try:
        with transaction.atomic():
            application = _create(
                definition=definition,
                items=items,
                catalogue=catalogue,
                per_item=per_item,
                checked=checked,
                uploads=uploads,
                applicant=applicant,
                agent=agent,
                actor=actor,
                channel=channel,
                method=method,
                address=address,
                idempotency_key=idempotency_key,
                idempotency_fingerprint=idempotency_fingerprint,
                now=now,
            )
    except IntegrityError:
        # a concurrent twin with the same idempotency key won: nothing of
        # this request is left; answer with the twin
        existing = BundleApplication.objects.filter(
            applicant=applicant, idempotency_key=idempotency_key
        ).first()
        if idempotency_key and existing is not None:
            existing._definition = definition  # type: ignore[attr-defined]
            return _idempotent_replay(existing, idempotency_fingerprint)
        raise
    return application


def _create(
    *,
    definition: BundleDefinition,
    items: list[ItemRow],
    catalogue: list[Any],
    per_item: dict[str, dict[str, str]],
    checked: dict[str, str],
    uploads: Mapping[str, Any],
    applicant: User,
    agent: User | None,
    actor: User,
    channel: str,
    method: str,
    address: str,
    idempotency_key: str,
    idempotency_fingerprint: str,
    now: datetime,
) -> BundleApplication:
    """Create the sub-cases, file the shared files, number and link (caller is atomic)."""
    note: dict[str, str] = {"bundle": definition.name}
    if method:
        note["delivery_preference"] = method
    if address:
        note["contact_address"] = address
    # The one intake, once for all sub-cases: one sequence UPDATE, one
    # INSERT each of the cases, their audit events, receipts and
    # notification requests.
    cases = case_services.case_create_many(
        applications=[
            case_services.CaseApplication(
                applicant=applicant,
                agent=agent,
                item=item,
                form_data={**per_item[str(row.id)], **note},
            )
            for row, item in zip(items, catalogue, strict=True)
        ],
        actor=actor,
        channel=channel,
        submit=not uploads,
        now=now,
        savepoint=False,  # this transaction is all or nothing
    )
    if uploads:
        _shared_files_file(definition, items, cases, uploads, actor)
        cases = [
            case_services.case_submit(case=case, actor=actor, now=now) for case in cases
        ]
    # Numbered last: the bundle sequence row stays locked only for the
    # links, the audit row and the commit.
    today = timezone.localdate(now)
    seq = sequence_next(scope=NUMBER_SCOPE, year=today.year)
    application = BundleApplication(
        bundle_id=definition.id,
        number=bundle_number_format(year=today.year, seq=seq),
        applicant=applicant,
        agent=agent,
        answers=checked,
        form_data={k: v for share in per_item.values() for k, v in share.items()},
        delivery_method=method,
        delivery_address=address,
        submitted_at=now,
        idempotency_key=idempotency_key,
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
    )
    row_insert(application)
    BundleSubCase.objects.bulk_create(
        [
            BundleSubCase(application=application, case=case, order=index)
            for index, case in enumerate(cases)
        ]
    )
    audit_record(
        action="bundle_submit",
        obj=application,
        actor=actor,
        details={
            "bundle": definition.code,
            "number": application.number,
            "answers": checked,
            "cases": [case.number for case in cases],
            "materials": sorted(uploads),
        },
        new_stream=True,
    )
    application._sub_cases = cases  # type: ignore[attr-defined]
    application._definition = definition  # type: ignore[attr-defined]
    return application


def _shared_files_file(
    definition: BundleDefinition,
    items: list[ItemRow],
    cases: list[Case],
    uploads: Mapping[str, Any],
    actor: User,
) -> None:
    """Store each shared file once and file it with every sub-case it answers."""
    case_of = {row.id: case for row, case in zip(items, cases, strict=True)}
    for shared in definition.materials:
        upload = uploads.get(shared.key)
        if not upload:
            continue
        stored: CaseMaterial | None = None
        for target in shared.targets:
            case = case_of.get(target.item_id)
            if case is None:
                continue
            row = case_services.case_material_add(
                case=case,
                actor=actor,
                file=upload,
                material=target.material_id,
                name=shared.name,
                same_file_as=stored,
            )
            stored = stored or row
