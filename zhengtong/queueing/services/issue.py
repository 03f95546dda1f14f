"""
Ticket issue (取号): opening checks, the day's number, the insert.
"""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from zhengtong.core.audit import audit_record
from zhengtong.core.db import row_insert
from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_phone

from .. import selectors
from ..models import (
    Appointment,
    Category,
    Ticket,
)
from ..workflow import TicketAction
from ..writelock import sqlite_writer_turn
from .transition import ticket_transition


def _priority_class(
    priority: str, appointment: Appointment | None, green_channel: bool = False
) -> int:
    """Return the call class: 0 priority groups, appointments, green channel."""
    first = priority != Ticket.Priority.NONE or appointment is not None
    return 0 if (first or green_channel) else 1


@transaction.atomic
def ticket_prioritise(
    *, ticket: Ticket, actor: Any, priority: str, green_channel: bool = True
) -> Ticket:
    """
    Put a waiting ticket in a priority group (绿色通道), called before walk-ins.

    The call class comes from the same rule as at issue; the number and the
    arrival time are kept.

    中文：绿色通道优先
    """
    if priority not in Ticket.Priority.values:
        raise ApplicationError("invalid_priority", "优先群体类型不正确。")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in (Ticket.Status.WAITING, Ticket.Status.HELD):
        raise ApplicationError(
            "ticket_not_waiting", "只有候号中的排队号可以设为优先。", status=409
        )
    if priority == Ticket.Priority.NONE:
        priority = ticket.priority
    ticket.priority = priority
    ticket.priority_class = _priority_class(
        priority, ticket.appointment, green_channel=green_channel
    )
    ticket.save(update_fields=["priority", "priority_class", "updated_at"])
    audit_record(
        action="ticket_prioritise",
        obj=ticket,
        actor=actor,
        details={"number": ticket.number, "priority": priority},
    )
    return ticket


@transaction.atomic
def ticket_priority_restore(*, ticket: Ticket, actor: Any, priority: str) -> Ticket:
    """
    Take a waiting ticket out of the green channel (a revoked 特办 mark):
    back to ``priority``, the group it had before, with the call class the
    same rule gives at issue. A ticket no longer waiting is left as it is.

    中文：撤销绿色通道优先
    """
    if priority not in Ticket.Priority.values:
        raise ApplicationError("invalid_priority", "优先群体类型不正确。")
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if ticket.status not in (Ticket.Status.WAITING, Ticket.Status.HELD):
        return ticket
    ticket.priority = priority
    ticket.priority_class = _priority_class(priority, ticket.appointment)
    ticket.save(update_fields=["priority", "priority_class", "updated_at"])
    audit_record(
        action="ticket_priority_restore",
        obj=ticket,
        actor=actor,
        details={"number": ticket.number, "priority": priority},
    )
    return ticket


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
    phone_limit = settings.QUEUE_OPEN_TICKETS_PER_PHONE
    if (
        phone
        and phone_limit
        and channel != Ticket.Channel.STAFF
        and appointment is None
        and Ticket.objects.filter(
            phone=phone, service_date=day, status__in=selectors.OPEN_STATUSES
        ).count()
        >= phone_limit
    ):
        raise ApplicationError(
            "phone_ticket_limit",
            f"该手机号今日已有 {phone_limit} 个未办结的排队号，请办结或取消后再取号。",
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
