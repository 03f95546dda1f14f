"""
Services of cases: every write, above all every state change.

All services take keyword-only arguments, run in one transaction, lock the
case row, change status only through ``workflow.case_transition`` (which
writes the hash-chained audit event) and queue notices and notifications
after commit. ``now`` may be passed for tests and jobs; it defaults to
``timezone.now()``.
"""

import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from zhengtong.accounts.constants import ROLE_GROUP_NAMES, Role
from zhengtong.accounts.identity import IdType, SubjectKind
from zhengtong.accounts.models import User
from zhengtong.accounts.services import (
    agent_may_act_for,
    applicant_walk_in_get_or_create,
    staff_effective_assignee,
)
from zhengtong.catalog.constants import (
    DayUnit,
    HandlingMode,
    MaterialRequirement,
    VersionStatus,
)
from zhengtong.catalog.models import Material, ServiceItem
from zhengtong.core.audit import audit_record
from zhengtong.core.db import row_insert
from zhengtong.core.errors import ApplicationError

from . import clock, permissions
from .constants import (
    CLOCK_STATUSES,
    Action,
    Channel,
    DeliveryMethod,
    DocumentKind,
    ErrorCode,
    Lamp,
    Outcome,
    Status,
    StepStatus,
    SuspensionKind,
    ToleranceStatus,
)
from .documents import document_issue
from .models import (
    Case,
    CaseDocument,
    CaseExtension,
    CaseMaterial,
    CaseStep,
    CaseSuspension,
    Notification,
    StepTemplate,
    SupplementRequest,
)
from .numbering import case_number_format, query_code_new, sequence_next
from .receipts import receipt_issue
from .services_instant import instant_clock_hold
from .services_tolerance import tolerance_notice_context
from .uploads import material_file_check
from .workflow import case_transition, transition_check

DEFAULT_STEPS = (
    # name, role, limit in working days (None: no own limit)
    ("承办", Role.REVIEWER, None),
    ("审核", Role.REVIEWER, None),
    ("批准", Role.REVIEWER, None),
)


# -- helpers -------------------------------------------------------------


def _now(now: datetime | None) -> tuple[datetime, date]:
    now = now or timezone.now()
    return now, timezone.localdate(now)


