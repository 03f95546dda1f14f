"""Decision and after: decide, certificate, delivery, conclusion, withdrawal, termination."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.models import User
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
    StepStatus,
)
from ..models import (
    Case,
    CaseDocument,
    CaseStep,
)
from ..workflow import case_transition, transition_check
from ._base import _issue, _lock, _notify, _now, _require

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

    Taken by the assignee of the deciding step (批准) once every earlier step
    is done (workflow guard ``at_deciding_step``: 409 ``step_not_deciding``,
    409 ``separation_of_duties``); a 即办件 by intake staff on the spot. The
    deciding step is recorded as done by the decider; other open steps are
    closed. Approval starts the Art. 44 certificate clock (10 working days
    from the decision).

    中文：作出许可决定
    """
    now, today = _now(now)
    case = _lock(case)
    if outcome not in Outcome.values:
        raise ApplicationError(
            ErrorCode.INVALID_OUTCOME, "决定结果须为 approve（准予）或 deny（不予）。"
        )
    action = Action.APPROVE if outcome == Outcome.APPROVE else Action.DENY
    checked = transition_check(case=case, action=action, user=actor, now=now)
    if outcome == Outcome.DENY:
        reason = _require(reason, "不予许可的理由")
    if valid_until is not None and valid_until < today:
        raise ApplicationError("invalid_valid_until", "有效期不能早于决定日期。")
    CaseStep.objects.filter(
        case=case, status=StepStatus.ACTIVE, decides=True, assignee=actor
    ).update(
        status=StepStatus.DONE,
        completed_at=now,
        completed_by=actor,
        opinion=(reason or "").strip() or str(Outcome(outcome).label),
        lamp=Lamp.NONE,
    )
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
        checked=checked,
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
    recipient: str = "",
    delivered_on: date | None = None,
    tracking: str = "",
    now: datetime | None = None,
    notify: bool = True,
) -> Case:
    """
    Record delivery (送达) of the decision: method, date and recipient.

    Counter pickup, mail (with the tracking number) or download; the date
    defaults to today and lies between the decision and today; the
    recipient (受送达人) defaults to the applicant's name. ``notify=False``
    when the caller tells the applicant once for several cases (统一出件 of
    a 一件事 application).

    中文：送达
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.DELIVER, user=actor, now=now)
    if method not in DeliveryMethod.values:
        raise ApplicationError(
            ErrorCode.INVALID_DELIVERY, "送达方式须为窗口领取、邮寄送达或网上下载。"
        )
    tracking = (tracking or "").strip()
    if method == DeliveryMethod.MAIL and not tracking:
        raise ApplicationError(ErrorCode.TRACKING_REQUIRED, "邮寄送达须填写快递单号。")
    delivered_on = delivered_on or today
    decided_on = timezone.localdate(case.decided_at) if case.decided_at else None
    if delivered_on > today or (decided_on and delivered_on < decided_on):
        raise ApplicationError(
            ErrorCode.INVALID_DELIVERY_DATE,
            "送达日期须在作出决定之日与今天之间。",
        )
    recipient = (recipient or "").strip()[:100] or case.applicant_name
    if not recipient:
        raise ApplicationError(ErrorCode.REASON_REQUIRED, "请填写受送达人。")
    case.delivery_method = method
    case.delivery_tracking = tracking[:60]
    case.delivered_at = now
    case.delivered_on = delivered_on
    case.delivery_recipient = recipient
    case.delivery_not_needed_reason = ""
    case_transition(
        case=case,
        action=Action.DELIVER,
        actor=actor,
        details={
            "method": method,
            "tracking": case.delivery_tracking,
            "delivered_on": delivered_on,
            "recipient": recipient,
        },
        update_fields=[
            "delivery_method",
            "delivery_tracking",
            "delivered_at",
            "delivered_on",
            "delivery_recipient",
            "delivery_not_needed_reason",
        ],
    )
    if notify:
        _notify(case, "delivered")
    return case


@transaction.atomic
def case_delivery_not_needed(
    *, case: Case, actor: User, reason: str, now: datetime | None = None
) -> Case:
    """
    Record why the decision needs no separate delivery (e.g. handed over in
    person at the decision, or the applicant waived it in writing).

    中文：登记无需送达
    """
    now, _today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.DELIVERY_NOT_NEEDED, user=actor, now=now)
    reason = _require(reason, "无需送达的理由")
    case.delivery_not_needed_reason = reason
    case_transition(
        case=case,
        action=Action.DELIVERY_NOT_NEEDED,
        actor=actor,
        reason=reason,
        update_fields=["delivery_not_needed_reason"],
    )
    return case


@transaction.atomic
def case_conclude(
    *, case: Case, actor: User, note: str = "", now: datetime | None = None
) -> Case:
    """
    Conclude (办结) a decided case; an approval's certificate counts as issued.

    Needs a recorded 送达 or a recorded reason it is not needed (409
    ``delivery_missing``).

    中文：办结
    """
    now, _today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.CONCLUDE, user=actor, now=now)
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
