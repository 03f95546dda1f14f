"""
Writes of the queue: issue, call, the counter's handling of a ticket,
appointments.

Every state change of a ticket goes through ``transition.ticket_transition``
(the table is ``queueing.workflow.TRANSITIONS``) and is audited; displays are
told after the transaction commits (``display``: ``transaction.on_commit`` →
channel layer group). Modules:

- ``transition``: ``ticket_transition``, ``ticket_transition_check``;
- ``issue``: ``ticket_issue`` (取号);
- ``calling``: ``ticket_call_next`` (叫号) and its one-statement claim;
- ``handling``: recall, no-show, start, hold, resume, transfer, finish,
  cancel, link to a case, the nightly expiry;
- ``appointments``: booking, cancelling, check-in, no-shows, reminders;
- ``display``: the hall and counter groups and the sends.

Callers import this package (``from zhengtong.queueing import services``);
the names below are its interface.
"""

from .appointments import (
    CHECK_IN_EARLY,
    CHECK_IN_LATE,
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_mark_no_shows,
    appointment_send_reminders,
)
from .calling import ticket_call_next
from .display import counter_group, hall_group
from .handling import (
    MAX_MATTER,
    ticket_cancel,
    ticket_expire_day,
    ticket_finish,
    ticket_hold,
    ticket_link_case,
    ticket_mark_no_show,
    ticket_recall,
    ticket_resume,
    ticket_start,
    ticket_transfer,
)
from .issue import ticket_issue, ticket_prioritise, ticket_priority_restore
from .transition import ticket_transition, ticket_transition_check

__all__ = [
    "CHECK_IN_EARLY",
    "CHECK_IN_LATE",
    "MAX_MATTER",
    "appointment_book",
    "appointment_cancel",
    "appointment_check_in",
    "appointment_mark_no_shows",
    "appointment_send_reminders",
    "counter_group",
    "hall_group",
    "ticket_call_next",
    "ticket_cancel",
    "ticket_expire_day",
    "ticket_finish",
    "ticket_hold",
    "ticket_issue",
    "ticket_link_case",
    "ticket_mark_no_show",
    "ticket_prioritise",
    "ticket_priority_restore",
    "ticket_recall",
    "ticket_resume",
    "ticket_start",
    "ticket_transfer",
    "ticket_transition",
    "ticket_transition_check",
]
