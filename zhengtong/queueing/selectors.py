"""
Reads of the queue: visibility, positions, slots, statistics (what service a
hall offers on a day: ``opening``, re-exported here).

Views and APIs get tickets, counters and appointments only through here.
"""

import datetime as dt
import math
from collections import defaultdict
from statistics import mean
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length
from django.utils import timezone

from zhengtong.catalog.models import Counter, Hall
from zhengtong.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from zhengtong.core.inputs import int_id

from . import permissions
from .cache import config_cached
from .models import (
    Appointment,
    Category,
    CounterCategory,
    QueuePolicy,
    Ticket,
)

# What service a hall offers on a day lives in ``opening`` (one definition);
# these names are part of this module's interface.
from .opening import (  # noqa: F401
    ServiceDay,
    Session,
    day_is_working,
    hall_next_opening,
    hall_service_day,
    hall_service_days,
    hall_session_at,
    local_tz,
)

# tickets not yet finished, no-show or cancelled: from the transition table
from .workflow import OPEN_STATUSES, TicketAction, single_move  # noqa: F401


def policy_get(*, hall: Hall) -> QueuePolicy:
    """Return the queue policy of ``hall`` (defaults when not configured)."""

    def build() -> QueuePolicy:
        return QueuePolicy.objects.filter(hall_id=hall.pk).first() or QueuePolicy(
            hall_id=hall.pk
        )

    policy = config_cached(("policy", hall.pk), build)
    policy.hall = hall
    return policy


def category_list(*, hall: Hall | None = None, active_only: bool = True) -> QuerySet:
    """Return categories, optionally of one hall."""
    qs = Category.objects.select_related("hall").order_by("hall_id", "order", "prefix")
    if hall is not None:
        qs = qs.filter(hall=hall)
    if active_only:
        qs = qs.filter(active=True)
    return qs


def category_get_by_ref(*, ref: Any) -> Category:
    """
    Return the active category with id or code ``ref``.

    中文：查找业务类别
    """
    ref_text = str(ref).strip()
    if len(ref_text) <= 40:
        category = config_cached(
            ("category", ref_text), lambda: _category_by_ref(ref_text)
        )
    else:
        category = _category_by_ref(ref_text)
    if category is None:
        raise ApplicationError(
            "unknown_category", "业务类别不存在或已停用。", status=400
        )
    return category


def category_get_cached(*, category_id: int) -> Category:
    """Return a category by id, active or not, with its hall (cached)."""
    return config_cached(
        ("category_id", category_id),
        lambda: Category.objects.select_related("hall").get(pk=category_id),
    )


def counter_get_cached(*, counter_id: int) -> Counter:
    """Return a counter by id, active or not, with its hall (cached)."""
    return config_cached(
        ("counter_id", counter_id),
        lambda: Counter.objects.select_related("hall").get(pk=counter_id),
    )


def _category_by_ref(ref_text: str) -> Category | None:
    qs = Category.objects.select_related("hall").filter(active=True)
    category = None
    ref_id = int_id(ref_text)
    if ref_id is not None:
        category = qs.filter(pk=ref_id).first()
    if category is None:
        category = qs.filter(code=ref_text[:40]).first()
    return category


def counter_list(*, hall: Hall | None = None) -> QuerySet:
    """
    Return active counters with their queue categories, in window order
    (by hall, then "2 号" before "11 号": shorter numbers first, as text
    within one length).
    """
    qs = (
        Counter.objects.filter(is_active=True)
        .select_related("hall")
        .prefetch_related("queue_categories__category")
        .order_by("hall_id", Length("number"), "number")
    )
    if hall is not None:
        qs = qs.filter(hall=hall)
    return qs


def counter_sort_key(counter: Counter) -> tuple:
    number = counter.number
    return (0, int(number), "") if number.isdigit() else (1, 0, number)