def _lock(case: Case) -> Case:
    """Return the case re-read with a row lock (caller is atomic)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("department", "item_version")
        .get(pk=case.pk)
    )


def _require(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(ErrorCode.REASON_REQUIRED, f"请填写{what}。")
    return text


def _notify(case: Case, event: str, **extra: Any) -> None:
    from .tasks import case_notify_task

    case_id = case.pk
    transaction.on_commit(lambda: case_notify_task(case_id, event, extra))


def _issue(case: Case, kind: str, actor, today: date, **extra: Any) -> CaseDocument:
    from .tasks import document_render_task

    document = document_issue(
        case=case, kind=kind, actor=actor, today=today, extra=extra
    )
    doc_id = document.pk
    transaction.on_commit(lambda: document_render_task(doc_id))
    return document


def _version_for(item: ServiceItem):
    version = item.current_version
    if version is None or version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(
            ErrorCode.ITEM_NOT_AVAILABLE, "该事项当前没有已发布的办事指南，暂不能申请。"
        )
    return version


def _snapshot_applicant(case: Case, applicant: User) -> None:
    case.applicant_name = applicant.subject_name[:200]
    case.applicant_id_type = applicant.id_type or (
        "credit_code" if applicant.credit_code else ""
    )
    case.applicant_id_number = applicant.id_number or applicant.credit_code
    case.applicant_phone = applicant.phone


def _received(case: Case, now: datetime, today: date) -> None:
    cal = clock.calendar()
    case.submitted_at = now
    case.received_date = today
    case.intake_due_date = clock.add_days(cal, today, clock.INTAKE_LIMIT_DAYS)
    case.due_date_provisional = cal.is_provisional(case.intake_due_date)


# -- creation, drafts, materials ------------------------------------------


@transaction.atomic
def case_create(
    *,
    applicant: User,
    item: ServiceItem,
    actor: User,
    channel: str = Channel.ONLINE,
    form_data: dict | None = None,
    agent: User | None = None,
    submit: bool = True,
    idempotency_key: str = "",
    now: datetime | None = None,
) -> Case:
    """
    Create a case for ``item`` (a draft, or submitted at once).

    The number is allocated here (region-year-sequence, race-safe). With an
    ``idempotency_key`` a repeated call by the same applicant returns the
    case created first. ``agent`` files for ``applicant`` and needs an
    authorisation in force.

    Who: an applicant account for itself or as agent
    (``permissions.check_submit``), or intake staff of the item's department
    (``permissions.check_intake``, walk-in applications).

    中文：创建办件（网上申请／草稿）
    """
    now, today = _now(now)
    self_service = actor.pk in (applicant.pk, getattr(agent, "pk", None))
    if self_service:
        permissions.check_submit(user=actor)
    idempotency_key = (idempotency_key or "").strip()[:80]
    if idempotency_key:
        existing = Case.objects.filter(
            applicant=applicant, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing
    if channel not in Channel.values:
        raise ApplicationError("invalid_channel", "申请渠道无效。")
    if agent is not None and not agent_may_act_for(
        agent=agent, principal=applicant, day=today
    ):
        raise ApplicationError(
            ErrorCode.AGENT_NOT_AUTHORISED,
            "您没有该申请人有效的代理授权，不能代为申请。",
            status=403,
        )
    if form_data is not None and not isinstance(form_data, dict):
        raise ApplicationError("invalid_form_data", "申请表内容格式有误。")
    version = _version_for(item)
    department = version.department or item.department
    if not self_service:
        permissions.check_intake(user=actor, department=department)
    region_code = (
        (getattr(item.region, "code", "") if item.region_id else "")
        or getattr(department.region, "code", "")
        or "000000"
    )
    case = Case(
        query_code=query_code_new(),
        item=item,
        item_version=version,
        department=department,
        region_code=region_code,
        applicant=applicant,
        agent=agent,
        created_by=actor if actor.pk != applicant.pk else None,
        channel=channel,
        form_data=form_data or {},
        status=Status.DRAFT,
        handling_mode=version.handling_mode or "",
        promised_days=version.promised_days,
        statutory_days=version.statutory_days,
        promised_unit=version.promised_unit or DayUnit.WORKING,
        statutory_unit=version.statutory_unit or DayUnit.WORKING,
        idempotency_key=idempotency_key,
    )
    _snapshot_applicant(case, applicant)
    if submit:
        _received(case, now, today)
        case.status = Status.SUBMITTED
    # Last before the insert: the sequence row stays locked until commit, so
    # concurrent submissions queue only for the insert, the audit row and the
    # commit, not for building the case.
    seq = sequence_next(scope=region_code[:6], year=today.year)
    case.number = case_number_format(region_code=region_code, year=today.year, seq=seq)
    try:
        if idempotency_key:  # a concurrent twin may win: keep the outer transaction
            with transaction.atomic():
                row_insert(case)
        else:
            row_insert(case)
    except IntegrityError:
        if idempotency_key:
            existing = Case.objects.filter(
                applicant=applicant, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                return existing
        raise
    audit_record(
        action="create" if not submit else Action.SUBMIT,
        obj=case,
        actor=actor,
        to_state=case.status,
        details={"channel": channel, "item": item.item_code, "number": case.number},
        new_stream=True,  # the case row was inserted just above
    )
    if submit:
        receipt_issue(case=case, actor=actor, now=now, with_materials=False)
        _notify(case, "submitted")
    return case


@transaction.atomic
def case_draft_update(*, case: Case, actor: User, form_data: dict) -> Case:
    """
    Replace the form data of a draft (or of a case awaiting supplement).

    中文：保存草稿
    """
    case = _lock(case)
    if actor.pk not in (case.applicant_id, case.agent_id):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有申请人可以修改申请表。", status=403
        )
    if case.status not in (Status.DRAFT, Status.SUPPLEMENT_REQUESTED):
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION, "申请已提交，不能再修改申请表。", status=409
        )
    if not isinstance(form_data, dict):
        raise ApplicationError("invalid_form_data", "申请表内容格式有误。")
    case.form_data = form_data
    case.save(update_fields=["form_data", "updated_at"])
    audit_record(
        action="form_update", obj=case, actor=actor, details={"keys": sorted(form_data)}
    )
    return case


@transaction.atomic
def case_draft_save(
    *,
    applicant: User,
    item: ServiceItem,
    case: Case | None,
    form_data: dict[str, Any],
    files: Iterable[tuple[Material | int | None, Any]] = (),
    submit: bool = False,
    channel: str = Channel.ONLINE,
) -> Case:
    """
    Create or update an online draft, attach files and optionally submit.

    All in one transaction: a rejected file leaves the draft as it was.

    中文：保存申请（草稿或提交）
    """
    if case is None:
        case = case_create(
            applicant=applicant,
            item=item,
            actor=applicant,
            channel=channel,
            form_data=form_data,
            submit=False,
        )
    else:
        case = case_draft_update(case=case, actor=applicant, form_data=form_data)
    for material, upload in files:
        case_material_add(case=case, actor=applicant, file=upload, material=material)
    if submit:
        case = case_submit(case=case, actor=applicant)
    return case


MATERIAL_EDIT_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED)


@transaction.atomic
def case_material_add(
    *,
    case: Case,
    actor: User,
    file,
    material: Material | int | None = None,
    name: str = "",
) -> CaseMaterial:
    """
    Attach an uploaded file to a case after checking type and size.

    Applicants add files to drafts and while a supplement is requested;
    intake staff of the department also while the case awaits intake
    (counter scanning). Earlier files are kept.

    中文：上传申请材料
    """
    case = _lock(case)
    from .workflow import case_actor_kinds

    kinds = case_actor_kinds(case=case, user=actor)
    allowed = (
        "applicant" in kinds
        and case.status in (Status.DRAFT, Status.SUPPLEMENT_REQUESTED)
    ) or (
        kinds & {"intake", "reviewer", "admin"}
        and case.status in MATERIAL_EDIT_STATUSES
    )
    if not allowed:
        if not kinds:
            raise ApplicationError(
                ErrorCode.NOT_PERMITTED, "您无权为该办件上传材料。", status=403
            )
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"办件当前状态为“{Status(case.status).label}”，不能上传材料。",
            status=409,
        )
    if isinstance(material, int):
        material = Material.objects.filter(
            pk=material, version=case.item_version_id
        ).first()
        if material is None:
            raise ApplicationError("invalid_material", "材料不在该事项的材料清单中。")
    elif material is not None and material.version_id != case.item_version_id:
        raise ApplicationError("invalid_material", "材料不在该事项的材料清单中。")
    original_name = getattr(file, "name", "") or "file"
    checked = material_file_check(file, name=original_name)
    label = (name or "").strip() or (material.name if material else original_name)
    rounds = case.supplement_requests.count()
    row = CaseMaterial(
        case=case,
        material=material,
        name=label[:500],
        original_name=original_name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        round=rounds,
        uploaded_by=actor,
    )
    row.file.save(f"upload.{checked.kind}", file, save=False)
    row.save()
    audit_record(
        action="material_add",
        obj=case,
        actor=actor,
        details={
            "material_id": getattr(material, "pk", None),
            "name": row.name,
            "sha256": checked.sha256,
            "size": checked.size,
            "content_type": checked.content_type,
        },
    )
    return row


@transaction.atomic
def case_submit(*, case: Case, actor: User, now: datetime | None = None) -> Case:
    """
    Submit a draft; the receipt date starts the 5-day intake clock.

    中文：提交申请
    """
    now, today = _now(now)
    case = _lock(case)
    permissions.check_submit(user=actor, department=case.department_id)
    transition_check(case=case, action=Action.SUBMIT, user=actor)
    _snapshot_applicant(case, case.applicant)
    _received(case, now, today)
    case_transition(
        case=case,
        action=Action.SUBMIT,
        actor=actor,
        update_fields=[
            "submitted_at",
            "received_date",
            "intake_due_date",
            "due_date_provisional",
            "applicant_name",
            "applicant_id_type",
            "applicant_id_number",
            "applicant_phone",
        ],
    )
    receipt_issue(case=case, actor=actor, now=now)
    _notify(case, "submitted")
    return case


def case_counter_intake(
    *,
    actor: User,
    applicant: User,
    item: ServiceItem,
    form_data: dict | None = None,
    files: Iterable[tuple[Material | int | None, Any]] = (),
    agent: User | None = None,
    channel: str = Channel.COUNTER,
    now: datetime | None = None,
) -> Case:
    """
    Register a walk-in application at the counter and attach scans.

    ``actor`` must be intake staff of the item's department
    (``permissions.check_intake``). ``files`` are
    (checklist material or id or None, uploaded file) pairs. All or nothing:
    a rejected file leaves no case behind.

    中文：窗口收件
    """
    _version_for(item)
    permissions.check_intake(
        user=actor, department=permissions.item_department_id(item)
    )
    with transaction.atomic():
        case = case_create(
            applicant=applicant,
            item=item,
            actor=actor,
            channel=channel,
            form_data=form_data,
            agent=None,
            submit=False,
            now=now,
        )
        if agent is not None:
            case.agent = agent
            case.save(update_fields=["agent"])
        for material, upload in files:
            case_material_add(case=case, actor=actor, file=upload, material=material)
        return case_submit(case=case, actor=actor, now=now)


@transaction.atomic
def case_counter_intake_walk_in(
    *,
    actor: User,
    item: ServiceItem,
    display_name: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str = "",
    phone: str = "",
    subject_kind: str = SubjectKind.PERSON,
    org_name: str = "",
    credit_code: str = "",
    form_data: dict | None = None,
    files: Iterable[tuple[Material | int | None, Any]] = (),
    now: datetime | None = None,
) -> Case:
    """
    Register a walk-in applicant (a person, or a company by its 统一社会信用代码)
    and their case at the counter, all or nothing.

    The one walk-in intake of every door (workbench page, API). ``actor``
    must be intake staff of the item's department; this is checked before
    any applicant account is created. A company's credit code is checked
    by ``accounts.services.applicant_walk_in_get_or_create``; the ID of its
    representative is optional.

    中文：窗口代为收件（登记申请人并创建办件）
    """
    _version_for(item)
    permissions.check_intake(
        user=actor, department=permissions.item_department_id(item)
    )
    id_number = (id_number or "").strip()
    if subject_kind == SubjectKind.ENTERPRISE and not id_number:
        id_type = ""
    applicant = applicant_walk_in_get_or_create(
        display_name=display_name,
        id_type=id_type,
        id_number=id_number,
        phone=phone,
        subject_kind=subject_kind,
        org_name=org_name,
        credit_code=credit_code,
        actor=actor,
    )
    return case_counter_intake(
        actor=actor,
        applicant=applicant,
        item=item,
        form_data=form_data,
        files=list(files),
        now=now,
    )


# -- intake (Art. 32) -------------------------------------------------------


def case_supplement_proposal(*, case: Case) -> list[dict[str, Any]]:
    """
    Propose the 补正 list: required checklist materials with no file yet.

    中文：补正清单建议
    """
    uploaded = set(
        CaseMaterial.objects.filter(case=case, material__isnull=False).values_list(
            "material_id", flat=True
        )
    )
    return [
        {"material_id": m.pk, "name": m.name, "problem": "未提交"}
        for m in Material.objects.filter(
            version=case.item_version_id, requirement=MaterialRequirement.REQUIRED
        ).order_by("order", "id")
        if m.pk not in uploaded
    ]


def _missing_required(case: Case) -> list[dict[str, Any]]:
    return case_supplement_proposal(case=case)


def _deems_first(func):
    """Deem an overdue case accepted (own transaction) before an intake action."""

    @functools.wraps(func)
    def wrapper(*, case: Case, now: datetime | None = None, **kwargs: Any):
        _now_at, today = _now(now)
        with transaction.atomic():
            _deem_if_overdue(_lock(case), today)
        return func(case=case, now=now, **kwargs)

    return wrapper


def _deem_if_overdue(case: Case, today: date) -> bool:
    if (
        case.status == Status.SUBMITTED
        and case.intake_due_date
        and today > case.intake_due_date
    ):
        _deem_accept_locked(case, today)
        return True
    return False


@_deems_first
@transaction.atomic
def case_accept(
    *,
    case: Case,
    actor: User,
    note: str = "",
    tolerated_material_ids: Sequence[int] = (),
    tolerance_days: int | None = None,
    now: datetime | None = None,
) -> Case:
    """
    Accept a case (受理): start the decision clock, the steps, the notice.

    Every required checklist material must have a file, except materials
    the catalogue marks 容缺 listed in ``tolerated_material_ids``; those
    get a follow-up deadline of ``tolerance_days`` working days (default 5).

    中文：受理
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.ACCEPT, user=actor)
    missing = _missing_required(case)
    tolerated_ids = {int(i) for i in tolerated_material_ids}
    tolerable = set(
        Material.objects.filter(
            version=case.item_version_id, tolerance_allowed=True, pk__in=tolerated_ids
        ).values_list("pk", flat=True)
    )
    if tolerated_ids - tolerable:
        raise ApplicationError(
            ErrorCode.TOLERANCE_NOT_ALLOWED,
            "所选材料不属于该事项可容缺受理的材料。",
            status=409,
        )
    still_missing = [m for m in missing if m["material_id"] not in tolerable]
    if still_missing:
        raise ApplicationError(
            ErrorCode.MATERIALS_INCOMPLETE,
            "材料不齐全，不能受理：缺少{}。请一次性告知补正，或对可容缺材料办理容缺受理。".format(
                "、".join(m["name"] for m in still_missing)
            ),
            status=409,
            details={"missing": still_missing},
        )
    cal = clock.calendar()
    tolerated = [m for m in missing if m["material_id"] in tolerable]
    case.tolerated_materials = tolerated
    case.tolerance_status = (
        ToleranceStatus.PENDING if tolerated else ToleranceStatus.NONE
    )
    if tolerated:
        case.tolerance_due_date = clock.add_days(cal, today, tolerance_days or 5)
    case.accepted_at = now
    case.accepted_date = today
    instant_clock_hold(case)  # a 即办件 is due on the day it is accepted
    _clock_apply(case, cal, today)
    case_transition(
        case=case,
        action=Action.ACCEPT,
        actor=actor,
        reason=note,
        details={"tolerated": tolerated, "due_date": case.due_date},
        update_fields=[
            "accepted_at",
            "accepted_date",
            "tolerated_materials",
            "tolerance_due_date",
            "tolerance_status",
            "promised_days",
            *CLOCK_FIELDS,
        ],
    )
    _steps_create(case, today, now)
    _issue(
        case,
        DocumentKind.ACCEPTANCE,
        actor,
        today,
        tolerated=[m["name"] for m in tolerated],
        tolerance_due_date=case.tolerance_due_date,
        due_date=case.due_date,
        statutory_due_date=case.statutory_due_date,
        accepted_date=today,
        **tolerance_notice_context(case),
    )
    _notify(case, "accepted")
    return case


