"""
Writes of the queue: issue, call, recall, transfer, hold, finish, appointments.

Every state change is audited; displays are told after the transaction
commits (``transaction.on_commit`` → channel layer group).
"""

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, connections, transaction
from django.utils import timezone

from zhengtong.catalog.models import Counter, ServiceItem
from zhengtong.core.audit import audit_record
from zhengtong.core.db import row_insert
from zhengtong.core.errors import ApplicationError, PermissionDeniedError
from zhengtong.core.masking import mask_phone

from . import permissions, selectors
from .broadcast import display_send, sends_on_server_loop
from .coalesce import HallUpdates
from .models import (
    Appointment,
    Category,
    CounterCategory,
    Ticket,
    appointment_code_new,
)
from .workflow import (
    ACTION_ACTORS,
    NEW,
    ActorKind,
    TicketAction,
    Transition,
    single_move,
    transition_find,
)
from .writelock import sqlite_writer_turn

logger = logging.getLogger(__name__)

S = Ticket.Status
MAX_MATTER = 300


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


def _priority_class(priority: str, appointment: Appointment | None) -> int:
    return 0 if (priority != Ticket.Priority.NONE or appointment is not None) else 1


# Transitions --------------------------------------------------------------


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


# Issue --------------------------------------------------------------------


def _next_seq(*, category: Category, day: dt.date) -> int:
    """
    Increment and return the day's last number of ``category``.

    One statement on SQLite and PostgreSQL alike: the upsert creates the
    day's row with 1 on the first ticket, otherwise adds 1 under the row
    lock, and RETURNING hands back the new value. The row stays locked until
    the caller's transaction ends, so no two tickets get the same number
    (the unique constraint on tickets is the backstop). Raw SQL because the
    ORM has no upsert with RETURNING.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO queueing_dailysequence (category_id, service_date, last_seq)"
            " VALUES (%s, %s, 1)"
            " ON CONFLICT (category_id, service_date)"
            " DO UPDATE SET last_seq = queueing_dailysequence.last_seq + 1"
            " RETURNING last_seq",
            [category.pk, connection.ops.adapt_datefield_value(day)],
        )
        return cursor.fetchone()[0]


def ticket_issue(
    *,
    category: Category,
    channel: str,
    priority: str = Ticket.Priority.NONE,
    applicant: Any = None,
    phone: str = "",
    actor: Any = None,
    appointment: Appointment | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """
    Issue the next number of ``category`` (A001 …) during opening hours.

    Raises ``outside_opening_hours`` (409) when the hall is closed,
    ``daily_cap_reached`` (409) when the day's cap is used up.

    The checks that only read configuration run before the transaction;
    the write transaction (number, ticket, audit event) is kept short
    because SQLite lets one writer in at a time.

    中文：取号
    """
    now = now or timezone.now()
    if priority not in Ticket.Priority.values:
        raise ApplicationError("invalid_priority", "优先群体类型不正确。")
    if channel not in Ticket.Channel.values:
        raise ApplicationError("invalid_channel", "取号渠道不正确。")
    if not category.active:
        raise ApplicationError("unknown_category", "业务类别不存在或已停用。")
    if channel == Ticket.Channel.MOBILE and priority != Ticket.Priority.NONE:
        raise ApplicationError(
            "priority_needs_presence",
            "老年人、残疾人、孕妇、军人优先通道请在大厅取号机取号或请工作人员协助。",
        )
    hall = category.hall
    session = selectors.hall_session_at(hall=hall, at=now, category_id=category.pk)
    if session is None:
        upcoming = selectors.hall_next_opening(
            hall=hall,
            after=now,
            category_id=category.pk,
            walk_in=appointment is None,
        )
        hint = (
            f"下次开放：{timezone.localtime(upcoming.start):%m月%d日 %H:%M}。"
            if upcoming
            else ""
        )
        raise ApplicationError(
            "outside_opening_hours",
            f"当前不在办公时间，暂停取号。{hint}",
            status=409,
        )
    if not session.takes_tickets and appointment is None:
        raise ApplicationError(
            "appointments_only",
            f"本时段（{session.label}）仅接待预约群众，请先预约，到场后凭签到码取号。",
            status=409,
        )
    day = timezone.localdate(now, selectors.local_tz())
    with sqlite_writer_turn() as end_turn, transaction.atomic():
        # The next writer may go as soon as this commits, before the display
        # broadcast (a later on_commit hook) runs.
        transaction.on_commit(end_turn)
        return _ticket_insert(
            category=category,
            channel=channel,
            priority=priority,
            applicant=applicant,
            phone=phone,
            actor=actor,
            appointment=appointment,
            now=now,
            day=day,
        )


def _ticket_insert(
    *,
    category: Category,
    channel: str,
    priority: str,
    applicant: Any,
    phone: str,
    actor: Any,
    appointment: Appointment | None,
    now: dt.datetime,
    day: dt.date,
) -> Ticket:
    """Number and insert a validated ticket (inside the caller's transaction)."""
    if (
        applicant is not None
        and channel == Ticket.Channel.MOBILE
        and Ticket.objects.filter(
            applicant=applicant,
            category=category,
            service_date=day,
            status__in=selectors.OPEN_STATUSES,
        ).exists()
    ):
        raise ApplicationError(
            "ticket_already_open",
            "您在该业务类别已有未办结的排队号，请勿重复取号。",
            status=409,
        )
    seq = _next_seq(category=category, day=day)
    if category.daily_cap and seq > category.daily_cap and appointment is None:
        raise ApplicationError(
            "daily_cap_reached",
            f"“{category.name}”今日号源已发完（{category.daily_cap} 个），请改日办理或预约。",
            status=409,
        )
    ticket = Ticket(
        hall=category.hall,
        category=category,
        issued_category=category,
        service_date=day,
        seq=seq,
        number=f"{category.prefix}{seq:03d}",
        priority=priority,
        priority_class=_priority_class(priority, appointment),
        channel=channel,
        appointment=appointment,
        appointment_at=appointment.slot_start if appointment else None,
        applicant=applicant,
        phone=(phone or "")[:20],
        arrival_at=now,
    )
    # Every field is set above from validated values; the unique constraint
    # on (issued_category, service_date, seq) is the backstop. No full_clean()
    # here: its uniqueness queries would double the cost of the hot path.
    # row_insert writes what save(force_insert=True) writes (tickets have no
    # save signals) without compiling the 30-column INSERT each time.
    ticket_transition(
        ticket=ticket,
        action=TicketAction.ISSUE,
        actor=actor or applicant,
        write=row_insert,
        details={
            "channel": channel,
            "priority": priority,
            "phone": mask_phone(ticket.phone) if ticket.phone else "",
        },
    )
    return ticket


# Calling ------------------------------------------------------------------


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


@transaction.atomic
def ticket_recall(
    *, ticket: Ticket, actor: Any, now: dt.datetime | None = None
) -> Ticket:
    """
    Call the same ticket again; at most the policy's ``max_recalls`` times.

    中文：重呼
    """
    now = now or timezone.now()
    ticket = _lock(ticket)
    ticket_transition_check(ticket=ticket, action=TicketAction.RECALL, actor=actor)
    policy = selectors.policy_get(hall=ticket.hall)
    if ticket.recall_count >= policy.max_recalls:
        raise ApplicationError(
            "recall_limit_reached",
            f"已重呼 {ticket.recall_count} 次，请标记过号。",
            status=409,
        )
    ticket.recall_count += 1
    ticket.last_called_at = now
    ticket_transition(
        ticket=ticket,
        action=TicketAction.RECALL,
        actor=actor,
        update_fields=["recall_count", "last_called_at"],
        details={"recall_count": ticket.recall_count},
    )
    return ticket


@transaction.atomic
def ticket_mark_no_show(
    *, ticket: Ticket, actor: Any, now: dt.datetime | None = None
) -> Ticket:
    """
    Mark a called ticket as no-show (过号) after the required recalls.

    A checked-in appointment is not a booking no-show: the person came.

    中文：过号
    """
    now = now or timezone.now()
    ticket = _lock(ticket)
    ticket_transition_check(ticket=ticket, action=TicketAction.NO_SHOW, actor=actor)
    policy = selectors.policy_get(hall=ticket.hall)
    if ticket.recall_count < policy.max_recalls:
        raise ApplicationError(
            "recalls_required",
            f"标记过号前须重呼 {policy.max_recalls} 次（已重呼 {ticket.recall_count} 次）。",
            status=409,
        )
    ticket.finished_at = now
    ticket_transition(
        ticket=ticket,
        action=TicketAction.NO_SHOW,
        actor=actor,
        update_fields=["finished_at"],
    )
    return ticket


@transaction.atomic
def ticket_start(
    *, ticket: Ticket, actor: Any, now: dt.datetime | None = None
) -> Ticket:
    """
    Start serving a called ticket (the applicant has come to the counter).

    中文：开始办理
    """
    now = now or timezone.now()
    ticket = _lock(ticket)
    ticket_transition_check(ticket=ticket, action=TicketAction.START, actor=actor)
    ticket.served_at = now
    ticket.staff = actor if getattr(actor, "is_authenticated", False) else ticket.staff
    ticket_transition(
        ticket=ticket,
        action=TicketAction.START,
        actor=actor,
        update_fields=["served_at", "staff"],
    )
    return ticket


@transaction.atomic
def ticket_hold(
    *, ticket: Ticket, actor: Any, reason: str = "", now: dt.datetime | None = None
) -> Ticket:
    """
    Put the ticket being served on hold (e.g. the applicant fetches a paper).

    中文：暂停办理
    """
    ticket = _lock(ticket)
    ticket_transition_check(ticket=ticket, action=TicketAction.HOLD, actor=actor)
    if ticket.served_at is None:
        ticket.served_at = now or timezone.now()
    ticket_transition(
        ticket=ticket,
        action=TicketAction.HOLD,
        actor=actor,
        update_fields=["served_at"],
        reason=reason[:500],
    )
    return ticket


@transaction.atomic
def ticket_resume(
    *, ticket: Ticket, actor: Any, now: dt.datetime | None = None
) -> Ticket:
    """
    Resume a held ticket at its counter (the counter must be free).

    中文：恢复办理
    """
    ticket = _lock(ticket)
    ticket_transition_check(ticket=ticket, action=TicketAction.RESUME, actor=actor)
    if (
        ticket.counter_id is not None
        and Ticket.objects.filter(
            counter_id=ticket.counter_id,
            status__in=[S.CALLED, S.SERVING],
            service_date=ticket.service_date,
        )
        .exclude(pk=ticket.pk)
        .exists()
    ):
        raise ApplicationError(
            "counter_busy", "窗口正在办理其他号，请先办结或暂停。", status=409
        )
    ticket.last_called_at = now or timezone.now()
    ticket_transition(
        ticket=ticket,
        action=TicketAction.RESUME,
        actor=actor,
        update_fields=["last_called_at"],
    )
    return ticket


@transaction.atomic
def ticket_transfer(
    *,
    ticket: Ticket,
    actor: Any,
    category: Category | None = None,
    counter: Counter | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """
    Send a ticket to another category or counter; it waits again.

    The number and the original arrival time are kept, so the applicant does
    not go to the back of the queue.

    中文：转移
    """
    ticket = _lock(ticket)
    ticket_transition_check(ticket=ticket, action=TicketAction.TRANSFER, actor=actor)
    if category is None and counter is None:
        raise ApplicationError(
            "transfer_target_missing", "请选择要转到的业务类别或窗口。"
        )
    if category is not None and (
        not category.active or category.hall_id != ticket.hall_id
    ):
        raise ApplicationError("unknown_category", "目标业务类别不存在或不在本大厅。")
    if counter is not None and (
        not counter.is_active or counter.hall_id != ticket.hall_id
    ):
        raise ApplicationError("unknown_counter", "目标窗口不存在或不在本大厅。")
    if (
        category is not None
        and counter is not None
        and not CounterCategory.objects.filter(
            counter=counter, category=category
        ).exists()
    ):
        raise ApplicationError(
            "counter_category_mismatch", "目标窗口不办理该业务类别。"
        )
    # Without a category the ticket keeps its own, reserved for the counter.
    category = category or ticket.category
    from_label = {
        "category": ticket.category.code,
        "counter": ticket.counter.number if ticket.counter else "",
    }
    ticket.category = category
    ticket.target_counter = counter
    ticket.counter = None
    ticket.staff = None
    ticket.served_at = None
    ticket.recall_count = 0
    ticket.transfer_count += 1
    ticket_transition(
        ticket=ticket,
        action=TicketAction.TRANSFER,
        actor=actor,
        update_fields=[
            "category",
            "target_counter",
            "counter",
            "staff",
            "served_at",
            "recall_count",
            "transfer_count",
        ],
        reason=reason[:500],
        details={
            "from_": from_label,
            "to": {
                "category": category.code,
                "counter": counter.number if counter else "",
            },
        },
    )
    return ticket


@transaction.atomic
def ticket_finish(
    *,
    ticket: Ticket,
    actor: Any,
    matter: str = "",
    service_item: ServiceItem | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """
    Finish a ticket and record the matter handled.

    中文：办结
    """
    now = now or timezone.now()
    ticket = _lock(ticket)
    ticket_transition_check(ticket=ticket, action=TicketAction.FINISH, actor=actor)
    matter = (matter or "").strip()
    if not matter and service_item is None:
        raise ApplicationError("matter_required", "请填写本次办理的事项。")
    if len(matter) > MAX_MATTER:
        raise ApplicationError("matter_too_long", f"办理事项不能超过 {MAX_MATTER} 字。")
    ticket.served_at = ticket.served_at or ticket.last_called_at or now
    ticket.finished_at = now
    ticket.matter = matter or (service_item.name[:MAX_MATTER] if service_item else "")
    ticket.service_item = service_item
    if getattr(actor, "is_authenticated", False):
        ticket.staff = actor
    ticket_transition(
        ticket=ticket,
        action=TicketAction.FINISH,
        actor=actor,
        update_fields=["served_at", "finished_at", "matter", "service_item", "staff"],
        details={
            "matter": ticket.matter,
            "service_item": service_item.item_code if service_item else "",
        },
    )
    return ticket


@transaction.atomic
def ticket_cancel(
    *, ticket: Ticket, actor: Any, reason: str = "", now: dt.datetime | None = None
) -> Ticket:
    """
    Cancel a waiting ticket (the applicant leaves); counts as abandoned.

    中文：取消排队
    """
    ticket = _lock(ticket)
    ticket_transition_check(ticket=ticket, action=TicketAction.CANCEL, actor=actor)
    ticket.finished_at = now or timezone.now()
    ticket_transition(
        ticket=ticket,
        action=TicketAction.CANCEL,
        actor=actor,
        update_fields=["finished_at"],
        reason=reason[:500],
    )
    return ticket


@transaction.atomic
def ticket_link_case(*, ticket: Ticket, case_id: int, actor: Any) -> Ticket:
    """
    Link a ticket to the case (办件) opened from it.

    中文：关联办件
    """
    ticket = _lock(ticket)
    if ticket.case_id and ticket.case_id != case_id:
        raise ApplicationError(
            "ticket_already_linked", "该排队号已关联其他办件。", status=409
        )
    ticket.case_id = int(case_id)
    ticket.save(update_fields=["case_id", "updated_at"])
    audit_record(
        action="ticket_link_case",
        obj=ticket,
        actor=actor,
        details={"number": ticket.number, "case_id": ticket.case_id},
    )
    return ticket


def ticket_expire_day(*, day: dt.date, actor: Any = None) -> int:
    """
    Cancel tickets of a past day that were never called (abandoned).

    中文：清理过期排队号
    """
    count = 0
    for ticket in Ticket.objects.filter(service_date__lt=day, status=S.WAITING):
        with transaction.atomic():
            ticket_cancel(ticket=ticket, actor=actor, reason="当日未叫号，自动作废")
        count += 1
    return count


# Appointments -------------------------------------------------------------


@transaction.atomic
def appointment_book(
    *,
    applicant: Any,
    category: Category,
    slot_start: dt.datetime,
    phone: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """
    Book a slot of ``category`` for ``applicant``.

    Refused for accounts that are not applicants
    (``permissions.check_book_appointment``), past or unknown slots, full
    slots, a second booking the same day in the same category, and while the
    no-show policy blocks the user.

    中文：预约
    """
    permissions.check_book_appointment(user=applicant)
    now = now or timezone.now()
    if not category.active:
        raise ApplicationError("unknown_category", "业务类别不存在或已停用。")
    if timezone.is_naive(slot_start):
        slot_start = timezone.make_aware(slot_start, selectors.local_tz())
    day = timezone.localtime(slot_start, selectors.local_tz()).date()
    policy = selectors.policy_get(hall=category.hall)
    today = timezone.localdate(now, selectors.local_tz())
    if day > today + dt.timedelta(days=policy.booking_horizon_days):
        raise ApplicationError(
            "booking_too_far",
            f"只能预约 {policy.booking_horizon_days} 天内的时段。",
        )
    blocked_until = selectors.appointment_block_until(
        user=applicant, hall=category.hall, now=now
    )
    if blocked_until is not None:
        raise ApplicationError(
            "booking_blocked",
            f"您近期爽约 {policy.no_show_limit} 次及以上，"
            f"{timezone.localtime(blocked_until):%Y年%m月%d日}前不能预约，可到现场取号办理。",
            status=409,
        )
    # Lock the category so two bookings cannot overfill one slot.
    Category.objects.select_for_update().filter(pk=category.pk).first()
    slots = selectors.appointment_slots(category=category, day=day, now=now)
    slot = next((s for s in slots if s["start"] == slot_start), None)
    if slot is None:
        raise ApplicationError("invalid_slot", "该时段不可预约（非办公时间或节假日）。")
    if slot["start"] <= now:
        raise ApplicationError("slot_in_past", "该时段已过，请选择其他时段。")
    if slot["available"] <= 0:
        raise ApplicationError(
            "slot_full", "该时段已约满，请选择其他时段。", status=409
        )
    if Appointment.objects.filter(
        applicant=applicant,
        category=category,
        date=day,
        status=Appointment.Status.BOOKED,
    ).exists():
        raise ApplicationError(
            "already_booked", "您当天在该业务类别已有预约。", status=409
        )
    appointment = Appointment(
        category=category,
        date=day,
        slot_start=slot["start"],
        slot_end=slot["end"],
        applicant=applicant,
        phone=(phone or getattr(applicant, "phone", "") or "")[:20],
    )
    while Appointment.objects.filter(code=appointment.code).exists():
        appointment.code = appointment_code_new()
    appointment.full_clean()
    appointment.save()
    audit_record(
        action="appointment_book",
        obj=appointment,
        actor=applicant,
        to_state=appointment.status,
        details={"category": category.code, "slot": slot["start"].isoformat()},
    )
    return appointment


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, actor: Any, now: dt.datetime | None = None
) -> Appointment:
    """
    Cancel a booked appointment before its slot starts.

    中文：取消预约
    """
    now = now or timezone.now()
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Appointment.Status.BOOKED:
        raise ApplicationError(
            "invalid_appointment_state",
            f"预约当前状态为“{appointment.get_status_display()}”，不能取消。",
            status=409,
        )
    if appointment.slot_start <= now:
        raise ApplicationError(
            "appointment_started", "预约时段已开始，不能取消。", status=409
        )
    appointment.status = Appointment.Status.CANCELLED
    appointment.save(update_fields=["status", "updated_at"])
    audit_record(
        action="appointment_cancel",
        obj=appointment,
        actor=actor,
        from_state=Appointment.Status.BOOKED,
        to_state=appointment.status,
    )
    return appointment


CHECK_IN_EARLY = dt.timedelta(minutes=60)
CHECK_IN_LATE = dt.timedelta(minutes=30)


@transaction.atomic
def appointment_check_in(
    *, code: str, actor: Any = None, now: dt.datetime | None = None
) -> Ticket:
    """
    Check in with an appointment code and issue a priority ticket.

    Allowed from 60 minutes before the slot until 30 minutes after its start.

    中文：预约签到
    """
    now = now or timezone.now()
    code = str(code or "").strip()
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("category", "category__hall")
        .filter(code=code[:8])
        .first()
    )
    if not code.isdigit() or appointment is None:
        raise ApplicationError("unknown_appointment", "预约签到码不正确。")
    if appointment.status != Appointment.Status.BOOKED:
        raise ApplicationError(
            "invalid_appointment_state",
            f"该预约当前状态为“{appointment.get_status_display()}”，不能签到。",
            status=409,
        )
    if now < appointment.slot_start - CHECK_IN_EARLY:
        raise ApplicationError(
            "check_in_too_early",
            f"请于 {timezone.localtime(appointment.slot_start - CHECK_IN_EARLY):%m月%d日 %H:%M} 后签到。",
            status=409,
        )
    if now > appointment.slot_start + CHECK_IN_LATE:
        raise ApplicationError(
            "check_in_too_late", "已超过预约时段，请现场取普通号。", status=409
        )
    ticket = ticket_issue(
        category=appointment.category,
        channel=Ticket.Channel.APPOINTMENT,
        applicant=appointment.applicant,
        phone=appointment.phone,
        actor=actor or appointment.applicant,
        appointment=appointment,
        now=now,
    )
    appointment.status = Appointment.Status.CHECKED_IN
    appointment.checked_in_at = now
    appointment.save(update_fields=["status", "checked_in_at", "updated_at"])
    audit_record(
        action="appointment_check_in",
        obj=appointment,
        actor=actor or appointment.applicant,
        from_state=Appointment.Status.BOOKED,
        to_state=appointment.status,
        details={"ticket": ticket.number},
    )
    return ticket


def appointment_mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """
    Mark booked appointments whose check-in window has passed as no-shows.

    中文：标记预约爽约
    """
    now = now or timezone.now()
    count = 0
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED, slot_start__lt=now - CHECK_IN_LATE
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            appointment = Appointment.objects.select_for_update().get(pk=pk)
            if appointment.status != Appointment.Status.BOOKED:
                continue
            appointment.status = Appointment.Status.NO_SHOW
            appointment.save(update_fields=["status", "updated_at"])
            audit_record(
                action="appointment_no_show",
                obj=appointment,
                actor="系统",
                from_state=Appointment.Status.BOOKED,
                to_state=appointment.status,
            )
            count += 1
    return count


def appointment_send_reminders(*, now: dt.datetime | None = None) -> int:
    """
    Send an SMS the day before each booked appointment, once.

    中文：预约提醒
    """
    from zhengtong.core.sms import sms_send

    now = now or timezone.now()
    tomorrow = timezone.localdate(now, selectors.local_tz()) + dt.timedelta(days=1)
    sent = 0
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED, date=tomorrow, reminded_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            appointment = (
                Appointment.objects.select_for_update()
                .select_related("category", "category__hall", "applicant")
                .get(pk=pk)
            )
            if appointment.reminded_at is not None:
                continue
            phone = appointment.phone or appointment.applicant.phone
            if phone:
                local = timezone.localtime(appointment.slot_start)
                sms_send(
                    phone,
                    f"【{appointment.category.hall.name}】您已预约明天 {local:%H:%M} 的"
                    f"“{appointment.category.name}”业务，签到码 {appointment.code}，"
                    "请提前到大厅取号机签到。",
                )
            appointment.reminded_at = now
            appointment.save(update_fields=["reminded_at", "updated_at"])
            audit_record(
                action="appointment_remind",
                obj=appointment,
                actor="系统",
                details={"phone": mask_phone(phone) if phone else ""},
            )
            sent += 1
    return sent