def counter_list_for_staff(*, user: Any) -> list[Counter]:
    """Return the counters where ``user`` may call tickets."""
    if not getattr(user, "is_authenticated", False):
        return []
    counters = Counter.objects.filter(
        staff_assignments__user=user, is_active=True
    ).select_related("hall")
    return sorted(counters, key=counter_sort_key)


def _pk(value: Any) -> int:
    """A primary key from user input; ValueError unless a positive 64-bit integer."""
    pk = int(value)
    if not 0 < pk < 2**63:
        raise ValueError(value)
    return pk


def counter_get_for_staff(*, user: Any, counter_id: Any) -> Counter:
    """
    Return a counter where ``user`` is assigned; 404 if absent, 403 if not his.

    The counter and its hall are configuration (per-process cache, dropped
    on every change); the assignment is read on every call, so a change of
    the duty roster applies at once.

    中文：获取本人窗口
    """
    try:
        pk = _pk(counter_id)
    except (TypeError, ValueError):
        raise NotFoundError("窗口不存在。") from None
    try:
        counter = counter_get_cached(counter_id=pk)
    except Counter.DoesNotExist:
        raise NotFoundError("窗口不存在。") from None
    if not counter.is_active:
        raise NotFoundError("窗口不存在。")
    if not permissions.can_call_tickets(user=user) or pk not in _staff_counter_ids(
        user_id=getattr(user, "pk", None)
    ):
        raise PermissionDeniedError("您未被安排在该窗口，不能在此叫号。")
    return counter


def ticket_get_for_staff(*, user: Any, ticket_id: Any) -> Ticket:
    """
    Return a ticket at (or transferred to) one of ``user``'s counters.

    Waiting tickets of a category served at one of the user's counters are
    visible too (to transfer or cancel them on request).

    中文：获取窗口排队号
    """
    permissions.check_call_tickets(user=user)
    try:
        ticket = ticket_row_get(ticket_id=_pk(ticket_id))
    except (Ticket.DoesNotExist, TypeError, ValueError):
        raise NotFoundError("排队号不存在。") from None
    counter_ids = _staff_counter_ids(user_id=user.pk)
    if ticket.counter_id in counter_ids:
        return ticket
    if ticket.status == Ticket.Status.WAITING and (
        ticket.target_counter_id in counter_ids
        or CounterCategory.objects.filter(
            counter_id__in=counter_ids, category_id=ticket.category_id
        ).exists()
    ):
        return ticket
    raise NotFoundError("排队号不存在或不在您的窗口。")


# the ticket's columns, in model order (for raw SELECT / RETURNING)
TICKET_COLUMNS = ", ".join(str(f.column) for f in Ticket._meta.concrete_fields)


def ticket_row_get(*, ticket_id: int, for_update: bool = False) -> Ticket:
    """
    Return a ticket by id with its category, counter and hall attached;
    ``for_update`` locks the row until the transaction ends.

    One key lookup written out (``Ticket.objects.raw``: the ORM compiled a
    three- or four-join SELECT for every counter action); category, counter
    and hall are configuration and come from the per-process cache, the
    appointment loads on first use. Raises ``Ticket.DoesNotExist``. SQLite
    has no ``FOR UPDATE`` (it serialises writers).

    中文：按编号读取排队号
    """
    lock = (
        " FOR UPDATE"
        if for_update and connection.features.has_select_for_update
        else ""
    )
    # table and column names are ours; the key is a parameter
    rows = list(
        Ticket.objects.raw(
            f"SELECT {TICKET_COLUMNS} FROM {Ticket._meta.db_table}"  # noqa: S608
            f" WHERE id = %s{lock}",
            [ticket_id],
        )
    )
    if not rows:
        raise Ticket.DoesNotExist("Ticket matching query does not exist.")
    ticket = rows[0]
    ticket.category = category_get_cached(category_id=ticket.category_id)
    if ticket.category.hall_id == ticket.hall_id:  # always: transfers stay in the hall
        ticket.hall = ticket.category.hall
    ticket.counter = (
        counter_get_cached(counter_id=ticket.counter_id) if ticket.counter_id else None
    )
    return ticket