@transaction.atomic
def case_accept_immediately(
    *,
    case: Case,
    actor: User,
    outcome: str = Outcome.APPROVE,
    reason: str = "",
    result_number: str = "",
    now: datetime | None = None,
) -> Case:
    """
    Handle a 即办件: accept, decide and conclude on the same day.

    中文：即办件当场办结
    """
    if case.handling_mode != HandlingMode.IMMEDIATE:
        raise ApplicationError(
            ErrorCode.NOT_IMMEDIATE_ITEM, "该事项不是即办件，不能当场办结。", status=409
        )
    case = case_accept(case=case, actor=actor, now=now)
    case = case_decide(
        case=case,
        actor=actor,
        outcome=outcome,
        reason=reason,
        result_number=result_number,
        now=now,
    )
    return case_conclude(case=case, actor=actor, note="即办件当场办结", now=now)


def _supplement_items(
    case: Case, missing: Sequence[Any] | None
) -> list[dict[str, Any]]:
    if not missing:
        return case_supplement_proposal(case=case)
    checklist = {m.pk: m for m in Material.objects.filter(version=case.item_version_id)}
    by_name = {m.name: m for m in checklist.values()}
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in missing:
        problem = "未提交或不符合要求"
        if isinstance(entry, dict):
            problem = str(entry.get("problem") or problem)[:300]
            entry = entry.get("material_id") or entry.get("id") or entry.get("name")
        if isinstance(entry, int) or (isinstance(entry, str) and entry.isdigit()):
            material = checklist.get(int(entry))
            if material is None:
                raise ApplicationError(
                    "invalid_material",
                    f"材料编号 {entry} 不在该事项的材料清单中。",
                )
            item = {
                "material_id": material.pk,
                "name": material.name,
                "problem": problem,
            }
        elif isinstance(entry, str) and entry.strip():
            name = entry.strip()[:300]
            material = by_name.get(name)
            item = {
                "material_id": getattr(material, "pk", None),
                "name": name,
                "problem": problem,
            }
        else:
            raise ApplicationError("invalid_material", "补正清单中有无法识别的材料。")
        if item["name"] not in seen:
            seen.add(item["name"])
            items.append(item)
    return items


