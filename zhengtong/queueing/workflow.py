"""
The transition table of a queue ticket.

``TRANSITIONS`` maps (from status, action) to the status it leads to, the
kinds of actor allowed to perform it and whether the displays are told
(with an event named after the action). ``services.ticket_transition``
(``services/transition.py``) is the only code that changes
``Ticket.status``; the two one-statement fast paths (the ticket insert of
``ticket_issue`` and the claim of ``ticket_call_next``) take their from and
to statuses from here through ``single_move``.

Refusals (stable codes, the ones the API has always answered with), checked
in this order by ``services.ticket_transition_check``:

1. the actor is none of the kinds the move allows → ``permission_denied``
   (403);
2. the action is not possible in the ticket's status →
   ``invalid_ticket_state`` (409), naming the number and the status.

中文：排队号状态流转表
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Ticket

S = Ticket.Status
NEW = ""  # the status "before" a ticket is issued


class TicketAction(models.TextChoices):
    """
    What can happen to a ticket; the label completes "不能…".

    中文：排队号操作
    """

    ISSUE = "issue", _("取号")
    CALL = "call", _("叫号")
    RECALL = "recall", _("重呼")
    START = "start", _("开始办理")
    HOLD = "hold", _("暂停")
    RESUME = "resume", _("恢复办理")
    TRANSFER = "transfer", _("转移")
    NO_SHOW = "no_show", _("标记过号")
    FINISH = "finish", _("办结")
    CANCEL = "cancel", _("取消")


class ActorKind(models.TextChoices):
    """
    Who performs a move.

    ``public`` is anyone at all (the kiosk, a phone, staff); ``staff`` a
    窗口人员 (``permissions.can_call_tickets``; which counter is checked by the
    door through ``counter_get_for_staff`` / ``ticket_get_for_staff``);
    ``holder`` the applicant the ticket was issued to; ``system`` no
    person (scheduled tasks and the demo seeding: actor None or a label).

    中文：操作人身份
    """

    PUBLIC = "public", _("任何人")
    STAFF = "staff", _("窗口人员")
    HOLDER = "holder", _("取号人")
    SYSTEM = "system", _("系统")


A, K = TicketAction, ActorKind
COUNTER = frozenset({K.STAFF, K.SYSTEM})


@dataclass(frozen=True)
class Transition:
    to: str
    actors: frozenset
    quiet: bool = False  # True: the displays are not told (nothing they show)


def _t(to: str, actors: Iterable[str], quiet: bool = False) -> Transition:
    return Transition(to, frozenset(actors), quiet)


# Every move a ticket can make. After commit the displays get an event named
# after the action (``issue``, ``call`` …) unless the move is quiet.
TRANSITIONS: dict[tuple[str, str], Transition] = {
    (NEW, A.ISSUE): _t(S.WAITING, {K.PUBLIC}),
    (S.WAITING, A.CALL): _t(S.CALLED, COUNTER),
    (S.CALLED, A.RECALL): _t(S.CALLED, COUNTER),
    (S.CALLED, A.START): _t(S.SERVING, COUNTER),
    (S.CALLED, A.HOLD): _t(S.HELD, COUNTER, quiet=True),
    (S.SERVING, A.HOLD): _t(S.HELD, COUNTER, quiet=True),
    (S.HELD, A.RESUME): _t(S.SERVING, COUNTER),
    **{
        (s, A.TRANSFER): _t(S.WAITING, COUNTER)
        for s in (S.WAITING, S.CALLED, S.SERVING, S.HELD)
    },
    (S.CALLED, A.NO_SHOW): _t(S.NO_SHOW, COUNTER),
    **{(s, A.FINISH): _t(S.FINISHED, COUNTER) for s in (S.CALLED, S.SERVING, S.HELD)},
    (S.WAITING, A.CANCEL): _t(S.CANCELLED, {K.HOLDER, K.STAFF, K.SYSTEM}),
}

# statuses a ticket can still leave (the others are final)
OPEN_STATUSES = tuple(s for s in S.values if any(st == s for st, _a in TRANSITIONS))

# the kinds of actor an action allows in any status
ACTION_ACTORS: dict[str, frozenset] = {}
for (_state, _action), _tr in TRANSITIONS.items():
    ACTION_ACTORS[_action] = ACTION_ACTORS.get(_action, frozenset()) | _tr.actors


def single_move(action: str) -> tuple[str, Transition]:
    """
    Return ``(from status, transition)`` of an action that has one source.

    For the one-statement writes (insert of an issued ticket, claim of the
    next ticket), whose SQL takes its statuses from here.
    """
    moves = [(frm, tr) for (frm, act), tr in TRANSITIONS.items() if act == action]
    if len(moves) != 1:
        raise ValueError(f"{action} has {len(moves)} source statuses")
    return moves[0]


def transition_find(*, status: str, action: str) -> Transition | None:
    """Return the move ``action`` makes from ``status``, or None."""
    return TRANSITIONS.get((status, action))