def _staff_counter_ids(*, user_id: int | None) -> set[int]:
    # Raw SQL: read on every counter action, so a change of the duty roster
    # applies at once; compiling the ORM query cost more than the lookup.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT counter_id FROM queueing_staffcounterassignment WHERE user_id = %s",
            [user_id],
        )
        return {row[0] for row in cursor.fetchall()}


def ticket_get_by_token(*, token: str) -> Ticket:
    """Return the ticket followed by an unguessable token."""
    ticket = (
        Ticket.objects.select_related("category", "counter", "hall")
        .filter(token=str(token)[:32])
        .first()
    )
    if ticket is None:
        raise NotFoundError("排队号不存在。")
    return ticket


def ticket_waiting_ahead(*, ticket: Ticket) -> int:
    """
    Return how many waiting tickets of the same category are called first.

    中文：前面等候人数
    """
    if ticket.status != Ticket.Status.WAITING:
        return 0
    # Raw SQL: shown with every issued ticket; compiling the three-branch Q
    # expression cost more than the indexed count itself.
    ops = connection.ops
    arrival = ops.adapt_datetimefield_value(ticket.arrival_at)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM queueing_ticket"
            " WHERE category_id = %s AND service_date = %s AND status = %s"
            " AND (priority_class < %s"
            " OR (priority_class = %s AND arrival_at < %s)"
            " OR (priority_class = %s AND arrival_at = %s AND id < %s))",
            [
                ticket.category_id,
                ops.adapt_datefield_value(ticket.service_date),
                Ticket.Status.WAITING.value,
                ticket.priority_class,
                ticket.priority_class,
                arrival,
                ticket.priority_class,
                arrival,
                ticket.pk,
            ],
        )
        return cursor.fetchone()[0]


def ticket_estimated_wait_minutes(*, ticket: Ticket, ahead: int | None = None) -> int:
    """
    Estimate minutes until ``ticket`` is called.

    People ahead × minutes per service ÷ counters serving the category.

    中文：预计等候时间
    """
    if ticket.status != Ticket.Status.WAITING:
        return 0
    if ahead is None:
        ahead = ticket_waiting_ahead(ticket=ticket)
    counters = max(1, category_counter_count(category_id=ticket.category_id))
    return math.ceil(ahead * ticket.category.minutes_per_service / counters)


def category_counter_count(*, category_id: int) -> int:
    """Return how many active counters serve a category (cached)."""
    return config_cached(
        ("counters", category_id),
        lambda: CounterCategory.objects.filter(
            category_id=category_id, counter__is_active=True
        ).count(),
    )


def counter_category_ranks(*, counter_id: int) -> dict[int, int]:
    """Return ``{category_id: rank}`` of a counter's active categories (cached)."""
    return config_cached(
        ("ranks", counter_id),
        lambda: dict(
            CounterCategory.objects.filter(counter_id=counter_id, category__active=True)
            .values_list("category_id", "rank")
            .order_by("rank")
        ),
    )


def ticket_call_order(
    *, counter: Counter, ranks: dict[int, int], aged_before: dt.datetime, day: dt.date
) -> QuerySet:
    """
    Return the tickets ``counter`` may call on ``day``, in call order.

    The one definition of the call order: the desk shows this queryset
    (``ticket_queue_for_counter``) and ``services.ticket_call_next`` claims
    its first row with the same compiled SELECT inside its ``UPDATE``.
    Callable are the tickets in the status the call moves from (the
    transition table). Order, as ``call_order_terms`` lists it:

    1. priority class (0 = green channel or appointment check-in, 1 =
       walk-in);
    2. the counter's category rank (``ranks``), except that a ticket that
       arrived at or before ``aged_before`` ranks ahead of every category
       (no starvation);
    3. appointment time, tickets without one last;
    4. arrival time, then id.

    Tickets transferred to this counter are included whatever their
    category; those reserved for another counter are not.

    中文：窗口叫号顺序
    """
    callable_status, _move = single_move(TicketAction.CALL)
    return (
        Ticket.objects.filter(
            status=callable_status, service_date=day, hall_id=counter.hall_id
        )
        .filter(
            Q(target_counter=counter)
            | Q(target_counter__isnull=True, category_id__in=list(ranks))
        )
        .order_by(*call_order_terms(ranks=ranks, aged_before=aged_before))
    )


