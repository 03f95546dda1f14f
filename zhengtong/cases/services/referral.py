"""
Referral between departments (转办): a window hands a case it cannot handle
to the competent department with a reason; that department confirms.

Clock rule: the case keeps its dates (受理 date, intake deadline, due
dates): a referral inside the centre does not restart the time the
applicant is owed. A restart happens only when the receiving department
records its legal basis on confirmation (``clock_reset_basis``), and it is
audited with the old and new dates. ``case_refer`` (intake.py) is another
thing: it closes the case as outside the powers of this office (Art. 32).
"""

from datetime import datetime

from django.db import transaction

from zhengtong.accounts.constants import Role
from zhengtong.accounts.models import User
from zhengtong.catalog.models import Department
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import clock
from ..constants import ErrorCode, Status, StepStatus
from ..models import Case, CaseStep
from ..models_joint import CaseReferral, ReferralStatus
from ..permissions import can_confirm_referral, check_lead_window
from ._base import _lock, _notify, _now, _require
from .clocks import CLOCK_FIELDS, _clock_apply
from .steps import _pick_assignee

REFERABLE = (
    Status.SUBMITTED,
    Status.SUPPLEMENT_REQUESTED,
    Status.ACCEPTED,
    Status.UNDER_REVIEW,
)


def _department(value: object) -> Department:
    pk = value.pk if isinstance(value, Department) else value
    if isinstance(pk, bool) or not isinstance(pk, int):
        try:
            pk = int(str(pk))
        except (TypeError, ValueError):
            pk = None
    found = (
        Department.objects.filter(pk=pk, is_active=True).first()
        if pk is not None and 0 < pk < 2**63
        else None
    )
    if found is None:
        raise ApplicationError(
            "invalid_department", "接收部门不存在或已停用，请选择本中心的部门。"
        )
    return found


@transaction.atomic
def referral_request(
    *,
    case: Case,
    actor: User,
    department: Department | int,
    reason: str,
    now: datetime | None = None,
) -> CaseReferral:
    """
    Hand ``case`` to ``department`` with a reason (转办); it stays with the
    sending department until the receiving one confirms.

    中文：转办
    """
    now, _today = _now(now)
    case = _lock(case)
    check_lead_window(user=actor, case=case, what="转办该办件")
    target = _department(department)
    reason = _require(reason, "转办理由")
    if case.status not in REFERABLE:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"办件当前状态为“{Status(case.status).label}”，不能转办。",
            status=409,
        )
    if case.is_joint:
        raise ApplicationError(
            "joint_case",
            "联办件由各部门并联办理，不能整体转办；请由牵头窗口协调。",
            status=409,
        )
    if target.pk == case.department_id:
        raise ApplicationError(
            "same_department", "接收部门与办件当前部门相同。", status=409
        )
    if CaseReferral.objects.filter(case=case, status=ReferralStatus.PENDING).exists():
        raise ApplicationError(
            "referral_pending", "该办件已有待接收的转办。", status=409
        )
    referral = CaseReferral.objects.create(
        case=case,
        from_department_id=case.department_id,
        to_department=target,
        reason=reason[:2000],
        referred_by=actor,
        referred_at=now,
    )
    audit_record(
        action="referral_request",
        obj=case,
        actor=actor,
        reason=reason,
        details={
            "referral": referral.pk,
            "from": case.department_id,
            "to": target.pk,
            "clock": "kept",
        },
    )
    return referral


@transaction.atomic
def referral_confirm(
    *,
    case: Case,
    actor: User,
    clock_reset_basis: str = "",
    now: datetime | None = None,
) -> CaseReferral:
    """
    The receiving department takes the case over: it becomes the case's
    department, open steps move there. The clock keeps its dates unless a
    legal basis for a restart is recorded.

    中文：接收转办
    """
    now, today = _now(now)
    case = _lock(case)
    referral = (
        CaseReferral.objects.select_for_update()
        .filter(case=case, status=ReferralStatus.PENDING)
        .last()
    )
    if referral is None:
        raise ApplicationError(
            "referral_not_pending", "该办件没有待接收的转办。", status=409
        )
    if not can_confirm_referral(user=actor, department=referral.to_department_id):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有接收部门的工作人员可以接收转办。",
            status=403,
        )
    basis = (clock_reset_basis or "").strip()[:2000]
    before = {
        "accepted_date": case.accepted_date,
        "intake_due_date": case.intake_due_date,
        "due_date": case.due_date,
        "statutory_due_date": case.statutory_due_date,
    }
    case.department_id = referral.to_department_id
    fields = ["department", "updated_at"]
    if basis and case.accepted_date is not None:
        case.accepted_date = today
        case.accepted_at = now
        fields += ["accepted_date", "accepted_at"]
    elif basis and case.received_date is not None:
        case.received_date = today
        case.intake_due_date = clock.add_days(
            clock.calendar(), today, clock.INTAKE_LIMIT_DAYS
        )
        fields += ["received_date", "intake_due_date"]
    _clock_apply(case, clock.calendar(), today)
    case.save(update_fields=[*fields, *CLOCK_FIELDS])
    for step in CaseStep.objects.filter(
        case=case, status__in=(StepStatus.ACTIVE, StepStatus.PENDING)
    ):
        step.department_id = referral.to_department_id
        step.assignee = _pick_assignee(
            referral.to_department_id, step.role or Role.REVIEWER, set()
        )
        step.save(update_fields=["department", "assignee"])
        if step.status == StepStatus.ACTIVE:
            case.current_assignee = step.assignee
            case.save(update_fields=["current_assignee"])
    referral.status = ReferralStatus.CONFIRMED
    referral.confirmed_by = actor
    referral.confirmed_at = now
    referral.clock_reset_basis = basis
    referral.save(
        update_fields=["status", "confirmed_by", "confirmed_at", "clock_reset_basis"]
    )
    audit_record(
        action="referral_confirm",
        obj=case,
        actor=actor,
        reason=basis,
        details={
            "referral": referral.pk,
            "department": referral.to_department_id,
            "clock": "reset" if basis else "kept",
            "before": before,
            "due_date": case.due_date,
        },
    )
    _notify(case, "referred_internal")
    return referral