@_deems_first
@transaction.atomic
def case_supplement_request(
    *,
    case: Case,
    actor: User,
    missing: Sequence[Any] | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> SupplementRequest:
    """
    Tell the applicant, in one notice, every material to supplement.

    ``missing`` holds checklist material ids, material names (free text is
    allowed for defects outside the checklist) or dicts with ``material_id``
    or ``name`` and ``problem``. Empty: the proposal from the checklist.

    中文：一次性告知补正
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.REQUEST_SUPPLEMENT, user=actor)
    items = _supplement_items(case, missing)
    if not items:
        raise ApplicationError(
            ErrorCode.SUPPLEMENT_EMPTY,
            "补正清单为空：材料已齐全，请直接受理；如材料有缺陷，请列明需补正的材料。",
        )
    request = SupplementRequest.objects.create(
        case=case, items=items, reason=(reason or "").strip(), requested_by=actor
    )
    case_transition(
        case=case,
        action=Action.REQUEST_SUPPLEMENT,
        actor=actor,
        reason=reason,
        details={"items": items, "request_id": request.pk},
    )
    _issue(case, DocumentKind.SUPPLEMENT, actor, today, items=items, reason=reason)
    _notify(case, "supplement_requested")
    return request


@transaction.atomic
def case_supplement_submit(
    *,
    case: Case,
    actor: User,
    note: str = "",
    files: Iterable[tuple[Material | int | None, Any]] = (),
    now: datetime | None = None,
) -> Case:
    """
    Hand in the supplement and resubmit; the intake clock starts again.

    Files are added (the earlier ones are kept). The receipt date becomes
    the day the supplement was received.

    中文：提交补正材料
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.SUPPLEMENT, user=actor)
    files = list(files)
    if not files and not (note or "").strip():
        raise ApplicationError(
            "supplement_empty_answer", "请上传补正材料或填写补正说明。"
        )
    for material, upload in files:
        case_material_add(case=case, actor=actor, file=upload, material=material)
    request = case.supplement_requests.filter(answered_at__isnull=True).last()
    if request is not None:
        request.answered_at = now
        request.answer_note = (note or "").strip()
        request.save(update_fields=["answered_at", "answer_note"])
    case = _lock(case)
    _received(case, now, today)
    case_transition(
        case=case,
        action=Action.SUPPLEMENT,
        actor=actor,
        reason=note,
        details={"files": len(files)},
        update_fields=[
            "submitted_at",
            "received_date",
            "intake_due_date",
            "due_date_provisional",
        ],
    )
    receipt_issue(case=case, actor=actor, now=now)
    _notify(case, "supplemented")
    return case


def _close_without_decision(
    case: Case,
    action: str,
    actor,
    reason: str,
    today: date,
    kind_variant: str,
    authority: str = "",
    update_fields: Sequence[str] = (),
) -> Case:
    case.closing_reason = reason
    case.referral_authority = authority
    case.lamp = Lamp.NONE
    case.current_assignee = None
    case_transition(
        case=case,
        action=action,
        actor=actor,
        reason=reason,
        details={"authority": authority} if authority else {},
        update_fields=[
            "closing_reason",
            "referral_authority",
            "lamp",
            "current_assignee",
            *update_fields,
        ],
    )
    _issue(
        case,
        DocumentKind.REFUSAL,
        actor,
        today,
        variant=kind_variant,
        reason=reason,
        authority=authority,
    )
    _notify(case, action)
    return case


@_deems_first
@transaction.atomic
def case_refuse(
    *, case: Case, actor: User, reason: str, now: datetime | None = None
) -> Case:
    """
    Refuse to accept (不予受理) with reasons and the remedies.

    中文：不予受理
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.REFUSE, user=actor)
    reason = _require(reason, "不予受理的理由")
    return _close_without_decision(case, Action.REFUSE, actor, reason, today, "refusal")


@_deems_first
@transaction.atomic
def case_mark_not_required(
    *, case: Case, actor: User, reason: str, now: datetime | None = None
) -> Case:
    """
    Tell the applicant no licence is needed (Art. 32 (一)).

    中文：告知不需要取得行政许可
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.MARK_NOT_REQUIRED, user=actor)
    reason = _require(reason, "不需要取得许可的依据")
    return _close_without_decision(
        case, Action.MARK_NOT_REQUIRED, actor, reason, today, "not_required"
    )