def call_order_terms(*, ranks: dict[int, int], aged_before: dt.datetime) -> list[Any]:
    """Return the ORDER BY terms of ``ticket_call_order`` (see there)."""
    rank = Case(
        *[When(category_id=cid, then=Value(r)) for cid, r in ranks.items()],
        default=Value(0),
        output_field=IntegerField(),
    )
    effective_rank = Case(
        When(arrival_at__lte=aged_before, then=Value(-1)),
        default=rank,
        output_field=IntegerField(),
    )
    return [
        F("priority_class").asc(),
        effective_rank.asc(),
        F("appointment_at").asc(nulls_last=True),
        F("arrival_at").asc(),
        F("id").asc(),
    ]


def ticket_queue_for_counter(
    *, counter: Counter, now: dt.datetime | None = None
) -> QuerySet | None:
    """
    Return the waiting tickets ``counter`` may call now, in call order
    (``ticket_call_order``, with the policy's ``aging_minutes``).

    Returns None when the counter serves no category.

    中文：窗口候叫队列
    """
    now = now or timezone.now()
    ranks = counter_category_ranks(counter_id=counter.pk)
    if not ranks:
        return None
    policy = policy_get(hall=counter.hall)
    return ticket_call_order(
        counter=counter,
        ranks=ranks,
        aged_before=now - dt.timedelta(minutes=policy.aging_minutes),
        day=timezone.localdate(now, local_tz()),
    )


def ticket_list_for_applicant(*, user: Any, day: dt.date | None = None) -> QuerySet:
    """Return the applicant's own tickets, newest first."""
    if not getattr(user, "is_authenticated", False):
        return Ticket.objects.none()
    qs = Ticket.objects.filter(applicant=user).select_related("category", "counter")
    if day is not None:
        qs = qs.filter(service_date=day)
    return qs.order_by("-arrival_at")


def ticket_current_for_counter(
    *, counter: Counter, now: dt.datetime | None = None
) -> Ticket | None:
    """Return today's ticket called or being served at ``counter``."""
    return (
        Ticket.objects.filter(
            counter=counter,
            status__in=[Ticket.Status.CALLED, Ticket.Status.SERVING],
            service_date=timezone.localdate(now or timezone.now(), local_tz()),
        )
        .select_related("category", "appointment")
        .order_by("-last_called_at")
        .first()
    )


def ticket_list_held_for_counter(*, counter: Counter) -> QuerySet:
    """Return today's tickets on hold at ``counter``."""
    return Ticket.objects.filter(
        counter=counter,
        status=Ticket.Status.HELD,
        service_date=timezone.localdate(),
    ).order_by("arrival_at")


def _hall_categories(hall_id: int) -> list[tuple[int, str, str, str, int]]:
    """Return ``(id, code, prefix, name, warning)`` of a hall's active categories."""
    return config_cached(
        ("hall_categories", hall_id),
        lambda: list(
            Category.objects.filter(hall_id=hall_id, active=True)
            .order_by("order", "prefix")
            .values_list("pk", "code", "prefix", "name", "warning_threshold")
        ),
    )


