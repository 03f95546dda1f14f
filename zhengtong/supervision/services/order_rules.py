"""
Shared rules of supervision orders (督办单): policy, deadline, numbering, checks.

中文：督办单通用规则
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from zhengtong.accounts.constants import Role
from zhengtong.cases import clock as case_clock
from zhengtong.cases.models import Case
from zhengtong.cases.numbering import sequence_next
from zhengtong.catalog.models import Department
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.workdays.calc import WorkCalendar

from ..constants import ErrorCode, OrderState
from ..models import SupervisionOrder, SupervisionPolicy
from .alerts import people_with_role

MAX_REPLY_DAYS = 60
MAX_LEVEL = 3
WAITING = (OrderState.OPEN, OrderState.RETURNED)


def policy_for(region_code: str | None) -> SupervisionPolicy:
    """
    Return the region's policy, else the default one (empty region code).

    中文：适用的监察规则
    """
    codes = {region_code or "", ""}
    policy = (
        SupervisionPolicy.objects.filter(region_code__in=codes)
        .order_by("-region_code")
        .first()
    )
    return policy or SupervisionPolicy(region_code="")


def today_of(now: datetime | None) -> tuple[datetime, date]:
    now = now or timezone.now()
    return now, timezone.localdate(now)


def work_calendar() -> WorkCalendar:
    """Return the working-day calendar (zhengtong.workdays)."""
    from zhengtong.workdays.services import calendar_get

    return calendar_get()


def invalid(message: str) -> ApplicationError:
    return ApplicationError(ErrorCode.INVALID_INPUT, message, status=400)


def state_error(order: SupervisionOrder, what: str) -> ApplicationError:
    return ApplicationError(
        ErrorCode.INVALID_STATE,
        f"督办单{order.number}当前为“{order.get_state_display()}”，不能{what}。",
        status=409,
    )


def text_required(value: str | None, label: str, *, limit: int = 4000) -> str:
    value = (value or "").strip()
    if not value:
        raise invalid(f"请填写{label}。")
    if len(value) > limit:
        raise invalid(f"{label}不能超过{limit}字。")
    return value


def days_checked(value: int | None, default: int) -> int:
    days = default if value is None else value
    if isinstance(days, bool) or not isinstance(days, int):
        raise invalid("回复时限须为整数（工作日）。")
    if not 1 <= days <= MAX_REPLY_DAYS:
        raise invalid(f"回复时限须在 1 至 {MAX_REPLY_DAYS} 个工作日之间。")
    return days


def order_number(*, year: int, draft: bool = False) -> str:
    """Return the next order number: 督〔2026〕0001号 (a draft: 督拟〔2026〕0001号)."""
    word = "督拟" if draft else "督"
    seq = sequence_next(
        scope=f"supervision_order{'_draft' if draft else ''}", year=year
    )
    return f"{word}〔{year}〕{seq:04d}号"


def due_from(today: date, days: int) -> tuple[date, bool]:
    cal = work_calendar()
    due = case_clock.add_days(cal, today, days)
    return due, cal.is_provisional(due)


def order_region(order: SupervisionOrder) -> str:
    """Return the region code of the order (its case's, else its department's)."""
    if order.case_id:
        code = (
            Case.objects.filter(pk=order.case_id)
            .values_list("region_code", flat=True)
            .first()
        )
        if code:
            return code
    region = (
        Department.objects.filter(pk=order.department_id)
        .values_list("region__code", flat=True)
        .first()
    )
    return region or ""


def row_of(model: Any, value: Any, label: str) -> Any:
    """Return ``value`` as a row of ``model`` (the sweep passes ids)."""
    if value is None or isinstance(value, model):
        return value
    found = model.objects.filter(pk=value).first()
    if found is None:
        raise invalid(f"{label}不存在。")
    return found


def addressees(order: SupervisionOrder) -> list[int]:
    """Return the ids of who answers for ``order``: its person and department heads."""
    heads = people_with_role(Role.DEPARTMENT_HEAD, department_id=order.department_id)
    return [order.person_id, *heads] if order.person_id else heads


def order_audit(order: SupervisionOrder, action: str, actor: Any, **kw: Any) -> None:
    audit_record(action=action, obj=order, actor=actor or "系统", **kw)
