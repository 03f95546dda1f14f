"""
Joint approval (并联审批 / 联办件): branches opened on acceptance, their
suspensions, extensions and supplement requests, their decisions and the
one combined decision.

- ``joint_prepare`` / ``joint_open`` are called by ``case_accept`` (and the
  deemed acceptance) for a version with ``JointBranchTemplate`` rows: the
  case gets the joint limit (行政许可法第四十二条第二款, 45 working days) and
  one branch per department, all at once; the coordination rule of the
  region decides between a 联办件通知书 and a 联办会议.
- A branch suspends for an Art. 45 procedure (``branch_suspend`` /
  ``branch_resume``): a ``CaseSuspension`` with its ``branch``; the joint
  clock excludes the union of all branch suspensions.
- A branch asks an extension (``branch_extension_request``); the approver of
  the case answers with ``case_extension_approve`` (at most 15 days in all).
- A branch asks a 补正 (``branch_supplement_ask``); only the lead window
  sends them, all pending asks in one notice (``joint_supplement_send``).
- A branch with its own steps (承办 → 审核 → 批准, ``services/joint_steps.py``)
  decides at its last step only.
- ``branch_decide``: when every branch has decided (or was stopped by a
  denial that stops the others), the case is decided at once with one
  combined notice listing each department's decision.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction

from zhengtong.accounts.constants import Role
from zhengtong.accounts.models import User
from zhengtong.catalog.constants import DayUnit
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import clock
from .. import documents_joint as _documents_joint  # noqa: F401  (registers kinds)
from ..constants import (
    Action,
    DocumentKind,
    ErrorCode,
    ExtensionStatus,
    Lamp,
    Outcome,
    SuspensionKind,
)
from ..documents_joint import branch_rows
from ..models import Case, CaseExtension, CaseSuspension, SupplementRequest
from ..models_joint import (
    BranchStatus,
    BranchSupplementAsk,
    CaseBranch,
    CoordinationMethod,
    JointBranchTemplate,
    JointCoordination,
    JointCoordinationRule,
)
from ..permissions import (
    check_lead_window,
    check_work_branch,
    is_centre_wide,
)
from ..workflow import TRANSITIONS, case_transition, pending_extension
from ._base import _issue, _lock, _notify, _now, _require
from .clocks import CLOCK_FIELDS, _clock_apply
from .extensions import days_checked
from .joint_base import _branch_not_suspended, _branch_open, _lock_branch, _record
from .joint_steps import branch_steps_close, branch_steps_open, branch_steps_to_decide
from .steps import _pick_assignee

DEFAULT_MEETING_FROM = 3
DEFAULT_CONVENER = "中心分管负责人"
# The case fields ``joint_prepare`` sets (saved with the acceptance).
JOINT_FIELDS = [
    "is_joint",
    "statutory_days",
    "statutory_unit",
    "promised_unit",
]


def joint_templates(version_id: int) -> list[JointBranchTemplate]:
    """Return the branch definition of an item version (empty: not joint)."""
    return list(
        JointBranchTemplate.objects.filter(item_version_id=version_id).order_by(
            "order", "id"
        )
    )


def joint_prepare(case: Case) -> bool:
    """
    Give ``case`` the joint limit if its version defines branches (not saved).

    Called by the acceptance before the clock is computed. Return whether
    the case is a 联办件.

    中文：联办件时限
    """
    if not JointBranchTemplate.objects.filter(
        item_version_id=case.item_version_id
    ).exists():
        return False
    case.is_joint = True
    case.statutory_days = clock.JOINT_DECISION_DAYS
    case.statutory_unit = DayUnit.WORKING
    case.promised_days = None
    case.promised_unit = DayUnit.WORKING
    return True


def joint_open(case: Case, actor: User | None, today: date) -> list[CaseBranch]:
    """
    Open every branch of an accepted 联办件 at once, each on its own clock,
    and record how the windows coordinate (联办件通知书 or 联办会议).

    中文：开启联办分支
    """
    templates = joint_templates(case.item_version_id)
    branches = []
    for tpl in templates:
        assignee = _pick_assignee(tpl.department_id, Role.REVIEWER, set())
        branch = CaseBranch.objects.create(
            case=case,
            department_id=tpl.department_id,
            order=tpl.order,
            is_lead=tpl.is_lead,
            denial_stops_others=tpl.denial_stops_others,
            limit_days=tpl.limit_days or clock.JOINT_DECISION_DAYS,
            assignee=assignee,
        )
        branch_steps_open(branch, tpl.pk, today)
        branches.append(branch)
    _clock_apply(case, clock.calendar(), today)  # branch due dates
    branches = list(CaseBranch.objects.filter(case=case).select_related("department"))
    rule = JointCoordinationRule.objects.filter(region_code=case.region_code).first()
    meeting_from = rule.meeting_from if rule else DEFAULT_MEETING_FROM
    others = [b for b in branches if b.department_id != case.department_id]
    if len(branches) >= meeting_from:
        coordination = JointCoordination.objects.create(
            case=case,
            method=CoordinationMethod.MEETING,
            convener_title=rule.convener_title if rule else DEFAULT_CONVENER,
        )
    else:
        document = _issue(
            case,
            DocumentKind.JOINT_NOTICE,
            actor,
            today,
            to_department="、".join(b.department.name for b in others),
            branches=branch_rows(branches),
        )
        coordination = JointCoordination.objects.create(
            case=case, method=CoordinationMethod.NOTICE, document=document
        )
    audit_record(
        action="joint_open",
        obj=case,
        actor=actor if actor is not None else "系统",
        details={
            "branches": [
                {
                    "department": b.department_id,
                    "due_date": b.due_date,
                    "lead": b.is_lead,
                }
                for b in branches
            ],
            "coordination": coordination.method,
            "joint_due_date": case.statutory_due_date,
        },
    )
    return branches


@transaction.atomic
def joint_meeting_record(
    *, case: Case, actor: User, held_on: date, minutes: str, now: datetime | None = None
) -> JointCoordination:
    """
    Attach the minutes of the 联办会议 (three or more windows) to the case.

    中文：登记联办会议纪要
    """
    now, today = _now(now)
    case = _lock(case)
    if not (is_centre_wide(actor) or _is_lead_staff(actor, case)):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有中心管理人员或牵头部门工作人员可以登记联办会议纪要。",
            status=403,
        )
    coordination = JointCoordination.objects.filter(
        case=case, method=CoordinationMethod.MEETING
    ).first()
    if coordination is None:
        raise ApplicationError(
            "no_joint_meeting", "该办件不需要召开联办会议（少于三个窗口）。", status=409
        )
    minutes = _require(minutes, "会议纪要")
    if not isinstance(held_on, date) or held_on > today:
        raise ApplicationError("invalid_date", "会议日期无效（不能晚于今天）。")
    coordination.held_on = held_on
    coordination.minutes = minutes[:20000]
    coordination.recorded_by = actor
    coordination.save(update_fields=["held_on", "minutes", "recorded_by"])
    audit_record(
        action="joint_meeting_record",
        obj=case,
        actor=actor,
        details={"held_on": held_on, "convener": coordination.convener_title},
    )
    return coordination


def _is_lead_staff(user: User, case: Case) -> bool:
    return bool(
        getattr(user, "department_id", None) is not None
        and user.department_id == case.department_id
        and user.is_active
    )


@transaction.atomic
def branch_suspend(
    *,
    branch: CaseBranch | int,
    actor: User,
    kind: str,
    reason: str,
    expected_days: int | None = None,
    now: datetime | None = None,
) -> CaseSuspension:
    """
    Start an Art. 45 procedure in one branch: its days are not counted for
    the branch, and not for the joint clock (union of all branches).

    中文：联办分支特别程序
    """
    now, today = _now(now)
    case, branch = _lock_branch(branch)
    check_work_branch(user=actor, branch=branch)
    _branch_open(case, branch)
    if kind not in SuspensionKind.values:
        raise ApplicationError(
            ErrorCode.INVALID_SUSPENSION_KIND,
            "特别程序须为：{}。".format(
                "、".join(str(k.label) for k in SuspensionKind)
            ),
        )
    reason = _require(reason, "特别程序的理由")
    if CaseSuspension.objects.filter(branch=branch, ended_on__isnull=True).exists():
        raise ApplicationError(
            "branch_suspended", "该分支已在特别程序中，请先恢复计时。", status=409
        )
    if expected_days is not None and not 1 <= expected_days <= 365:
        raise ApplicationError(
            ErrorCode.INVALID_DAYS, "预计所需时间应为1至365个工作日。"
        )
    suspension = CaseSuspension.objects.create(
        case=case,
        branch=branch,
        kind=kind,
        reason=reason,
        expected_days=expected_days,
        started_on=today,
        started_by=actor,
    )
    _clock_apply(case, clock.calendar(), today)
    case.save(update_fields=[*CLOCK_FIELDS, "updated_at"])
    _record(branch, "branch_suspend", actor, kind=kind, suspension=suspension.pk)
    _issue(
        case,
        DocumentKind.SPECIAL_PROCEDURE,
        actor,
        today,
        procedure=f"{SuspensionKind(kind).label}（{branch.department.name}）",
        reason=reason,
        expected_days=expected_days,
        started_on=today,
    )
    _notify(case, "suspended", kind=str(SuspensionKind(kind).label))
    return suspension


@transaction.atomic
def branch_resume(
    *, branch: CaseBranch | int, actor: User, now: datetime | None = None
) -> CaseSuspension:
    """
    End the open Art. 45 procedure of a branch; its clocks run again.

    中文：联办分支恢复计时
    """
    now, today = _now(now)
    case, branch = _lock_branch(branch)
    check_work_branch(user=actor, branch=branch)
    suspension = CaseSuspension.objects.filter(
        branch=branch, ended_on__isnull=True
    ).last()
    if suspension is None:
        raise ApplicationError(
            "branch_not_suspended", "该分支没有进行中的特别程序。", status=409
        )
    cal = clock.calendar()
    suspension.ended_on = today
    suspension.ended_by = actor
    suspension.working_days = clock.suspension_excluded_days(
        cal, suspension.started_on, today, today
    )
    suspension.save(update_fields=["ended_on", "ended_by", "working_days"])
    _clock_apply(case, cal, today)
    case.save(update_fields=[*CLOCK_FIELDS, "updated_at"])
    _record(
        branch,
        "branch_resume",
        actor,
        suspension=suspension.pk,
        excluded=suspension.working_days,
    )
    _notify(case, "resumed")
    return suspension


@transaction.atomic
def branch_extension_request(
    *,
    branch: CaseBranch | int,
    actor: User,
    days: int,
    reason: str,
    now: datetime | None = None,
) -> CaseExtension:
    """
    A branch asks to extend the joint limit (Art. 42 para. 2, at most 15
    working days in all); the case's approver answers it with
    ``case_extension_approve`` / ``case_extension_reject``.

    中文：联办分支申请延期
    """
    now, today = _now(now)
    case, branch = _lock_branch(branch)
    check_work_branch(user=actor, branch=branch)
    _branch_open(case, branch)
    if case.statutory_due_date is not None and today > case.statutory_due_date:
        raise ApplicationError(
            ErrorCode.EXTENSION_TOO_LATE,
            "联办法定期限已届满；依行政许可法第四十二条，延期须在期限内决定。",
            status=409,
        )
    if pending_extension(case) is not None:
        raise ApplicationError(
            ErrorCode.EXTENSION_PENDING,
            "已有待批准的延期申请，请等待批准结果。",
            status=409,
        )
    days = days_checked(case, days)
    reason = _require(reason, "延期理由")
    extension = CaseExtension.objects.create(
        case=case,
        branch=branch,
        days=days,
        reason=f"{branch.department.name}：{reason}",
        status=ExtensionStatus.REQUESTED,
        requested_by=actor,
        requested_at=now,
    )
    audit_record(
        action=Action.EXTEND_REQUEST,
        obj=case,
        actor=actor,
        reason=reason,
        details={"extension": extension.pk, "days": days, "branch": branch.pk},
    )
    return extension


@transaction.atomic
def branch_supplement_ask(
    *,
    branch: CaseBranch | int,
    actor: User,
    items: Sequence[Any],
    now: datetime | None = None,
) -> BranchSupplementAsk:
    """
    A branch asks for more material; it reaches the applicant only through
    the lead window, combined with the other branches' asks.

    中文：联办分支提出补正
    """
    now, _today = _now(now)
    case, branch = _lock_branch(branch)
    check_work_branch(user=actor, branch=branch)
    _branch_open(case, branch)
    lines = []
    for entry in items if isinstance(items, (list, tuple)) else []:
        if isinstance(entry, dict):
            name = str(entry.get("name") or "").strip()[:200]
            problem = str(entry.get("problem") or "").strip()[:300]
        else:
            name, problem = str(entry).strip()[:200], ""
        if name:
            lines.append({"name": name, "problem": problem or "未提交或不符合要求"})
    if not lines or len(lines) > 50:
        raise ApplicationError(
            ErrorCode.SUPPLEMENT_EMPTY, "请列出需要补正的材料（1至50项）。"
        )
    ask = BranchSupplementAsk.objects.create(branch=branch, items=lines, asked_by=actor)
    _record(branch, "branch_supplement_ask", actor, items=lines)
    return ask


@transaction.atomic
def joint_supplement_send(
    *, case: Case, actor: User, reason: str = "", now: datetime | None = None
) -> SupplementRequest:
    """
    The lead window sends every pending branch request as one 补正 notice
    (one notice to the applicant, never several).

    中文：牵头窗口合并告知补正
    """
    now, today = _now(now)
    case = _lock(case)
    check_lead_window(user=actor, case=case, what="向申请人告知联办件的补正")
    asks = list(
        BranchSupplementAsk.objects.filter(
            branch__case=case, request__isnull=True
        ).select_related("branch__department")
    )
    if not asks:
        raise ApplicationError(
            ErrorCode.SUPPLEMENT_EMPTY, "各分支没有待告知的补正请求。", status=409
        )
    items = [
        {**line, "department": ask.branch.department.name}
        for ask in asks
        for line in ask.items
    ]
    request = SupplementRequest.objects.create(
        case=case, items=items, reason=(reason or "").strip(), requested_by=actor
    )
    BranchSupplementAsk.objects.filter(pk__in=[a.pk for a in asks]).update(
        request=request
    )
    audit_record(
        action="joint_supplement_send",
        obj=case,
        actor=actor,
        details={"request": request.pk, "asks": [a.pk for a in asks]},
    )
    _issue(
        case,
        DocumentKind.SUPPLEMENT,
        actor,
        today,
        items=items,
        reason=reason,
        joint=True,
    )
    _notify(case, "supplement_requested")
    return request


@transaction.atomic
def branch_decide(
    *,
    branch: CaseBranch | int,
    actor: User,
    outcome: str,
    opinion: str = "",
    internal_note: str = "",
    now: datetime | None = None,
) -> CaseBranch:
    """
    Record a department's decision on its branch; when every branch has
    decided, decide the case with one combined notice.

    A denial gives reasons; where the item says so
    (``denial_stops_others``) it stops the branches still open.

    中文：联办分支作出决定
    """
    now, today = _now(now)
    case, branch = _lock_branch(branch)
    check_work_branch(user=actor, branch=branch)
    _branch_open(case, branch)
    if outcome not in Outcome.values:
        raise ApplicationError(
            ErrorCode.INVALID_OUTCOME, "决定结果须为 approve（同意）或 deny（不同意）。"
        )
    _branch_not_suspended(branch, "作出决定")
    opinion = (opinion or "").strip()[:2000]
    if outcome == Outcome.DENY:
        opinion = _require(opinion, "不同意的理由")
    branch_steps_to_decide(branch, actor, opinion or "同意。", now)
    branch.status = (
        BranchStatus.APPROVED if outcome == Outcome.APPROVE else BranchStatus.DENIED
    )
    branch.opinion = opinion or "同意。"
    branch.internal_note = (internal_note or "").strip()[:2000]
    branch.decided_at = now
    branch.decided_by = actor
    branch.save(
        update_fields=["status", "opinion", "internal_note", "decided_at", "decided_by"]
    )
    _record(branch, "branch_decide", actor, outcome=outcome)
    if branch.status == BranchStatus.DENIED and branch.denial_stops_others:
        stopped = CaseBranch.objects.filter(case=case, status=BranchStatus.OPEN)
        for other in stopped:
            _record(other, "branch_stop", actor, by_branch=branch.pk)
        stopped.update(
            status=BranchStatus.STOPPED,
            opinion=f"因{branch.department.name}不同意，本分支终止办理。",
            decided_at=now,
        )
        CaseSuspension.objects.filter(
            case=case, branch__isnull=False, ended_on__isnull=True
        ).update(ended_on=today)
        branch_steps_close(case)
    if not CaseBranch.objects.filter(case=case, status=BranchStatus.OPEN).exists():
        _joint_decide(case, actor, today, now)
    return branch


def _joint_decide(case: Case, actor: User, today: date, now: datetime) -> None:
    branches = list(CaseBranch.objects.filter(case=case).select_related("department"))
    approved = all(b.status == BranchStatus.APPROVED for b in branches)
    outcome = Outcome.APPROVE if approved else Outcome.DENY
    action = Action.APPROVE if approved else Action.DENY
    cal = clock.calendar()
    case.outcome = outcome
    case.decided_at = now
    case.decision_reason = "；".join(
        f"{b.department.name}：{b.opinion}" for b in branches if b.opinion
    )[:5000]
    case.current_assignee = None
    if approved:
        case.certificate_due_date = clock.add_days(
            cal, today, clock.CERTIFICATE_LIMIT_DAYS
        )
        case.lamp = clock.lamp_for(cal, case.certificate_due_date, today)
    else:
        case.lamp = Lamp.NONE
    case.due_date_provisional = clock.case_dates_provisional(cal, case)
    case_transition(
        case=case,
        action=action,
        actor=actor,
        reason="联办件各部门均已作出决定，统一作出办理结果。",
        details={
            "outcome": outcome,
            "joint": True,
            "branches": {str(b.department_id): b.status for b in branches},
            "on_time": case.due_date is None or today <= case.due_date,
        },
        update_fields=[
            "outcome",
            "decided_at",
            "decision_reason",
            "current_assignee",
            "certificate_due_date",
            "lamp",
            "due_date_provisional",
        ],
        checked=TRANSITIONS[(case.status, action)],
    )
    document = _issue(
        case,
        DocumentKind.JOINT_DECISION,
        actor,
        today,
        branches=branch_rows(branches),
        outcome=outcome,
        outcome_label=str(Outcome(outcome).label),
        decided_on=today,
    )
    case.result_number = document.number
    case.save(update_fields=["result_number"])
    _notify(case, action)