def waiting_counts(*, hall_id: int, day: dt.date) -> list[dict[str, Any]]:
    """
    Return waiting counts per active category of a hall on ``day`` (1 query).

    Sent with every display event, so the categories come from the cache and
    the counts from one grouped query on the (hall, date, status) index.

    中文：各类别等候人数
    """
    counts, _ahead = _waiting_grouped(hall_id=hall_id, day=day, ahead_of=None)
    return _waiting_rows(hall_id, counts)


def waiting_counts_and_ahead(*, ticket: Ticket) -> tuple[list[dict[str, Any]], int]:
    """
    Return ``waiting_counts()`` of the ticket's hall and day together with
    ``ticket_waiting_ahead(ticket=ticket)``, both from one statement.

    A new ticket's display broadcast and its answer need both right after
    the commit; one grouped scan gives them.

    中文：各类别等候人数及前面等候人数
    """
    counts, ahead = _waiting_grouped(
        hall_id=ticket.hall_id,
        day=ticket.service_date,
        ahead_of=ticket if ticket.status == Ticket.Status.WAITING else None,
    )
    return _waiting_rows(ticket.hall_id, counts), ahead


def _waiting_grouped(
    *, hall_id: int, day: dt.date, ahead_of: Ticket | None
) -> tuple[dict[int, int], int]:
    """
    Return ``{category_id: waiting}`` of a hall and day, and how many of
    ``ahead_of``'s category are called before it (0 without a ticket).
    """
    ops = connection.ops
    params: list[Any] = []
    ahead_sql = "0"
    if ahead_of is not None:
        # the condition of ticket_waiting_ahead(), summed in the same scan
        ahead_sql = (
            "SUM(CASE WHEN category_id = %s AND (priority_class < %s"
            " OR (priority_class = %s AND arrival_at < %s)"
            " OR (priority_class = %s AND arrival_at = %s AND id < %s))"
            " THEN 1 ELSE 0 END)"
        )
        arrival = ops.adapt_datetimefield_value(ahead_of.arrival_at)
        pc = ahead_of.priority_class
        params += [ahead_of.category_id, pc, pc, arrival, pc, arrival, ahead_of.pk]
    params += [hall_id, ops.adapt_datefield_value(day), Ticket.Status.WAITING.value]
    # Raw SQL: the ORM would spend longer compiling this GROUP BY than the
    # database spends running it, on every ticket event.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT category_id, COUNT(*), {ahead_sql} FROM queueing_ticket"  # noqa: S608
            " WHERE hall_id = %s AND service_date = %s AND status = %s"
            " GROUP BY category_id",
            params,
        )
        rows = cursor.fetchall()
    counts = {category_id: n for category_id, n, _ahead in rows}
    ahead = 0
    if ahead_of is not None:
        ahead = next(
            (int(a or 0) for cid, _n, a in rows if cid == ahead_of.category_id), 0
        )
    return counts, ahead


def _waiting_rows(hall_id: int, counts: dict[int, int]) -> list[dict[str, Any]]:
    result = []
    for pk, code, prefix, name, warning_threshold in _hall_categories(hall_id):
        n = counts.get(pk, 0)
        result.append(
            {
                "category": code,
                "prefix": prefix,
                "name": name,
                "waiting": n,
                "warning": bool(warning_threshold and n >= warning_threshold),
            }
        )
    return result


def recent_calls(
    *, hall_id: int, day: dt.date, counter_id: int | None = None, limit: int = 8
) -> list[dict[str, Any]]:
    """Return the most recent calls of a hall (or a counter) on ``day``."""
    qs = Ticket.objects.filter(
        hall_id=hall_id, service_date=day, last_called_at__isnull=False
    ).exclude(counter__isnull=True)
    if counter_id is not None:
        qs = qs.filter(counter_id=counter_id)
    qs = qs.select_related("counter", "category").order_by("-last_called_at")[:limit]
    return [call_payload(ticket=t) for t in qs]


