"""The intake decision (Art. 32): accept, supplement, refuse, refer, deemed acceptance."""

import functools
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.catalog.constants import (
    HandlingMode,
    MaterialRequirement,
)
from zhengtong.catalog.models import Material
from zhengtong.core.errors import ApplicationError

from .. import clock
from ..constants import (
    Action,
    DeliveryMethod,
    DocumentKind,
    ErrorCode,
    Lamp,
    Outcome,
    Status,
    ToleranceStatus,
)
from ..models import (
    Case,
    CaseMaterial,
    SupplementRequest,
)
from ..receipts import receipt_issue
from ..services_instant import instant_clock_hold
from ..services_tolerance import tolerance_notice_context
from ..workflow import case_transition, transition_check
from ._base import _issue, _lock, _notify, _now, _received, _require
from .clocks import CLOCK_FIELDS, _clock_apply
from .creation import case_material_add
from .decision import case_conclude, case_decide, case_deliver
from .joint import JOINT_FIELDS, joint_open, joint_prepare
from .steps import _steps_create

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
    joint = joint_prepare(case)  # 联办件: the joint limit (Art. 42 para. 2)
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
            *JOINT_FIELDS,
            *CLOCK_FIELDS,
        ],
    )
    if joint:
        joint_open(case, actor, today)  # the branches are its steps
    else:
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
    # The decision is handed over at the counter on the spot (当场送达).
    case = case_deliver(
        case=case,
        actor=actor,
        method=DeliveryMethod.COUNTER_PICKUP,
        recipient=case.applicant_name,
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


def _supplement_line_of(items: Sequence[dict[str, Any]], material: Any) -> int | None:
    """Return the index of the notice line asking for ``material``, if one does."""
    material_id = getattr(material, "pk", material)
    if material_id is None:
        return None
    for index, item in enumerate(items):
        if item.get("material_id") == int(material_id):
            return index
    return None


@transaction.atomic
def case_supplement_submit(
    *,
    case: Case,
    actor: User,
    note: str = "",
    files: Iterable[tuple[Material | int | None, Any]] = (),
    line_files: Iterable[tuple[int, Any]] = (),
    now: datetime | None = None,
) -> Case:
    """
    Hand in the supplement and resubmit; the intake clock starts again.

    ``line_files`` are (line index of the open 补正 notice, upload) pairs:
    each file is stored under the line it answers (the line's checklist
    material, or its free-text name) and keeps the link to the line. A file
    in ``files`` whose checklist material a line asks for is tied to that
    line too. Files are added (the earlier ones are kept). The receipt date
    becomes the day the supplement was received.

    中文：提交补正材料
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.SUPPLEMENT, user=actor)
    request = case.supplement_requests.filter(answered_at__isnull=True).last()
    items = list(request.items) if request is not None else []
    pairs: list[tuple[Any, Any, int | None]] = [
        (material, upload, _supplement_line_of(items, material))
        for material, upload in files
    ]
    for index, upload in line_files:
        if not 0 <= int(index) < len(items):
            raise ApplicationError(
                "supplement_line_unknown",
                "补正材料对应的告知事项不存在，请刷新页面后重试。",
            )
        item = items[int(index)]
        pairs.append((item.get("material_id"), upload, int(index)))
    if not pairs and not (note or "").strip():
        raise ApplicationError(
            "supplement_empty_answer", "请上传补正材料或填写补正说明。"
        )
    lines: dict[str, int] = {}
    for material, upload, line in pairs:
        name = items[line]["name"] if line is not None else ""
        row = case_material_add(
            case=case, actor=actor, file=upload, material=material, name=name
        )
        if line is not None:
            row.supplement_request = request
            row.supplement_line = line
            row.save(update_fields=["supplement_request", "supplement_line"])
            lines[str(line)] = lines.get(str(line), 0) + 1
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
        details={"files": len(pairs), "lines": lines},
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
    joint = joint_prepare(case)
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
            *JOINT_FIELDS,
            *CLOCK_FIELDS,
        ],
    )
    if joint:
        joint_open(case, None, today)
    else:
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
