"""
Extensions of the decision limit (行政许可法第四十二条), as the law has them.

- The handling assignee asks, with the number of working days and the
  reason (``case_extension_request``);
- the approver the region names (``rules.extension_approver_role``, by
  default the 部门负责人 of the case's department; 本机关负责人) approves
  (``case_extension_approve``) or turns it down (``case_extension_reject``);
- only while the statutory period runs: asking or approving after the
  法定办结日 → 409 ``extension_too_late``;
- at most ``clock.extension_max_days(case)`` working days in all (10; 15
  for a 联办件, Art. 42 para. 2) → 409 ``extension_limit``; a branch of a
  联办件 asks through ``joint.branch_extension_request`` and is answered here;
- approval moves the statutory date; the promised date only where the
  promise says so (``rules.extension_moves_promised_date``);
- approval issues the 延期通知书 to the applicant (the reason, the new
  dates, the approver).

Every step goes through ``workflow.case_transition`` with its audit event.
"""

from datetime import datetime

from django.db import transaction

from zhengtong.accounts.models import User
from zhengtong.core.errors import ApplicationError

from .. import clock
from ..constants import Action, DocumentKind, ErrorCode, ExtensionStatus
from ..models import Case, CaseExtension
from ..rules import case_rules
from ..workflow import case_transition, pending_extension, transition_check
from ._base import _issue, _lock, _notify, _now, _require
from .clocks import CLOCK_FIELDS, _clock_apply


def days_checked(case: Case, days: int) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ApplicationError(ErrorCode.INVALID_DAYS, "延长天数须为正整数（工作日）。")
    most = clock.extension_max_days(case)
    if case.extension_days + days > most:
        raise ApplicationError(
            ErrorCode.EXTENSION_LIMIT,
            f"依行政许可法第四十二条，延长期限合计不得超过{most}"
            f"个工作日（已延长{case.extension_days}个工作日，最多还可延长"
            f"{most - case.extension_days}个工作日）。",
            status=409,
        )
    return days


@transaction.atomic
def case_extension_request(
    *, case: Case, actor: User, days: int, reason: str, now: datetime | None = None
) -> CaseExtension:
    """
    Ask for an extension: the current step's assignee, with days and reason.

    中文：申请延期
    """
    now, _today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.EXTEND_REQUEST, user=actor, now=now)
    days = days_checked(case, days)
    reason = _require(reason, "延期理由")
    extension = CaseExtension.objects.create(
        case=case,
        days=days,
        reason=reason,
        status=ExtensionStatus.REQUESTED,
        requested_by=actor,
        requested_at=now,
    )
    rules = case_rules(case)
    case_transition(
        case=case,
        action=Action.EXTEND_REQUEST,
        actor=actor,
        reason=reason,
        details={
            "extension": extension.pk,
            "days": days,
            "approver_role": rules.extension_approver_role,
            "statutory_due_date": case.statutory_due_date,
        },
    )
    return extension


def _pending_locked(case: Case) -> CaseExtension:
    extension = pending_extension(case)
    if extension is None:  # the guard said so already; kept for type checkers
        raise ApplicationError(
            ErrorCode.EXTENSION_NOT_PENDING, "该办件没有待批准的延期申请。", status=409
        )
    return CaseExtension.objects.select_for_update().get(pk=extension.pk)


def _not_own(extension: CaseExtension, actor: User) -> None:
    if extension.requested_by_id == actor.pk:
        raise ApplicationError(
            ErrorCode.EXTENSION_SELF_APPROVAL,
            "不得批准或驳回本人提出的延期申请。",
            status=409,
        )


@transaction.atomic
def case_extension_approve(
    *, case: Case, actor: User, note: str = "", now: datetime | None = None
) -> CaseExtension:
    """
    Approve the pending extension (本机关负责人批准) while the statutory
    period runs; the statutory date moves, the promised date where the
    promise says so; the applicant gets the 延期通知书.

    中文：批准延期
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.EXTEND, user=actor, now=now)
    extension = _pending_locked(case)
    _not_own(extension, actor)
    days = days_checked(case, extension.days)
    rules = case_rules(case)
    before_due, before_statutory = case.due_date, case.statutory_due_date
    case.extension_days += days
    if rules.extension_moves_promised_date:
        case.promised_extension_days += days
    extension.status = ExtensionStatus.APPROVED
    extension.approved_by = actor
    extension.approved_at = now
    extension.decision_note = (note or "").strip()
    extension.save(
        update_fields=["status", "approved_by", "approved_at", "decision_note"]
    )
    _clock_apply(case, clock.calendar(), today)  # after: a branch reads it
    case_transition(
        case=case,
        action=Action.EXTEND,
        actor=actor,
        reason=extension.reason,
        details={
            "extension": extension.pk,
            "days": days,
            "total": case.extension_days,
            "requested_by": extension.requested_by_id,
            "promised_date_moves": rules.extension_moves_promised_date,
            "due_date": case.due_date,
            "due_date_before": before_due,
            "statutory_due_date": case.statutory_due_date,
            "statutory_due_date_before": before_statutory,
            "note": extension.decision_note,
        },
        update_fields=["extension_days", "promised_extension_days", *CLOCK_FIELDS],
    )
    _issue(
        case,
        DocumentKind.EXTENSION,
        actor,
        today,
        days=days,
        reason=extension.reason,
        due_date=case.due_date,
        statutory_due_date=case.statutory_due_date,
        statutory_due_date_before=before_statutory,
        promised_date_moves=rules.extension_moves_promised_date,
        approver=str(actor),
        approver_role=rules.extension_approver_label,
    )
    _notify(case, "extended", days=days)
    return extension


@transaction.atomic
def case_extension_reject(
    *, case: Case, actor: User, reason: str, now: datetime | None = None
) -> CaseExtension:
    """
    Turn the pending extension request down, with a reason (dates unchanged).

    中文：驳回延期申请
    """
    now, _today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.EXTEND_REJECT, user=actor, now=now)
    reason = _require(reason, "驳回理由")
    extension = _pending_locked(case)
    _not_own(extension, actor)
    extension.status = ExtensionStatus.REJECTED
    extension.approved_by = actor
    extension.approved_at = now
    extension.decision_note = reason
    extension.save(
        update_fields=["status", "approved_by", "approved_at", "decision_note"]
    )
    case_transition(
        case=case,
        action=Action.EXTEND_REJECT,
        actor=actor,
        reason=reason,
        details={"extension": extension.pk, "days": extension.days},
    )
    return extension