@_deems_first
@transaction.atomic
def case_refer(
    *, case: Case, actor: User, reason: str, authority: str, now: datetime | None = None
) -> Case:
    """
    Refuse as outside this office's powers and name the competent one.

    中文：不属于本机关职权，告知向有关机关申请
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.REFER, user=actor)
    reason = _require(reason, "理由")
    authority = _require(authority, "应向其申请的机关")
    return _close_without_decision(
        case, Action.REFER, actor, reason, today, "referral", authority=authority[:200]
    )


def _deem_accept_locked(case: Case, today: date) -> None:
    cal = clock.calendar()
    case.accepted_date = case.received_date
    case.accepted_at = timezone.now()
    case.deemed_accepted = True
    instant_clock_hold(case)
    _clock_apply(case, cal, today)
    case_transition(
        case=case,
        action=Action.DEEM_ACCEPT,
        actor=None,
        reason="收件后五个工作日内未作出受理决定，依行政许可法第三十二条自收到申请材料之日起视为受理。",
        details={
            "received_date": case.received_date,
            "intake_due_date": case.intake_due_date,
        },
        update_fields=[
            "accepted_date",
            "accepted_at",
            "deemed_accepted",
            "promised_days",
            *CLOCK_FIELDS,
        ],
    )
    _steps_create(case, today, timezone.now())
    _issue(
        case,
        DocumentKind.ACCEPTANCE,
        None,
        today,
        deemed=True,
        accepted_date=case.accepted_date,
    )
    _notify(case, "deemed_accepted")


def case_deem_accepted_overdue(*, now: datetime | None = None) -> int:
    """
    Deem accepted every case left without intake decision past 5 working days.

    Run by a periodic job; each case is its own transaction. Return the
    number of cases deemed accepted.

    中文：逾期视为受理
    """
    now, today = _now(now)
    ids = list(
        Case.objects.filter(status=Status.SUBMITTED, intake_due_date__lt=today)
        .order_by("intake_due_date", "id")
        .values_list("pk", flat=True)
    )
    done = 0
    for case_id in ids:
        with transaction.atomic():
            case = _lock(Case(pk=case_id))
            if _deem_if_overdue(case, today):
                done += 1
    return done


# -- steps (承办 → 审核 → 批准) -------------------------------------------------


def _templates_for(case: Case) -> list[tuple[str, str, int | None, Any]]:
    rows = list(
        StepTemplate.objects.filter(item_version=case.item_version_id).order_by("order")
    )
    if not rows:
        rows = list(
            StepTemplate.objects.filter(
                item=case.item_id, item_version__isnull=True
            ).order_by("order")
        )
    if rows:
        return [(r.name, r.role, r.limit_days, r.department_id) for r in rows]
    return [(name, role, limit, None) for name, role, limit in DEFAULT_STEPS]


def _pick_assignee(department_id: int, role: str, exclude: set[int]) -> User | None:
    base = User.objects.filter(
        is_active=True,
        department_id=department_id,
        groups__name=ROLE_GROUP_NAMES[Role(role)],
    )
    candidates = (
        base.exclude(pk__in=exclude) if base.exclude(pk__in=exclude).exists() else base
    )
    candidate = (
        candidates.annotate(
            load=Count("case_steps", filter=Q(case_steps__status=StepStatus.ACTIVE))
        )
        .order_by("is_absent", "load", "id")
        .first()
    )
    return staff_effective_assignee(candidate)


def _step_start(
    case: Case, step: CaseStep, today: date, now: datetime, assignee: User | None = None
) -> None:
    done_by = set(
        CaseStep.objects.filter(case=case, status=StepStatus.DONE)
        .exclude(assignee__isnull=True)
        .values_list("assignee_id", flat=True)
    )
    if assignee is None:
        assignee = _pick_assignee(step.department_id, step.role, done_by)
    else:
        assignee = staff_effective_assignee(assignee)
    cal = clock.calendar()
    step.status = StepStatus.ACTIVE
    step.assignee = assignee
    step.started_at = now
    step.started_on = today
    step.due_date = (
        clock.add_days(cal, today, step.limit_days) if step.limit_days else None
    )
    step.lamp = (
        clock.lamp_for(cal, step.due_date, today) if step.due_date else Lamp.NONE
    )
    step.due_date_provisional = cal.is_provisional(step.due_date)
    step.completed_at = None
    step.completed_by = None
    step.save()
    case.current_assignee = assignee
    case.save(update_fields=["current_assignee", "updated_at"])
    audit_record(
        action="step_start",
        obj=case,
        actor="系统",
        details={
            "step": step.pk,
            "name": step.name,
            "assignee": getattr(assignee, "pk", None),
        },
    )


def _steps_create(case: Case, today: date, now: datetime) -> None:
    steps = [
        CaseStep(
            case=case,
            order=i,
            name=name,
            role=role,
            limit_days=limit,
            department_id=dept_id or case.department_id,
        )
        for i, (name, role, limit, dept_id) in enumerate(_templates_for(case), start=1)
    ]
    CaseStep.objects.bulk_create(steps)
    first = CaseStep.objects.filter(case=case).order_by("order").first()
    if first is not None:
        _step_start(case, first, today, now)


def _active_step(case: Case, step: CaseStep | int | None) -> CaseStep:
    active = (
        CaseStep.objects.filter(case=case, status=StepStatus.ACTIVE)
        .order_by("order")
        .first()
    )
    step_id = step.pk if isinstance(step, CaseStep) else step
    if active is None or (step_id is not None and active.pk != int(step_id)):
        raise ApplicationError(
            "step_not_active", "该环节不是办件当前正在办理的环节。", status=409
        )
    return active


@transaction.atomic
def case_step_complete(
    *,
    case: Case,
    actor: User,
    step: CaseStep | int | None = None,
    opinion: str = "",
    now: datetime | None = None,
) -> CaseStep:
    """
    Complete the current step and hand the case to the next one.

    Only the step's assignee may do this. After the last step the case waits
    for the decision (case_decide).

    中文：环节办理完成
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.STEP_COMPLETE, user=actor)
    current = _active_step(case, step)
    current.status = StepStatus.DONE
    current.completed_at = now
    current.completed_by = actor
    current.opinion = (opinion or "").strip()
    current.lamp = Lamp.NONE
    current.save()
    case_transition(
        case=case,
        action=Action.STEP_COMPLETE,
        actor=actor,
        reason=opinion,
        details={"step": current.pk, "name": current.name},
    )
    following = (
        CaseStep.objects.filter(
            case=case, status=StepStatus.PENDING, order__gt=current.order
        )
        .order_by("order")
        .first()
    )
    if following is not None:
        _step_start(case, following, today, now)
    else:
        case.current_assignee = None
        case.save(update_fields=["current_assignee", "updated_at"])
    return current


