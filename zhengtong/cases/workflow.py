"""
The transition table of a case and the one function that enforces it.

``TRANSITIONS`` maps (from status, action) to the status it leads to and the
kinds of actor allowed to perform it (who the user is to the case comes
from ``permissions.case_actor_kinds``). ``case_transition`` is the only code
that changes ``Case.status``; services call it and then do their own work.

Refusals (stable codes, see ``constants.ErrorCode``), checked in this order:

1. the user is none of the actor kinds the action ever allows →
   ``not_permitted`` (403), or ``not_assignee`` (403) for step actions by
   staff of the department who do not hold the step;
2. the action is not possible in the current status → ``invalid_transition``
   (409);
3. the actor kinds allowed in this status do not include the user →
   ``not_permitted`` (403);
4. a guard of the transition refuses (the legal conditions beyond status and
   role, each a named function in ``GUARDS``, listed in the table):

   - ``at_deciding_step``: 准予/不予许可 only by the assignee of the active
     step marked ``decides`` (批准), after every earlier step was completed
     (409 ``step_not_deciding``, 409 ``steps_incomplete``, 403
     ``not_assignee``); the assignee must hold the step's role in its
     department (403 ``not_entitled``); where the region separates duties,
     not by whoever completed the first step (承办) (409
     ``separation_of_duties``). A 即办件 is decided on the spot by whoever
     may accept it (Art. 34 当场作出决定), without steps;
   - ``not_deciding_step``: the deciding step is closed by the decision, not
     by 办理完成 (409 ``step_is_deciding``); ``entitled``: the step's
     assignee holds its role;
   - ``within_statutory_period``: an extension is asked for and approved
     while the statutory period runs (Art. 42; after the 法定办结日 409
     ``extension_too_late``); ``extension_room`` (10 working days in all,
     409 ``extension_limit``), ``no_pending_extension`` /
     ``pending_extension`` (409 ``extension_pending`` /
     ``extension_not_pending``);
   - ``delivery_recorded``: 办结 needs a recorded 送达 or a recorded reason
     it is not needed (409 ``delivery_missing``); ``delivery_open``: 送达 and
     登记无需送达 are recorded once, either of them (409
     ``delivery_recorded``);
   - ``conclusion_checks``: the checks other apps register for 送达 and 办结
     (``conclusion_check_register``; fees: 409 ``fees_outstanding`` while a
     收费办结 item's case still owes);
   - ``counter_only_for_walk_in``: the counter hands in a 补正 for the
     applicant only on a case received at the counter (窗口代收补正材料);
     an online applicant answers themselves (403 ``not_permitted``).

``transition_check`` runs the guards; ``case_transition`` (called after the
service has checked and changed the case) re-checks status and actor only.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from zhengtong.catalog.constants import HandlingMode
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from . import clock
from .constants import (
    CLOCK_STATUSES,
    Action,
    ActorKind,
    Channel,
    ErrorCode,
    ExtensionStatus,
    Status,
    StepStatus,
)
from .permissions import case_actor_kinds
from .rules import case_rules

A, K, S = Action, ActorKind, Status
STAFF_INTAKE = frozenset({K.INTAKE, K.REVIEWER, K.ADMIN})
REVIEW = frozenset({K.REVIEWER, K.ADMIN})
APPLICANT = frozenset({K.APPLICANT})
PREVIOUS = "__previous__"  # resume returns to the status before suspension


@dataclass(frozen=True)
class Transition:
    to: str
    actors: frozenset
    guards: tuple[str, ...] = ()


def _t(to: str, actors, *guards: str) -> Transition:
    return Transition(to, frozenset(actors), tuple(guards))


_WITHDRAWABLE = (
    S.DRAFT,
    S.SUBMITTED,
    S.SUPPLEMENT_REQUESTED,
    S.ACCEPTED,
    S.UNDER_REVIEW,
    S.SUSPENDED,
)
_RUNNING = (S.ACCEPTED, S.UNDER_REVIEW)
# Who decides: the deciding step's assignee; whoever may accept, only for a
# 即办件 on the spot (the guard ``at_deciding_step``).
DECIDERS = frozenset({K.ASSIGNEE, *STAFF_INTAKE})
DECIDE = ("at_deciding_step",)
STEP = ("not_deciding_step", "entitled")
EXTENSION_ASK = ("within_statutory_period", "extension_room", "no_pending_extension")
EXTENSION_ANSWER = ("pending_extension",)

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.DRAFT, A.SUBMIT): _t(S.SUBMITTED, {K.APPLICANT, K.INTAKE}),
    (S.SUBMITTED, A.ACCEPT): _t(S.ACCEPTED, STAFF_INTAKE),
    (S.SUBMITTED, A.DEEM_ACCEPT): _t(S.ACCEPTED, {K.SYSTEM}),
    (S.SUBMITTED, A.REQUEST_SUPPLEMENT): _t(S.SUPPLEMENT_REQUESTED, STAFF_INTAKE),
    (S.SUPPLEMENT_REQUESTED, A.SUPPLEMENT): _t(
        S.SUBMITTED, {K.APPLICANT, K.INTAKE}, "counter_only_for_walk_in"
    ),
    (S.SUBMITTED, A.REFUSE): _t(S.REJECTED_AT_INTAKE, STAFF_INTAKE),
    (S.SUPPLEMENT_REQUESTED, A.REFUSE): _t(S.REJECTED_AT_INTAKE, STAFF_INTAKE),
    (S.SUBMITTED, A.MARK_NOT_REQUIRED): _t(S.NOT_REQUIRED, STAFF_INTAKE),
    (S.SUBMITTED, A.REFER): _t(S.REFERRED, STAFF_INTAKE),
    (S.ACCEPTED, A.STEP_COMPLETE): _t(S.UNDER_REVIEW, {K.ASSIGNEE}, *STEP),
    (S.UNDER_REVIEW, A.STEP_COMPLETE): _t(S.UNDER_REVIEW, {K.ASSIGNEE}, *STEP),
    (S.UNDER_REVIEW, A.STEP_RETURN): _t(S.UNDER_REVIEW, {K.ASSIGNEE}),
    (S.ACCEPTED, A.STEP_REASSIGN): _t(S.ACCEPTED, {K.ADMIN}),
    (S.UNDER_REVIEW, A.STEP_REASSIGN): _t(S.UNDER_REVIEW, {K.ADMIN}),
    (S.SUSPENDED, A.STEP_REASSIGN): _t(S.SUSPENDED, {K.ADMIN}),
    (S.ACCEPTED, A.SUSPEND): _t(S.SUSPENDED, REVIEW),
    (S.UNDER_REVIEW, A.SUSPEND): _t(S.SUSPENDED, REVIEW),
    (S.SUSPENDED, A.RESUME): _t(PREVIOUS, REVIEW),
    # 延期 (Art. 42): the handling assignee asks, the region's approver answers.
    **{
        (s, A.EXTEND_REQUEST): _t(s, {K.ASSIGNEE}, *EXTENSION_ASK)
        for s in CLOCK_STATUSES
    },
    **{
        (s, A.EXTEND): _t(
            s, {K.EXTENSION_APPROVER}, *EXTENSION_ANSWER, "within_statutory_period"
        )
        for s in CLOCK_STATUSES
    },
    **{
        (s, A.EXTEND_REJECT): _t(s, {K.EXTENSION_APPROVER}, *EXTENSION_ANSWER)
        for s in CLOCK_STATUSES
    },
    (S.ACCEPTED, A.APPROVE): _t(S.DECIDED_APPROVED, DECIDERS, *DECIDE),
    (S.UNDER_REVIEW, A.APPROVE): _t(S.DECIDED_APPROVED, DECIDERS, *DECIDE),
    (S.ACCEPTED, A.DENY): _t(S.DECIDED_DENIED, DECIDERS, *DECIDE),
    (S.UNDER_REVIEW, A.DENY): _t(S.DECIDED_DENIED, DECIDERS, *DECIDE),
    (S.DECIDED_APPROVED, A.ISSUE_CERTIFICATE): _t(S.DECIDED_APPROVED, STAFF_INTAKE),
    # 送达 / 登记无需送达: recorded once (the guard ``delivery_open``).
    **{
        (s, A.DELIVER): _t(s, STAFF_INTAKE, "delivery_open", "conclusion_checks")
        for s in (S.DECIDED_APPROVED, S.DECIDED_DENIED)
    },
    **{
        (s, A.DELIVERY_NOT_NEEDED): _t(s, STAFF_INTAKE, "delivery_open")
        for s in (S.DECIDED_APPROVED, S.DECIDED_DENIED)
    },
    (S.DECIDED_APPROVED, A.CONCLUDE): _t(
        S.CONCLUDED, STAFF_INTAKE, "delivery_recorded", "conclusion_checks"
    ),
    (S.DECIDED_DENIED, A.CONCLUDE): _t(
        S.CONCLUDED, STAFF_INTAKE, "delivery_recorded", "conclusion_checks"
    ),
    **{(s, A.WITHDRAW): _t(S.WITHDRAWN, APPLICANT) for s in _WITHDRAWABLE},
    # 容缺受理 not completed in time (services_tolerance): the system applies
    # the region's consequence, 视为撤回 or 终止办理.
    **{(s, A.DEEM_WITHDRAW): _t(S.WITHDRAWN, {K.SYSTEM}) for s in CLOCK_STATUSES},
    **{
        (s, A.TERMINATE): _t(S.TERMINATED, {K.ADMIN, K.SYSTEM})
        for s in _WITHDRAWABLE
        if s != S.DRAFT
    },
}

ACTION_ACTORS: dict[str, frozenset] = {}
for (_state, _action), _tr in TRANSITIONS.items():
    ACTION_ACTORS[_action] = ACTION_ACTORS.get(_action, frozenset()) | _tr.actors


# -- guards: the legal conditions of a transition ------------------------


def _refuse(code: str, message: str, status: int = 409, **details: Any):
    raise ApplicationError(code, message, status=status, details=details or None)


def _steps(case) -> list:
    from .models import CaseStep

    cached = getattr(case, "_guard_steps", None)
    if cached is None:
        cached = list(CaseStep.objects.filter(case=case).order_by("order", "id"))
        case._guard_steps = cached
    return cached


def _active(case):
    return next((s for s in _steps(case) if s.status == StepStatus.ACTIVE), None)


def step_holds_role(step, user) -> bool:
    """
    Return True when ``user`` may hold ``step``: its role, in its department.

    中文：是否具备环节办理资格
    """
    return bool(
        user is not None
        and user.has_role(step.role)
        and user.department_id is not None
        and user.department_id == step.department_id
    )


def handler_id(case) -> int | None:
    """
    Return who completed the first step (承办) of ``case``, if anyone did.

    中文：承办人
    """
    steps = _steps(case)
    first = steps[0] if steps else None
    if first is None or first.status != StepStatus.DONE:
        return None
    return first.completed_by_id


def separation_forbids(case, step, user) -> bool:
    """
    Return True when the region separates duties and ``user``, who completed
    the 承办 step, would hold the deciding ``step`` of the same case.

    中文：承办与批准分离
    """
    if not step.decides or user is None or not case_rules(case).separation_of_duties:
        return False
    steps = _steps(case)
    if steps and steps[0].pk == step.pk:  # a one-step item: one person by design
        return False
    return handler_id(case) == getattr(user, "pk", user)


def _at_deciding_step(case, user, kinds, today: date) -> None:
    if (
        case.handling_mode == HandlingMode.IMMEDIATE
        and case.status == S.ACCEPTED
        and kinds & STAFF_INTAKE
    ):
        return  # 即办件: decided on the spot by the counter (Art. 34)
    if K.ASSIGNEE not in kinds:
        _refuse(
            ErrorCode.NOT_ASSIGNEE,
            "只有决定环节（批准）的承办人可以作出许可决定。",
            status=403,
        )
    active = _active(case)
    deciding = next((s for s in _steps(case) if s.decides), None)
    if active is None or not active.decides:
        where = f"“{active.name}”" if active is not None else ""
        target = f"“{deciding.name}”" if deciding is not None else "决定"
        _refuse(
            ErrorCode.STEP_NOT_DECIDING,
            f"当前环节{where}不能作出许可决定：须依次办理各环节，"
            f"由{target}环节的承办人作出决定。",
            step=getattr(active, "pk", None),
        )
    earlier = [s for s in _steps(case) if s.order < active.order]
    if any(s.status != StepStatus.DONE or s.completed_by_id is None for s in earlier):
        _refuse(ErrorCode.STEPS_INCOMPLETE, "前序环节尚未全部办理完成，不能作出决定。")
    _entitled(case, user, kinds, today)
    if separation_forbids(case, active, user):
        _refuse(
            ErrorCode.SEPARATION_OF_DUTIES,
            "您是该办件的承办人，依本地区规定承办人不得批准同一办件，请由其他人员批准。",
        )


def _not_deciding_step(case, user, kinds, today: date) -> None:
    active = _active(case)
    if active is not None and active.decides:
        _refuse(
            ErrorCode.STEP_IS_DECIDING,
            f"“{active.name}”是决定环节：请作出准予许可或不予许可的决定。",
        )


def _entitled(case, user, kinds, today: date) -> None:
    active = _active(case)
    if active is not None and not step_holds_role(active, user):
        _refuse(
            ErrorCode.NOT_ENTITLED,
            f"“{active.name}”环节须由本部门{_role_label(active.role)}办理，"
            "您不具备该角色。",
            status=403,
        )


def _role_label(role: str) -> str:
    from zhengtong.accounts.constants import Role

    return str(Role(role).label) if role in Role.values else role


def _within_statutory_period(case, user, kinds, today: date) -> None:
    due = case.statutory_due_date
    if due is not None and today > due:
        _refuse(
            ErrorCode.EXTENSION_TOO_LATE,
            f"法定办结期限已于{due:%Y年%-m月%-d日}届满；依行政许可法第四十二条，"
            "延期须在法定期限内决定，现已不能延期。",
            statutory_due_date=due.isoformat(),
        )


def _extension_room(case, user, kinds, today: date) -> None:
    if case.extension_days >= clock.extension_max_days(case):
        _refuse(
            ErrorCode.EXTENSION_LIMIT,
            f"依行政许可法第四十二条，延长期限合计不得超过"
            f"{clock.extension_max_days(case)}个工作日，本件已延长"
            f"{case.extension_days}个工作日。",
        )


def pending_extension(case):
    """Return the extension request of ``case`` that awaits an answer, if any."""
    cached = getattr(case, "_guard_pending_extension", False)
    if cached is False:
        cached = case.extensions.filter(status=ExtensionStatus.REQUESTED).last()
        case._guard_pending_extension = cached
    return cached


def _no_pending_extension(case, user, kinds, today: date) -> None:
    if pending_extension(case) is not None:
        _refuse(ErrorCode.EXTENSION_PENDING, "已有待批准的延期申请，请等待批准结果。")


def _pending_extension(case, user, kinds, today: date) -> None:
    if pending_extension(case) is None:
        _refuse(ErrorCode.EXTENSION_NOT_PENDING, "该办件没有待批准的延期申请。")


def _delivery_recorded(case, user, kinds, today: date) -> None:
    if case.delivered_at is None and not case.delivery_not_needed_reason:
        _refuse(
            ErrorCode.DELIVERY_MISSING,
            "办结前须登记送达（送达方式、日期、受送达人），或登记无需送达的理由。",
        )


def _delivery_open(case, user, kinds, today: date) -> None:
    if case.delivered_at is not None or case.delivery_not_needed_reason:
        _refuse(
            ErrorCode.DELIVERY_RECORDED,
            "该办件已登记送达或无需送达，不能重复登记。",
        )


# Checks of other apps on 送达 and 办结 (e.g. fees' 收费办结: conclude only
# when paid), each ``check(case)`` raising its own refusal. They register at
# app ready (``conclusion_check_register``) because those apps import cases,
# so cases imports none of them.
CONCLUSION_CHECKS: list[Callable[[Any], None]] = []


def conclusion_check_register(check: Callable[[Any], None]) -> None:
    """Add a check run before every 送达 and 办结 (once). 中文：登记办结前检查"""
    if check not in CONCLUSION_CHECKS:
        CONCLUSION_CHECKS.append(check)


def _conclusion_checks(case, user, kinds, today: date) -> None:
    for check in CONCLUSION_CHECKS:
        check(case)


def _counter_only_for_walk_in(case, user, kinds, today: date) -> None:
    if K.APPLICANT in kinds or case.channel == Channel.COUNTER:
        return
    _refuse(
        ErrorCode.NOT_PERMITTED,
        "该办件为网上申请，补正材料须由申请人本人提交；"
        "窗口只代收窗口申请办件的补正材料。",
        status=403,
    )


GUARDS = {
    "at_deciding_step": _at_deciding_step,
    "not_deciding_step": _not_deciding_step,
    "entitled": _entitled,
    "within_statutory_period": _within_statutory_period,
    "extension_room": _extension_room,
    "no_pending_extension": _no_pending_extension,
    "pending_extension": _pending_extension,
    "delivery_recorded": _delivery_recorded,
    "delivery_open": _delivery_open,
    "counter_only_for_walk_in": _counter_only_for_walk_in,
    "conclusion_checks": _conclusion_checks,
}


def _guards_run(transition: Transition, case, user, kinds, now) -> None:
    today = timezone.localdate(now or timezone.now())
    for name in transition.guards:
        GUARDS[name](case, user, kinds, today)


def transition_check(
    *, case, action: str, user, now: datetime | None = None, guards: bool = True
) -> Transition:
    """
    Return the transition ``user`` may make, or raise the refusal.

    ``guards=False`` checks status and actor only (``case_transition``, after
    the service checked everything and changed the case).

    中文：检查状态流转
    """
    kinds = case_actor_kinds(case=case, user=user)
    allowed_ever = ACTION_ACTORS.get(action)
    if allowed_ever is None:
        raise ApplicationError(ErrorCode.INVALID_TRANSITION, "未知的操作。", status=409)
    if not kinds & allowed_ever:
        staff_kinds = {K.INTAKE, K.REVIEWER, K.ADMIN}
        if allowed_ever == {K.ASSIGNEE} and kinds & staff_kinds:
            raise ApplicationError(
                ErrorCode.NOT_ASSIGNEE,
                "您不是该办件当前环节的承办人，不能办理此环节。",
                status=403,
            )
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            f"您无权对该办件执行“{Action(action).label}”操作。",
            status=403,
        )
    transition = TRANSITIONS.get((case.status, action))
    if transition is None:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"办件当前状态为“{Status(case.status).label}”，不能执行“{Action(action).label}”操作。",
            status=409,
            details={"status": case.status, "action": action},
        )
    if not kinds & transition.actors:
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            f"您无权在当前状态下对该办件执行“{Action(action).label}”操作。",
            status=403,
        )
    if guards:
        _guards_run(transition, case, user, kinds, now)
    return transition


def case_allowed_actions(*, case, user) -> list[str]:
    """
    Return the actions ``user`` may perform on ``case`` now.

    中文：可执行操作
    """
    here = [
        (action, tr)
        for (state, action), tr in TRANSITIONS.items()
        if state == case.status
    ]
    if not here:  # a closed case: no need to work out who the user is to it
        return []
    kinds = case_actor_kinds(case=case, user=user)
    allowed = []
    for action, tr in here:
        if not kinds & tr.actors:
            continue
        try:
            _guards_run(tr, case, user, kinds, None)
        except ApplicationError:
            continue
        allowed.append(action)
    return allowed


def case_transition(
    *,
    case,
    action: str,
    actor,
    reason: str = "",
    details: dict[str, Any] | None = None,
    update_fields: list[str] | None = None,
    checked: Transition | None = None,
) -> str:
    """
    Move ``case`` through ``action``, save it and append the audit event.

    The caller runs inside a transaction and has already set any other
    fields it wants saved (list them in ``update_fields``). ``checked`` is
    the transition the caller's ``transition_check`` returned, for a caller
    that changed who the user is to the case (the decision clears the
    assignee). Return the previous status.

    中文：办件状态流转
    """
    transition = checked or transition_check(
        case=case, action=action, user=actor, guards=False
    )
    before = case.status
    if transition.to == PREVIOUS:
        to = case.previous_status or Status.ACCEPTED
        case.previous_status = ""
    else:
        to = transition.to
    if to == Status.SUSPENDED:
        case.previous_status = before
    case.status = to
    fields = {"status", "previous_status", "updated_at", *(update_fields or [])}
    case.save(update_fields=sorted(fields))
    audit_record(
        action=action,
        obj=case,
        actor=actor if actor is not None else "系统",
        from_state=before,
        to_state=to,
        reason=reason,
        details=details or {},
    )
    return before
