"""
The one place a ticket changes status: ``ticket_transition`` (the table is
``queueing.workflow.TRANSITIONS``).
"""

from collections.abc import Callable, Iterable
from typing import Any

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError, PermissionDeniedError

from .. import permissions, selectors
from ..models import Ticket
from ..workflow import (
    ACTION_ACTORS,
    NEW,
    ActorKind,
    TicketAction,
    Transition,
    single_move,
    transition_find,
)
from .display import _notify


def _actor_may(kinds: frozenset, ticket: Ticket | None, actor: Any) -> bool:
    """Return whether ``actor`` is one of the actor ``kinds`` (no query on the doors' users)."""
    if ActorKind.PUBLIC in kinds:
        return True
    if actor is None or isinstance(actor, str):  # a task or the demo seeding
        return ActorKind.SYSTEM in kinds
    if not getattr(actor, "is_authenticated", False):
        return False
    if (
        ActorKind.HOLDER in kinds
        and ticket is not None
        and ticket.applicant_id is not None
        and ticket.applicant_id == actor.pk
    ):
        return True
    # the doors asked can_call_tickets on the same user already (roles cached)
    return ActorKind.STAFF in kinds and permissions.can_call_tickets(user=actor)


def ticket_transition_check(
    *, ticket: Ticket | None, action: str, actor: Any, status: str | None = None
) -> Transition:
    """
    Return the move ``actor`` may make with ``action``, or raise the refusal.

    ``permission_denied`` (403) when the actor is none of the kinds the
    action allows, ``invalid_ticket_state`` (409) when the action is not
    possible in the ticket's status (``status`` overrides it; a new ticket
    is ``workflow.NEW``). ``ticket`` None checks the actor only (before a
    claim), returning the action's single move.

    中文：检查排队号状态流转
    """
    label = TicketAction(action).label
    if not _actor_may(ACTION_ACTORS[action], ticket, actor):
        raise PermissionDeniedError(f"您无权对该排队号执行“{label}”操作。")
    if ticket is None:
        return single_move(action)[1]
    current = ticket.status if status is None else status
    transition = transition_find(status=current, action=action)
    if transition is None:
        raise ApplicationError(
            "invalid_ticket_state",
            f"{ticket.number} 号当前状态为“{Ticket.Status(current).label}”，不能{label}。",
            status=409,
        )
    if not _actor_may(transition.actors, ticket, actor):
        raise PermissionDeniedError(f"您无权在当前状态下对该排队号执行“{label}”操作。")
    return transition


def ticket_transition(
    *,
    ticket: Ticket,
    action: str,
    actor: Any,
    update_fields: Iterable[str] = (),
    write: Callable[[Ticket], Any] | None = None,
    claimed: bool = False,
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> str:
    """
    Move ``ticket`` through ``action``: check it against the transition
    table, set the status, write the row, append the audit event
    (``ticket_<action>``) and tell the displays after commit. The only code
    that changes ``Ticket.status``; return the previous status.

    The caller runs inside a transaction, has done its own checks and set
    the other fields it changes (listed in ``update_fields``). How the row
    is written:

    - by default ``save(update_fields=…)``;
    - ``write``: the caller's one statement for a new ticket
      (``core.db.row_insert`` in ``ticket_issue``);
    - ``claimed``: the caller's one statement has already moved the row
      from the action's single source status to its target, both taken
      from ``workflow.single_move`` (the claim of ``ticket_call_next``).

    中文：排队号状态流转
    """
    if claimed:
        before, transition = single_move(action)
        ticket_transition_check(
            ticket=ticket, action=action, actor=actor, status=before
        )
        if ticket.status != transition.to:
            raise RuntimeError(f"claimed {ticket.number} is {ticket.status}")
    else:
        before = NEW if ticket._state.adding else ticket.status
        transition = ticket_transition_check(
            ticket=ticket, action=action, actor=actor, status=before
        )
        ticket.status = transition.to
        if write is not None:
            write(ticket)
        else:
            fields = {"status", "updated_at", *update_fields}
            ticket.save(update_fields=sorted(fields))
    audit_record(
        action=f"ticket_{action}",
        obj=ticket,
        actor=actor,
        from_state=before,
        to_state=ticket.status,
        reason=reason,
        details={"number": ticket.number, **(details or {})},
        # a new ticket was inserted just above: its chain is empty
        new_stream=before == NEW,
    )
    if not transition.quiet:
        _notify(ticket, action)
    return before


def _lock(ticket: Ticket) -> Ticket:
    """Reload ``ticket`` with its row locked until the transaction ends."""
    return selectors.ticket_row_get(ticket_id=ticket.pk, for_update=True)
