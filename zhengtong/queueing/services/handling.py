"""
What a counter does with a called ticket: recall, no-show, start, hold,
resume, transfer, finish; cancel; the link to a case; the nightly expiry.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengtong.catalog.models import Counter, ServiceItem
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import selectors
from ..models import (
    Category,
    CounterCategory,
    Ticket,
)
from ..workflow import TicketAction
from .transition import _lock, ticket_transition, ticket_transition_check

S = Ticket.Status
MAX_MATTER = 300


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
