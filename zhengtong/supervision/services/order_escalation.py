"""
Escalation of a late supervision order (督办单逾期升级): one level per step, alerted once.

中文：督办单逾期升级
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from zhengtong.accounts.constants import Role
from zhengtong.core.audit import audit_record

from ..constants import AlertLevel
from ..models import SupervisionOrder
from .alerts import alerts_send, people_with_role
from .order_rules import (
    MAX_LEVEL,
    WAITING,
    addressees,
    order_region,
    policy_for,
    today_of,
    work_calendar,
)


def escalation_level(order: SupervisionOrder, today: date, step_days: int) -> int:
    """
    Return the level ``order`` should be at on ``today`` (1 while not overdue).

    Overdue (today after its deadline) it is level 2; each further
    ``step_days`` working days overdue one more, up to 3.

    中文：应达督办级别
    """
    if order.state not in WAITING or order.due_date is None or today <= order.due_date:
        return order.level
    late = work_calendar().working_days_between(order.due_date, today)
    step = max(1, step_days)
    return min(MAX_LEVEL, 2 + max(0, late - 1) // step)


def _escalation_recipients(order: SupervisionOrder, level: int) -> list[int]:
    """Level 2: addressees and supervisors; level 3: also centre administrators."""
    ids = addressees(order) + people_with_role(Role.SUPERVISOR)
    if order.created_by_id:
        ids.append(order.created_by_id)
    if level >= MAX_LEVEL:
        ids += people_with_role(Role.CENTRE_ADMIN)
    return ids


@transaction.atomic
def order_escalate(*, order: SupervisionOrder, now: datetime | None = None) -> bool:
    """
    Raise an overdue order to the level its lateness calls for; alert once per level.

    Level 1 (as issued): the department head and the person.  Past the
    deadline: level 2, the supervisors too; ``escalate_after_red_days``
    working days later: level 3, the centre administrators too.  Safe to
    call on every sweep: nothing happens until the next level is due.
    Returns whether the level changed.

    中文：督办单逾期升级
    """
    now, today = today_of(now)
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
    policy = policy_for(order_region(order))
    level = escalation_level(order, today, policy.escalate_after_red_days)
    if level <= order.level:
        return False
    before = order.level
    order.level = level
    order.save(update_fields=["level", "updated_at"])
    audit_record(
        action="order_escalate",
        obj=order,
        actor="系统",
        from_state=order.state,
        to_state=order.state,
        reason=f"逾期未回复，升为{level}级督办",
        details={"level_from": before, "level": level, "due_date": order.due_date},
    )
    who = "中心管理员" if level >= MAX_LEVEL else "监察人员"
    alerts_send(
        recipients=_escalation_recipients(order, level),
        level=AlertLevel.ESCALATED,
        text=(
            f"督办单{order.number}已逾期未回复（截止{order.due_date:%m月%d日}），"
            f"升为{level}级督办，已报{who}。"
        ),
        day=today,
        order_id=order.pk,
    )
    return True


def orders_escalate_due(*, now: datetime | None = None) -> int:
    """
    Escalate every waiting order past its deadline (the sweep calls this).

    Orders are few (dozens open at a time), so this walks the overdue ones.

    中文：逾期督办单升级
    """
    _now, today = today_of(now)
    ids = SupervisionOrder.objects.filter(
        state__in=WAITING, due_date__lt=today, level__lt=MAX_LEVEL
    ).values_list("pk", flat=True)
    return sum(order_escalate(order=SupervisionOrder(pk=pk), now=now) for pk in ids)
