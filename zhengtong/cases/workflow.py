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
   ``not_permitted`` (403).
"""

from dataclasses import dataclass
from typing import Any

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .constants import CLOCK_STATUSES, Action, ActorKind, ErrorCode, Status
from .permissions import case_actor_kinds

A, K, S = Action, ActorKind, Status
STAFF_INTAKE = frozenset({K.INTAKE, K.REVIEWER, K.ADMIN})
REVIEW = frozenset({K.REVIEWER, K.ADMIN})
APPLICANT = frozenset({K.APPLICANT})
PREVIOUS = "__previous__"  # resume returns to the status before suspension


@dataclass(frozen=True)
class Transition:
    to: str
    actors: frozenset


def _t(to: str, actors) -> Transition:
    return Transition(to, frozenset(actors))


_WITHDRAWABLE = (
    S.DRAFT,
    S.SUBMITTED,
    S.SUPPLEMENT_REQUESTED,
    S.ACCEPTED,
    S.UNDER_REVIEW,
    S.SUSPENDED,
)
_RUNNING = (S.ACCEPTED, S.UNDER_REVIEW)

TRANSITIONS: dict[tuple[str, str], Transition] = {
    (S.DRAFT, A.SUBMIT): _t(S.SUBMITTED, {K.APPLICANT, K.INTAKE}),
    (S.SUBMITTED, A.ACCEPT): _t(S.ACCEPTED, STAFF_INTAKE),
    (S.SUBMITTED, A.DEEM_ACCEPT): _t(S.ACCEPTED, {K.SYSTEM}),
    (S.SUBMITTED, A.REQUEST_SUPPLEMENT): _t(S.SUPPLEMENT_REQUESTED, STAFF_INTAKE),
    (S.SUPPLEMENT_REQUESTED, A.SUPPLEMENT): _t(S.SUBMITTED, {K.APPLICANT, K.INTAKE}),
    (S.SUBMITTED, A.REFUSE): _t(S.REJECTED_AT_INTAKE, STAFF_INTAKE),
    (S.SUPPLEMENT_REQUESTED, A.REFUSE): _t(S.REJECTED_AT_INTAKE, STAFF_INTAKE),
    (S.SUBMITTED, A.MARK_NOT_REQUIRED): _t(S.NOT_REQUIRED, STAFF_INTAKE),
    (S.SUBMITTED, A.REFER): _t(S.REFERRED, STAFF_INTAKE),
    (S.ACCEPTED, A.STEP_COMPLETE): _t(S.UNDER_REVIEW, {K.ASSIGNEE}),
    (S.UNDER_REVIEW, A.STEP_COMPLETE): _t(S.UNDER_REVIEW, {K.ASSIGNEE}),
    (S.UNDER_REVIEW, A.STEP_RETURN): _t(S.UNDER_REVIEW, {K.ASSIGNEE}),
    (S.ACCEPTED, A.STEP_REASSIGN): _t(S.ACCEPTED, {K.ADMIN}),
    (S.UNDER_REVIEW, A.STEP_REASSIGN): _t(S.UNDER_REVIEW, {K.ADMIN}),
    (S.SUSPENDED, A.STEP_REASSIGN): _t(S.SUSPENDED, {K.ADMIN}),
    (S.ACCEPTED, A.SUSPEND): _t(S.SUSPENDED, REVIEW),
    (S.UNDER_REVIEW, A.SUSPEND): _t(S.SUSPENDED, REVIEW),
    (S.SUSPENDED, A.RESUME): _t(PREVIOUS, REVIEW),
    (S.ACCEPTED, A.EXTEND): _t(S.ACCEPTED, {K.EXTENSION_APPROVER}),
    (S.UNDER_REVIEW, A.EXTEND): _t(S.UNDER_REVIEW, {K.EXTENSION_APPROVER}),
    (S.SUSPENDED, A.EXTEND): _t(S.SUSPENDED, {K.EXTENSION_APPROVER}),
    (S.ACCEPTED, A.APPROVE): _t(S.DECIDED_APPROVED, REVIEW),
    (S.UNDER_REVIEW, A.APPROVE): _t(S.DECIDED_APPROVED, REVIEW),
    (S.ACCEPTED, A.DENY): _t(S.DECIDED_DENIED, REVIEW),
    (S.UNDER_REVIEW, A.DENY): _t(S.DECIDED_DENIED, REVIEW),
    (S.DECIDED_APPROVED, A.ISSUE_CERTIFICATE): _t(S.DECIDED_APPROVED, STAFF_INTAKE),
    (S.DECIDED_APPROVED, A.DELIVER): _t(S.DECIDED_APPROVED, STAFF_INTAKE),
    (S.DECIDED_DENIED, A.DELIVER): _t(S.DECIDED_DENIED, STAFF_INTAKE),
    (S.DECIDED_APPROVED, A.CONCLUDE): _t(S.CONCLUDED, STAFF_INTAKE),
    (S.DECIDED_DENIED, A.CONCLUDE): _t(S.CONCLUDED, STAFF_INTAKE),
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


def transition_check(*, case, action: str, user) -> Transition:
    """
    Return the transition ``user`` may make, or raise the refusal.

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
    return [action for action, tr in here if kinds & tr.actors]


def case_transition(
    *,
    case,
    action: str,
    actor,
    reason: str = "",
    details: dict[str, Any] | None = None,
    update_fields: list[str] | None = None,
) -> str:
    """
    Move ``case`` through ``action``, save it and append the audit event.

    The caller runs inside a transaction and has already set any other
    fields it wants saved (list them in ``update_fields``). Return the
    previous status.

    中文：办件状态流转
    """
    transition = transition_check(case=case, action=action, user=actor)
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
