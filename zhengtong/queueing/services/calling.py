"""
Call-next (叫号): the counter lock and the one-statement claim in the
desk's call order (``selectors.ticket_call_order``).
"""

import datetime as dt
import functools
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from zhengtong.catalog.models import Counter
from zhengtong.core.errors import ApplicationError

from .. import selectors
from ..models import Ticket
from ..workflow import (
    TicketAction,
    single_move,
)
from .transition import ticket_transition, ticket_transition_check

S = Ticket.Status


@transaction.atomic
def ticket_call_next(
    *, counter: Counter, actor: Any, now: dt.datetime | None = None
) -> Ticket | None:
    """
    Call the next ticket at ``counter``; return None when nobody waits.

    The order is ``selectors.ticket_call_order`` (priority class, the
    counter's category order unless a ticket has waited longer than the
    policy's ``aging_minutes``, appointment time, arrival time), the same
    queryset the desk shows. Two counters never get the same ticket: rows
    are locked with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL; SQLite
    serialises writers) and claimed with a conditional UPDATE on the
    status the call moves from.

    中文：叫号
    """
    ticket_transition_check(ticket=None, action=TicketAction.CALL, actor=actor)
    now = now or timezone.now()
    day = timezone.localdate(now, selectors.local_tz())
    busy_number = _counter_lock_busy_number(counter=counter, day=day)
    if busy_number is not None:
        raise ApplicationError(
            "counter_busy",
            f"{busy_number} 号尚未办结，请先办结、暂停或标记过号。",
            status=409,
        )
    ranks = selectors.counter_category_ranks(counter_id=counter.pk)
    if not ranks:
        raise ApplicationError(
            "counter_without_categories", "该窗口未配置业务类别，无法叫号。", status=409
        )
    policy = selectors.policy_get(hall=counter.hall)
    ticket = _ticket_claim_next(
        counter=counter,
        actor=actor,
        ranks=ranks,
        aged_before=now - dt.timedelta(minutes=policy.aging_minutes),
        day=day,
        now=now,
    )
    if ticket is None:
        return None
    ticket.counter = counter
    ticket.category = selectors.category_get_cached(category_id=ticket.category_id)
    ticket_transition(
        ticket=ticket,
        action=TicketAction.CALL,
        actor=actor,
        claimed=True,
        details={"counter": counter.number},
    )
    return ticket


def _counter_lock_busy_number(*, counter: Counter, day: dt.date) -> str | None:
    """
    Lock ``counter``'s row (one call at a time per counter) and return the
    number of its ticket called or being served on ``day``, if any.

    One statement: the busy ticket rides along as a subquery (the first by
    arrival, as the tickets' default order gives it). Raw SQL because the
    ORM cannot lock a row of a ``values()`` query with a subquery in one
    compiled statement cheaper than two. SQLite has no ``FOR UPDATE`` (it
    serialises writers).
    """
    for_update = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.id, (SELECT t.number FROM queueing_ticket t"  # noqa: S608
            " WHERE t.counter_id = c.id AND t.service_date = %s"
            " AND t.status IN (%s, %s) ORDER BY t.arrival_at LIMIT 1)"
            f" FROM catalog_counter c WHERE c.id = %s{for_update}",
            [
                connection.ops.adapt_datefield_value(day),
                S.CALLED.value,
                S.SERVING.value,
                counter.pk,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        raise Counter.DoesNotExist("Counter matching query does not exist.")
    return row[1]


def _ticket_claim_next(
    *,
    counter: Counter,
    actor: Any,
    ranks: dict[int, int],
    aged_before: dt.datetime,
    day: dt.date,
    now: dt.datetime,
) -> Ticket | None:
    """
    Claim the first ticket of ``counter``'s call order and return it.

    One statement: ``UPDATE … SET status = <to> … WHERE id = (<the desk's
    queryset, compiled, LIMIT 1 FOR UPDATE SKIP LOCKED>) AND status =
    <from> RETURNING <every column>``. The SELECT is
    ``selectors.ticket_call_order`` itself, so the claim and the desk cannot
    order differently; from and to are the call's move in the transition
    table. ``Ticket.objects.raw()`` turns the returned row into the updated
    ticket (with the backend's converters), so it is not read again. On
    PostgreSQL a row another counter is claiming is skipped, not waited
    for; SQLite serialises writers. The status change is recorded by
    ``ticket_transition(claimed=True)``.
    """
    source, move = single_move(TicketAction.CALL)
    queue_sql, queue_params = _claim_queue_sql(
        counter=counter, ranks=ranks, aged_before=aged_before, day=day
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    table = Ticket._meta.db_table
    # table and column names are ours; every value is a parameter
    sql = (
        f"UPDATE {table} SET status = %s, counter_id = %s, staff_id = %s, "  # noqa: S608
        "called_at = COALESCE(called_at, %s), last_called_at = %s, "
        "served_at = NULL, recall_count = 0, updated_at = %s "
        f"WHERE id = ({queue_sql}) AND status = %s "
        f"RETURNING {selectors.TICKET_COLUMNS}"
    )
    params = [
        move.to,
        counter.pk,
        getattr(actor, "pk", None),
        stamp,
        stamp,
        stamp,
        *queue_params,
        source,
    ]
    claimed = list(Ticket.objects.raw(sql, params))
    return claimed[0] if claimed else None


def _claim_queue_sql(
    *, counter: Counter, ranks: dict[int, int], aged_before: dt.datetime, day: dt.date
) -> tuple[str, list[Any]]:
    """
    Return the SQL and parameters of the first row of
    ``selectors.ticket_call_order`` (locked, skipping locked rows, where the
    database can).

    Compiling that queryset costs about a millisecond; its text depends
    only on the counter, its hall and its category ranks, so it is compiled
    once per those (``_claim_queue_compiled``) with stand-in values for the
    day and the aging limit, whose places are then filled in here.
    """
    sql, template, day_at, aged_at = _claim_queue_compiled(
        connection.alias, counter.pk, counter.hall_id, tuple(ranks.items())
    )
    params = list(template)
    params[day_at] = connection.ops.adapt_datefield_value(day)
    params[aged_at] = connection.ops.adapt_datetimefield_value(aged_before)
    return sql, params


_STAND_IN_DAY = dt.date(1901, 1, 2)
_STAND_IN_AGED = dt.datetime(1901, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)


@functools.lru_cache(maxsize=512)
def _claim_queue_compiled(
    alias: str, counter_id: int, hall_id: int, ranks: tuple[tuple[int, int], ...]
) -> tuple[str, tuple[Any, ...], int, int]:
    """Compile the call order with stand-ins; see ``_claim_queue_sql``."""
    queue = selectors.ticket_call_order(
        counter=Counter(pk=counter_id, hall_id=hall_id),
        ranks=dict(ranks),
        aged_before=_STAND_IN_AGED,
        day=_STAND_IN_DAY,
    ).values("id")[:1]
    ops = connections[alias].ops
    if connections[alias].features.has_select_for_update_skip_locked:
        queue = queue.select_for_update(skip_locked=True)
    sql, params = queue.query.get_compiler(using=alias).as_sql()
    day = ops.adapt_datefield_value(_STAND_IN_DAY)
    aged = ops.adapt_datetimefield_value(_STAND_IN_AGED)
    day_at = [i for i, p in enumerate(params) if p == day]
    aged_at = [i for i, p in enumerate(params) if p == aged]
    if len(day_at) != 1 or len(aged_at) != 1:
        raise RuntimeError("the call order must use the day and aging limit once")
    return sql, tuple(params), day_at[0], aged_at[0]
