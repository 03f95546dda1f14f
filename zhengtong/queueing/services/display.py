"""
Display events of the queue: hall and counter groups, the send after commit.

An ``issue`` event is kept when this process sent one for the hall less
than an interval ago (``coalesce.HallUpdates``).
"""

import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from .. import selectors
from ..broadcast import display_send, sends_on_server_loop
from ..coalesce import HallUpdates
from ..models import Ticket

logger = logging.getLogger(__name__)


def hall_group(hall_id: int) -> str:
    return f"queue_hall_{hall_id}"


def counter_group(counter_id: int) -> str:
    return f"queue_counter_{counter_id}"


def _display_send(ticket: Ticket, event: str, waiting: list[dict[str, Any]]) -> None:
    """Send a ticket event to its hall and counter displays."""
    groups = [hall_group(ticket.hall_id)]
    if ticket.counter_id:
        groups.append(counter_group(ticket.counter_id))
    message = {
        "type": "queue.event",
        "event": event,
        "call": selectors.call_payload(ticket=ticket),
        "waiting": waiting,
        "sent_at": timezone.now().timestamp(),
    }
    display_send(groups=groups, message=message)


def _send_kept_issue(ticket: Ticket) -> None:
    """Send a kept ``issue`` event with the counts of this moment (background)."""
    _display_send(
        ticket,
        "issue",
        selectors.waiting_counts(hall_id=ticket.hall_id, day=ticket.service_date),
    )


# issue events: at most one per hall and interval from this process
_issue_updates = HallUpdates(_send_kept_issue)


def _broadcast(ticket: Ticket, event: str) -> None:
    """
    Send a ticket event to its hall and counter displays (after commit).

    An ``issue`` event only updates the displays' waiting counts; if this
    process sent one for the hall less than an interval ago, it is kept and
    sent when the interval is over (``coalesce.HallUpdates``; not under an
    ASGI server, whose loop the in-memory layer needs). Sent now, its
    counts and the new ticket's ``waiting_ahead`` (kept on the ticket for
    the answer) come from one statement.
    """
    try:
        if event == "issue":
            if not sends_on_server_loop() and not _issue_updates.offer(
                ticket.hall_id, ticket
            ):
                return
            waiting, ticket._ahead = selectors.waiting_counts_and_ahead(ticket=ticket)
        else:
            waiting = selectors.waiting_counts(
                hall_id=ticket.hall_id, day=ticket.service_date
            )
        _display_send(ticket, event, waiting)
    except Exception:  # a display outage must never break the counter
        logger.exception("queue display broadcast failed")


def _notify(ticket: Ticket, event: str) -> None:
    # The ticket is final for this transaction; its category and counter are
    # loaded already, so the broadcast costs one query (waiting counts).
    transaction.on_commit(lambda: _broadcast(ticket, event))