@transaction.atomic
def case_step_return(
    *,
    case: Case,
    actor: User,
    opinion: str,
    step: CaseStep | int | None = None,
    now: datetime | None = None,
) -> CaseStep:
    """
    Send the case back to the previous step with an opinion.

    中文：退回上一环节
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.STEP_RETURN, user=actor)
    opinion = _require(opinion, "退回意见")
    current = _active_step(case, step)
    previous = (
        CaseStep.objects.filter(case=case, order__lt=current.order)
        .order_by("-order")
        .first()
    )
    if previous is None:
        raise ApplicationError(
            "no_previous_step", "这是第一个环节，不能退回。", status=409
        )
    current.status = StepStatus.PENDING
    current.assignee = None
    current.started_at = None
    current.due_date = None
    current.lamp = Lamp.NONE
    current.save()
    case_transition(
        case=case,
        action=Action.STEP_RETURN,
        actor=actor,
        reason=opinion,
        details={"from_step": current.pk, "to_step": previous.pk},
    )
    _step_start(case, previous, today, now, assignee=previous.assignee)
    return previous


@transaction.atomic
def case_step_reassign(
    *,
    case: Case,
    actor: User,
    assignee: User,
    reason: str,
    step: CaseStep | int | None = None,
) -> CaseStep:
    """
    Give the current step to another member of staff (recorded).

    中文：改派承办人
    """
    case = _lock(case)
    transition_check(case=case, action=Action.STEP_REASSIGN, user=actor)
    reason = _require(reason, "改派理由")
    current = _active_step(case, step)
    if not assignee.is_active or assignee.department_id != current.department_id:
        raise ApplicationError(
            "invalid_assignee", "承办人须为该环节办理部门的在职人员。"
        )
    return _step_reassign(case, current, assignee, actor, reason)


def _step_reassign(
    case: Case, step: CaseStep, assignee: User, actor, reason: str
) -> CaseStep:
    effective = staff_effective_assignee(assignee)
    before = step.assignee_id
    step.assignee = effective
    step.save(update_fields=["assignee"])
    case.current_assignee = effective
    case_transition(
        case=case,
        action=Action.STEP_REASSIGN,
        actor=actor,
        reason=reason,
        details={"step": step.pk, "from": before, "to": getattr(effective, "pk", None)},
        update_fields=["current_assignee"],
    )
    return step


def _system_reassign_record(
    case: Case, step: CaseStep, before, effective, reason: str
) -> None:
    case.save(update_fields=["current_assignee", "updated_at"])
    audit_record(
        action=Action.STEP_REASSIGN,
        obj=case,
        actor="系统",
        from_state=case.status,
        to_state=case.status,
        reason=reason,
        details={"step": step.pk, "from": before, "to": getattr(effective, "pk", None)},
    )


def case_step_reassign_for_absent(*, user: User, actor: User | None = None) -> int:
    """
    Move every active step of an absent member of staff to their B岗.

    Called when a member of staff is marked absent. Return the number of
    steps moved.

    中文：缺岗转B岗
    """
    user.refresh_from_db(fields=["is_absent", "backup"])
    if not user.is_absent:
        return 0
    target = staff_effective_assignee(user)
    if target is None or target.pk == user.pk:
        return 0
    moved = 0
    step_ids = list(
        CaseStep.objects.filter(assignee=user, status=StepStatus.ACTIVE).values_list(
            "pk", "case_id"
        )
    )
    for step_id, case_id in step_ids:
        with transaction.atomic():
            case = _lock(Case(pk=case_id))
            step = CaseStep.objects.select_for_update().get(pk=step_id)
            if step.status != StepStatus.ACTIVE or step.assignee_id != user.pk:
                continue
            _system_reassign_record_full(
                case, step, target, "承办人不在岗，自动转B岗办理。"
            )
            moved += 1
    return moved


def _system_reassign_record_full(
    case: Case, step: CaseStep, target: User, reason: str
) -> None:
    before = step.assignee_id
    step.assignee = target
    step.save(update_fields=["assignee"])
    case.current_assignee = target
    _system_reassign_record(case, step, before, target, reason)


# -- clocks ----------------------------------------------------------------

CLOCK_FIELDS = [
    "due_date",
    "statutory_due_date",
    "suspended_days",
    "lamp",
    "due_date_provisional",
]


def _clock_apply(case: Case, cal, today: date) -> None:
    """Recompute the stored clock fields of ``case`` (not saved)."""
    if case.accepted_date is None:
        return
    intervals = []
    if case.pk:
        intervals = list(
            CaseSuspension.objects.filter(case=case).values_list(
                "started_on", "ended_on"
            )
        )
    result = clock.clock_compute(
        cal,
        start=case.accepted_date,
        promised_days=case.promised_days,
        statutory_days=case.statutory_days,
        promised_unit=case.promised_unit,
        statutory_unit=case.statutory_unit,
        suspensions=intervals,
        extension_days=case.extension_days,
        today=today,
    )
    case.due_date = result.due_date
    case.statutory_due_date = result.statutory_due_date
    case.suspended_days = result.suspended_days
    case.due_date_provisional = clock.case_dates_provisional(cal, case)
    if case.status in (Status.SUBMITTED, *CLOCK_STATUSES):
        case.lamp = result.lamp
    # per-step clocks move with the suspensions that began after they started
    for step in CaseStep.objects.filter(
        case=case, status=StepStatus.ACTIVE, limit_days__isnull=False
    ):
        excluded = sum(
            clock.suspension_excluded_days(cal, s, e, today)
            for s, e in intervals
            if step.started_on and s >= step.started_on
        )
        step.due_date = clock.add_days(cal, step.started_on, step.limit_days + excluded)
        step.lamp = clock.lamp_for(cal, step.due_date, today)
        step.due_date_provisional = cal.is_provisional(step.due_date)
        step.save(update_fields=["due_date", "lamp", "due_date_provisional"])


@transaction.atomic
def case_clock_recompute(*, case: Case, now: datetime | None = None) -> Case:
    """
    Recompute and store the due dates and lamp of one case.

    中文：重算办件时限
    """
    now, today = _now(now)
    case = _lock(case)
    _clock_apply(case, clock.calendar(), today)
    case.save(update_fields=[*CLOCK_FIELDS, "updated_at"])
    return case


def case_clocks_refresh(*, now: datetime | None = None) -> dict[str, int]:
    """
    Refresh the stored lamps of all running cases (a daily job).

    Green/yellow/red follow from the stored due dates with three UPDATE
    statements; suspended cases (whose due dates move daily) and running
    step clocks are recomputed one by one.

    中文：刷新亮灯
    """
    now, today = _now(now)
    cal = clock.calendar()
    warn_until = clock.add_days(cal, today, clock.warning_days())
    counts = {}
    suspended_ids = list(
        Case.objects.filter(status=Status.SUSPENDED).values_list("pk", flat=True)
    )
    for case_id in suspended_ids:
        case_clock_recompute(case=Case(pk=case_id), now=now)
    running = Case.objects.filter(status__in=(Status.ACCEPTED, Status.UNDER_REVIEW))
    counts["red"] = (
        running.filter(due_date__lt=today).exclude(lamp=Lamp.RED).update(lamp=Lamp.RED)
    )
    counts["yellow"] = (
        running.filter(due_date__gte=today, due_date__lte=warn_until)
        .exclude(lamp=Lamp.YELLOW)
        .update(lamp=Lamp.YELLOW)
    )
    counts["green"] = (
        running.filter(due_date__gt=warn_until)
        .exclude(lamp=Lamp.GREEN)
        .update(lamp=Lamp.GREEN)
    )
    cert = Case.objects.filter(
        status=Status.DECIDED_APPROVED, certificate_issued_at__isnull=True
    )
    counts["certificate_red"] = (
        cert.filter(certificate_due_date__lt=today)
        .exclude(lamp=Lamp.RED)
        .update(lamp=Lamp.RED)
    )
    cert.filter(
        certificate_due_date__gte=today, certificate_due_date__lte=warn_until
    ).exclude(lamp=Lamp.YELLOW).update(lamp=Lamp.YELLOW)
    for step in CaseStep.objects.filter(
        status=StepStatus.ACTIVE, due_date__isnull=False
    ):
        lamp = clock.lamp_for(cal, step.due_date, today)
        if lamp != step.lamp:
            CaseStep.objects.filter(pk=step.pk).update(lamp=lamp)
    counts["suspended"] = len(suspended_ids)
    return counts


@transaction.atomic
def case_suspend(
    *,
    case: Case,
    actor: User,
    kind: str,
    reason: str,
    expected_days: int | None = None,
    now: datetime | None = None,
) -> CaseSuspension:
    """
    Start an Art. 45 procedure; its working days are not counted.

    Issues the 特别程序告知书 stating the procedure and the time it needs.

    中文：特别程序（暂停计时）
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.SUSPEND, user=actor)
    if kind not in SuspensionKind.values:
        raise ApplicationError(
            ErrorCode.INVALID_SUSPENSION_KIND,
            "特别程序须为：{}。".format(
                "、".join(str(k.label) for k in SuspensionKind)
            ),
        )
    reason = _require(reason, "特别程序的理由")
    if expected_days is not None and (expected_days < 1 or expected_days > 365):
        raise ApplicationError(
            ErrorCode.INVALID_DAYS, "预计所需时间应为1至365个工作日。"
        )
    suspension = CaseSuspension.objects.create(
        case=case,
        kind=kind,
        reason=reason,
        expected_days=expected_days,
        started_on=today,
        started_by=actor,
    )
    _clock_apply(case, clock.calendar(), today)
    case_transition(
        case=case,
        action=Action.SUSPEND,
        actor=actor,
        reason=reason,
        details={
            "kind": kind,
            "suspension": suspension.pk,
            "expected_days": expected_days,
        },
        update_fields=CLOCK_FIELDS,
    )
    _issue(
        case,
        DocumentKind.SPECIAL_PROCEDURE,
        actor,
        today,
        procedure=SuspensionKind(kind).label,
        reason=reason,
        expected_days=expected_days,
        started_on=today,
    )
    _notify(case, "suspended", kind=str(SuspensionKind(kind).label))
    return suspension