def call_payload(*, ticket: Ticket) -> dict[str, Any]:
    """Return what a display shows for a call (no personal data)."""
    counter = ticket.counter
    return {
        "number": ticket.number,
        "category": ticket.category.name,
        "counter": counter.number if counter else "",
        "counter_id": counter.pk if counter else None,
        "counter_name": counter.name if counter else "",
        "status": ticket.status,
        "called_at": ticket.last_called_at.isoformat()
        if ticket.last_called_at
        else None,
        "recall": ticket.recall_count,
        "speech": f"请 {ticket.number} 号到 {counter.number} 号窗口办理"
        if counter
        else "",
    }


def display_snapshot(
    *, hall_id: int, counter_id: int | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """
    Return the full state a hall or counter display starts from.

    中文：叫号屏数据
    """
    day = timezone.localdate(now or timezone.now(), local_tz())
    data: dict[str, Any] = {
        "type": "snapshot",
        "calls": recent_calls(hall_id=hall_id, day=day, counter_id=counter_id),
        "waiting": waiting_counts(hall_id=hall_id, day=day),
    }
    if counter_id is not None:
        data["counter_id"] = counter_id
    return data


# Appointments -------------------------------------------------------------


def appointment_slots(
    *, category: Category, day: dt.date, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """
    Return the bookable slots of ``category`` on ``day``.

    Slots start every ``minutes_per_service`` minutes inside each session
    of ``hall_service_day()`` that serves the category and takes
    appointments; each holds as many appointments as counters serve the
    category. Holidays have none; 调休 Saturdays have the ordinary hours;
    weekends have slots only where a service rule or an extra day opens
    them. ``session`` names the session (上午, 周六上午服务 …), ``notice``
    adds its mode (周六上午服务，仅限预约).

    中文：预约时段
    """
    now = now or timezone.now()
    capacity = CounterCategory.objects.filter(
        category=category, counter__is_active=True
    ).count()
    if capacity == 0:
        return []
    step = dt.timedelta(minutes=category.minutes_per_service)
    booked = dict(
        Appointment.objects.filter(
            category=category,
            date=day,
            status__in=[Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN],
        )
        .values_list("slot_start")
        .annotate(n=Count("id"))
        .values_list("slot_start", "n")
    )
    slots = []
    service_day = hall_service_day(hall=category.hall_id, day=day)
    for session in service_day.sessions_for(category.pk):
        if not session.takes_appointments:
            continue
        start = session.start
        while start + step <= session.end:
            taken = booked.get(start, 0)
            slots.append(
                {
                    "start": start,
                    "end": start + step,
                    "session": session.label,
                    "mode": session.mode,
                    "notice": session.notice,
                    "extra_service": session.source != "hours",
                    "capacity": capacity,
                    "booked": taken,
                    "available": max(0, capacity - taken) if start > now else 0,
                }
            )
            start += step
    return slots


def appointment_list_for_applicant(*, user: Any) -> QuerySet:
    """Return the applicant's own appointments, upcoming first."""
    if not getattr(user, "is_authenticated", False):
        return Appointment.objects.none()
    return (
        Appointment.objects.filter(applicant=user)
        .select_related("category", "category__hall")
        .order_by("-slot_start")
    )


def appointment_get_for_applicant(*, user: Any, appointment_id: Any) -> Appointment:
    try:
        return appointment_list_for_applicant(user=user).get(pk=int(appointment_id))
    except (Appointment.DoesNotExist, TypeError, ValueError):
        raise NotFoundError("预约不存在。") from None


def appointment_no_show_count(
    *, user: Any, since: dt.datetime, until: dt.datetime
) -> int:
    return Appointment.objects.filter(
        applicant=user,
        status=Appointment.Status.NO_SHOW,
        slot_start__gte=since,
        slot_start__lt=until,
    ).count()


def appointment_block_until(
    *, user: Any, hall: Hall, now: dt.datetime | None = None
) -> dt.datetime | None:
    """
    Return until when ``user`` may not book (no-show policy), or None.

    With the default policy, 3 no-shows within 30 days block booking for 30
    days after the latest of them.

    中文：爽约限制
    """
    now = now or timezone.now()
    policy = policy_get(hall=hall)
    lookback = now - dt.timedelta(days=policy.no_show_window_days + policy.block_days)
    no_shows = list(
        Appointment.objects.filter(
            applicant=user,
            category__hall=hall,
            status=Appointment.Status.NO_SHOW,
            slot_start__gte=lookback,
            slot_start__lte=now,
        )
        .order_by("slot_start")
        .values_list("slot_start", flat=True)
    )
    window = dt.timedelta(days=policy.no_show_window_days)
    block_until = None
    n = policy.no_show_limit
    for i in range(n - 1, len(no_shows)):
        if no_shows[i] - no_shows[i - n + 1] <= window:
            until = no_shows[i] + dt.timedelta(days=policy.block_days)
            if until > now:
                block_until = until
    return block_until


# Statistics ---------------------------------------------------------------


def _minutes(delta: dt.timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def _p90(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, math.ceil(0.9 * len(ordered)) - 1)
    return ordered[index]


def _summary(tickets: list[Ticket], closed: bool) -> dict[str, Any]:
    waits = [
        _minutes(t.called_at - t.arrival_at) for t in tickets if t.called_at is not None
    ]
    services = [
        _minutes(t.finished_at - t.served_at)
        for t in tickets
        if t.status == Ticket.Status.FINISHED and t.served_at and t.finished_at
    ]
    abandoned = sum(
        1
        for t in tickets
        if t.status == Ticket.Status.CANCELLED
        or (closed and t.status == Ticket.Status.WAITING)
    )
    return {
        "issued": len(tickets),
        "served": sum(1 for t in tickets if t.status == Ticket.Status.FINISHED),
        "no_shows": sum(1 for t in tickets if t.status == Ticket.Status.NO_SHOW),
        "abandoned": abandoned,
        "transferred": sum(1 for t in tickets if t.transfer_count),
        "avg_wait_minutes": round(mean(waits), 1) if waits else None,
        "p90_wait_minutes": _p90(waits),
        "avg_service_minutes": round(mean(services), 1) if services else None,
        "p90_service_minutes": _p90(services),
    }


def queue_stats_daily(
    *, day: dt.date, hall: Hall | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """
    Return the day's queue figures in total and per category, counter, staff.

    Each group has issued, served, no_shows, abandoned (cancelled, or still
    waiting once the day is over), transferred, and average / 90th-percentile
    waiting and service minutes.

    中文：排队日统计
    """
    now = now or timezone.now()
    closed = day < timezone.localdate(now, local_tz())
    qs = Ticket.objects.filter(service_date=day).select_related(
        "category", "counter", "staff"
    )
    if hall is not None:
        qs = qs.filter(hall=hall)
    tickets = list(qs)
    groups: dict[str, dict[Any, list[Ticket]]] = {
        "category": defaultdict(list),
        "counter": defaultdict(list),
        "staff": defaultdict(list),
    }
    labels: dict[tuple[str, Any], str] = {}
    for t in tickets:
        groups["category"][t.category_id].append(t)
        labels["category", t.category_id] = t.category.name
        if t.counter_id and t.counter is not None:
            groups["counter"][t.counter_id].append(t)
            labels["counter", t.counter_id] = f"{t.counter.number} 号窗口"
        if t.staff_id:
            groups["staff"][t.staff_id].append(t)
            labels["staff", t.staff_id] = str(t.staff)
    result: dict[str, Any] = {
        "date": day.isoformat(),
        "total": _summary(tickets, closed),
    }
    for kind, grouped in groups.items():
        result[f"by_{kind}"] = [
            {"id": key, "label": labels[kind, key], **_summary(items, closed)}
            for key, items in sorted(
                grouped.items(), key=lambda kv: labels[kind, kv[0]]
            )
        ]
    return result