@transaction.atomic
def case_resume(
    *, case: Case, actor: User, note: str = "", now: datetime | None = None
) -> Case:
    """
    End the open Art. 45 procedure and restart the clock.

    中文：恢复计时
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.RESUME, user=actor)
    cal = clock.calendar()
    suspension = case.suspensions.filter(ended_on__isnull=True).last()
    if suspension is not None:
        suspension.ended_on = today
        suspension.ended_by = actor
        suspension.working_days = clock.suspension_excluded_days(
            cal, suspension.started_on, today, today
        )
        suspension.save(update_fields=["ended_on", "ended_by", "working_days"])
    _clock_apply(case, cal, today)
    case_transition(
        case=case,
        action=Action.RESUME,
        actor=actor,
        reason=note,
        details={
            "suspension": getattr(suspension, "pk", None),
            "excluded": getattr(suspension, "working_days", 0),
            "due_date": case.due_date,
        },
        update_fields=CLOCK_FIELDS,
    )
    _notify(case, "resumed")
    return case


@transaction.atomic
def case_extend(
    *, case: Case, actor: User, days: int, reason: str, now: datetime | None = None
) -> CaseExtension:
    """
    Extend the decision limit (Art. 42: at most 10 working days in total).

    Only an authorised approver (中心管理员, or 审批人员 holding the
    ``cases.approve_extension`` permission) may; the applicant gets the
    延期通知书 with the reason.

    中文：延期
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.EXTEND, user=actor)
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ApplicationError(ErrorCode.INVALID_DAYS, "延长天数须为正整数（工作日）。")
    if case.extension_days + days > clock.EXTENSION_MAX_DAYS:
        raise ApplicationError(
            ErrorCode.EXTENSION_LIMIT,
            f"依行政许可法第四十二条，延长期限合计不得超过{clock.EXTENSION_MAX_DAYS}个工作日（已延长{case.extension_days}个工作日）。",
            status=409,
        )
    reason = _require(reason, "延期理由")
    extension = CaseExtension.objects.create(
        case=case, days=days, reason=reason, approved_by=actor
    )
    case.extension_days += days
    _clock_apply(case, clock.calendar(), today)
    case_transition(
        case=case,
        action=Action.EXTEND,
        actor=actor,
        reason=reason,
        details={
            "days": days,
            "total": case.extension_days,
            "due_date": case.due_date,
            "statutory_due_date": case.statutory_due_date,
        },
        update_fields=["extension_days", *CLOCK_FIELDS],
    )
    _issue(
        case,
        DocumentKind.EXTENSION,
        actor,
        today,
        days=days,
        reason=reason,
        due_date=case.due_date,
        statutory_due_date=case.statutory_due_date,
        approver=str(actor),
    )
    _notify(case, "extended", days=days)
    return extension


# -- decision and after ----------------------------------------------------


@transaction.atomic
def case_decide(
    *,
    case: Case,
    actor: User,
    outcome: str,
    reason: str = "",
    result_number: str = "",
    valid_until: date | None = None,
    now: datetime | None = None,
) -> Case:
    """
    Decide: approve (准予许可) or deny (不予许可, with reasons and remedies).

    Open steps are closed. Approval starts the Art. 44 certificate clock
    (10 working days from the decision).

    中文：作出许可决定
    """
    now, today = _now(now)
    case = _lock(case)
    if outcome not in Outcome.values:
        raise ApplicationError(
            ErrorCode.INVALID_OUTCOME, "决定结果须为 approve（准予）或 deny（不予）。"
        )
    action = Action.APPROVE if outcome == Outcome.APPROVE else Action.DENY
    transition_check(case=case, action=action, user=actor)
    if outcome == Outcome.DENY:
        reason = _require(reason, "不予许可的理由")
    if valid_until is not None and valid_until < today:
        raise ApplicationError("invalid_valid_until", "有效期不能早于决定日期。")
    CaseStep.objects.filter(
        case=case, status__in=(StepStatus.ACTIVE, StepStatus.PENDING)
    ).update(status=StepStatus.CLOSED, lamp=Lamp.NONE)
    cal = clock.calendar()
    case.outcome = outcome
    case.decided_at = now
    case.decision_reason = (reason or "").strip()
    case.current_assignee = None
    kind = DocumentKind.APPROVAL if outcome == Outcome.APPROVE else DocumentKind.DENIAL
    if outcome == Outcome.APPROVE:
        case.certificate_due_date = clock.add_days(
            cal, today, clock.CERTIFICATE_LIMIT_DAYS
        )
        case.result_valid_until = valid_until
        case.lamp = clock.lamp_for(cal, case.certificate_due_date, today)
    else:
        case.lamp = Lamp.NONE
    case.due_date_provisional = clock.case_dates_provisional(cal, case)
    case_transition(
        case=case,
        action=action,
        actor=actor,
        reason=reason,
        details={
            "outcome": outcome,
            "on_time": case.due_date is None or today <= case.due_date,
        },
        update_fields=[
            "outcome",
            "decided_at",
            "decision_reason",
            "current_assignee",
            "certificate_due_date",
            "result_valid_until",
            "lamp",
            "due_date_provisional",
        ],
    )
    document = _issue(
        case,
        kind,
        actor,
        today,
        reason=case.decision_reason,
        result_name=case.item_version.result_name or case.item_version.name,
        valid_until=valid_until,
        decided_on=today,
    )
    case.result_number = (result_number or "").strip()[:100] or document.number
    case.save(update_fields=["result_number"])
    CaseDocument.objects.filter(pk=document.pk).update(
        context={**document.context, "result_number": case.result_number}
    )
    _notify(case, action)
    return case


@transaction.atomic
def case_certificate_issue(
    *, case: Case, actor: User, result_number: str = "", now: datetime | None = None
) -> Case:
    """
    Record that the certificate was issued (Art. 44 clock stops).

    中文：颁发证件
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.ISSUE_CERTIFICATE, user=actor)
    if case.certificate_issued_at is not None:
        raise ApplicationError("certificate_already_issued", "证件已颁发。", status=409)
    case.certificate_issued_at = now
    if result_number.strip():
        case.result_number = result_number.strip()[:100]
    case.lamp = Lamp.NONE
    case_transition(
        case=case,
        action=Action.ISSUE_CERTIFICATE,
        actor=actor,
        details={
            "result_number": case.result_number,
            "on_time": case.certificate_due_date is None
            or today <= case.certificate_due_date,
        },
        update_fields=["certificate_issued_at", "result_number", "lamp"],
    )
    _notify(case, "certificate_issued")
    return case


@transaction.atomic
def case_deliver(
    *,
    case: Case,
    actor: User,
    method: str,
    tracking: str = "",
    now: datetime | None = None,
) -> Case:
    """
    Record delivery of the result: counter pickup, mail (tracking) or download.

    中文：送达
    """
    now, _today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.DELIVER, user=actor)
    if method not in DeliveryMethod.values:
        raise ApplicationError(
            ErrorCode.INVALID_DELIVERY, "送达方式须为窗口领取、邮寄送达或网上下载。"
        )
    tracking = (tracking or "").strip()
    if method == DeliveryMethod.MAIL and not tracking:
        raise ApplicationError(ErrorCode.TRACKING_REQUIRED, "邮寄送达须填写快递单号。")
    case.delivery_method = method
    case.delivery_tracking = tracking[:60]
    case.delivered_at = now
    case_transition(
        case=case,
        action=Action.DELIVER,
        actor=actor,
        details={"method": method, "tracking": case.delivery_tracking},
        update_fields=["delivery_method", "delivery_tracking", "delivered_at"],
    )
    _notify(case, "delivered")
    return case


@transaction.atomic
def case_conclude(
    *, case: Case, actor: User, note: str = "", now: datetime | None = None
) -> Case:
    """
    Conclude (办结) a decided case; an approval's certificate counts as issued.

    中文：办结
    """
    now, _today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.CONCLUDE, user=actor)
    if case.status == Status.DECIDED_APPROVED and case.certificate_issued_at is None:
        case.certificate_issued_at = now
    case.concluded_at = now
    case.lamp = Lamp.NONE
    case_transition(
        case=case,
        action=Action.CONCLUDE,
        actor=actor,
        reason=note,
        details={
            "on_time": case.due_date is None
            or timezone.localdate(case.decided_at or now) <= case.due_date
        },
        update_fields=["certificate_issued_at", "concluded_at", "lamp"],
    )
    _notify(case, "concluded")
    return case


def _stop_everything(case: Case, today: date) -> None:
    CaseStep.objects.filter(
        case=case, status__in=(StepStatus.ACTIVE, StepStatus.PENDING)
    ).update(status=StepStatus.CLOSED, lamp=Lamp.NONE)
    cal = None
    for suspension in case.suspensions.filter(ended_on__isnull=True):
        cal = cal or clock.calendar()
        suspension.ended_on = today
        suspension.working_days = clock.suspension_excluded_days(
            cal, suspension.started_on, today, today
        )
        suspension.save(update_fields=["ended_on", "working_days"])
    case.lamp = Lamp.NONE
    case.current_assignee = None


@transaction.atomic
def case_withdraw(
    *, case: Case, actor: User, reason: str = "", now: datetime | None = None
) -> Case:
    """
    Withdraw the application (applicant or agent, before the decision).

    中文：撤回申请
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.WITHDRAW, user=actor)
    _stop_everything(case, today)
    case.closing_reason = (reason or "").strip() or "申请人撤回申请"
    case_transition(
        case=case,
        action=Action.WITHDRAW,
        actor=actor,
        reason=case.closing_reason,
        update_fields=["closing_reason", "lamp", "current_assignee"],
    )
    _notify(case, "withdrawn")
    return case


@transaction.atomic
def case_terminate(
    *, case: Case, actor: User, reason: str, now: datetime | None = None
) -> Case:
    """
    Terminate handling with a reason (e.g. the applicant died or dissolved).

    中文：终止办理
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.TERMINATE, user=actor)
    reason = _require(reason, "终止理由")
    _stop_everything(case, today)
    case.closing_reason = reason
    case_transition(
        case=case,
        action=Action.TERMINATE,
        actor=actor,
        reason=reason,
        update_fields=["closing_reason", "lamp", "current_assignee"],
    )
    _notify(case, "terminated")
    return case


# -- notifications ---------------------------------------------------------


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """
    Mark an in-app notification as read by its recipient.

    中文：标记已读
    """
    if notification.user_id != user.pk:
        raise ApplicationError("not_found", "消息不存在。", status=404)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
