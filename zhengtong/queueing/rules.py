"""
Writes of weekend and extended-hours service rules and their dated skips.

Every change is validated (Chinese messages) and audited on the rule's own
chain; the configuration cache follows through the model signals. What a
rule opens on a date is read in ``opening.hall_service_day()``.

中文：延时/周末服务规则管理
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .models import WEEKDAY_SHORT, OpeningHours, ServiceRule, ServiceRuleSkip

Days = ServiceRule.Days
WORKING_WEEKDAYS = frozenset(range(5))

# Codes whose check the model's constraints make as well (forms show theirs).
ORDER_CODES = frozenset({"invalid_time_range", "invalid_date_range"})


def _period(rule: ServiceRule) -> str:
    until = f"{rule.valid_until:%Y-%m-%d}" if rule.valid_until else "长期"
    return f"{rule.valid_from:%Y-%m-%d} 至 {until}"


def _rule_weekdays(rule: ServiceRule) -> frozenset[int]:
    """Weekdays on which ``rule`` can open on an ordinary week."""
    if rule.days == Days.WORKING_DAYS:
        return WORKING_WEEKDAYS
    return frozenset(rule.weekday_set)


def _days_meet(a: ServiceRule, b: ServiceRule) -> bool:
    if a.days == Days.WORKING_DAYS and b.days == Days.WORKING_DAYS:
        return True  # 调休 weekend days too
    return bool(_rule_weekdays(a) & _rule_weekdays(b))


def _periods_meet(a: ServiceRule, b: ServiceRule) -> bool:
    a_end = a.valid_until or dt.date.max
    b_end = b.valid_until or dt.date.max
    return a.valid_from <= b_end and b.valid_from <= a_end


def _scopes_meet(a: ServiceRule, b: ServiceRule) -> bool:
    return (
        a.category_id is None or b.category_id is None or a.category_id == b.category_id
    )


def _hours_overlap(rule: ServiceRule) -> str:
    """Return the ordinary session ``rule`` overlaps on a working day, or ""."""
    weekdays = _rule_weekdays(rule) & WORKING_WEEKDAYS
    if not weekdays:
        return ""
    configured = {
        h.weekday: h for h in OpeningHours.objects.filter(hall_id=rule.hall_id)
    }
    for weekday in sorted(weekdays):
        hours = configured.get(weekday)
        if hours is None and configured:
            continue  # closed on that weekday
        if hours is None:
            spans = [
                ("上午", dt.time(9), dt.time(12)),
                ("下午", dt.time(14), dt.time(17)),
            ]
        else:
            spans = [
                ("上午", hours.morning_start, hours.morning_end),
                ("下午", hours.afternoon_start, hours.afternoon_end),
            ]
        for label, start, end in spans:
            if start and end and rule.start < end and start < rule.end:
                return f"{WEEKDAY_SHORT[weekday]}{label} {start:%H:%M}–{end:%H:%M}"
    return ""


def service_rule_validate(*, rule: ServiceRule) -> None:
    """
    Raise ``ApplicationError`` with a Chinese message when ``rule`` is
    inconsistent: end before start, validity ending before it begins, no
    weekday, holidays on a working-day rule, a category of another hall, an
    overlap with another rule of the hall (same days, validity and time, and
    the same or all categories), or an overlap with the ordinary hours.

    中文：校验服务规则
    """
    if rule.start is None or rule.end is None or rule.end <= rule.start:
        raise ApplicationError("invalid_time_range", "结束时间须晚于开始时间。")
    if rule.valid_until is not None and rule.valid_until < rule.valid_from:
        raise ApplicationError("invalid_date_range", "截止日期不能早于生效日期。")
    if rule.days == Days.WEEKDAYS and not rule.weekday_set:
        raise ApplicationError("no_weekdays", "按星期的规则请至少选择一个星期。")
    if rule.days == Days.WORKING_DAYS and rule.on_holidays:
        raise ApplicationError(
            "holidays_not_working_days",
            "“每个工作日”的规则不会在法定节假日开放；需要节假日服务，"
            "请改为按星期并勾选“法定节假日照常”。",
        )
    if rule.category_id is not None and rule.category.hall_id != rule.hall_id:
        raise ApplicationError("category_other_hall", "所选业务类别不属于该大厅。")
    others = ServiceRule.objects.filter(hall_id=rule.hall_id).exclude(pk=rule.pk)
    for other in others.order_by("valid_from", "start", "pk"):
        if (
            _scopes_meet(rule, other)
            and _periods_meet(rule, other)
            and _days_meet(rule, other)
            and rule.start < other.end
            and other.start < rule.end
        ):
            raise ApplicationError(
                "service_rule_overlap",
                f"与规则“{other.name}”（{other.days_display} "
                f"{other.start:%H:%M}–{other.end:%H:%M}，{_period(other)}）时间重叠，"
                "请调整星期、时间或有效期。",
                status=409,
            )
    overlap = _hours_overlap(rule)
    if overlap:
        raise ApplicationError(
            "service_rule_overlaps_hours",
            f"与大厅办公时间（{overlap}）重叠；延时/周末服务应安排在办公时间以外。",
            status=409,
        )


def _snapshot(rule: ServiceRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "category": rule.category_id,
        "days": rule.days,
        "weekdays": rule.weekdays,
        "start": f"{rule.start:%H:%M}",
        "end": f"{rule.end:%H:%M}",
        "valid_from": rule.valid_from.isoformat(),
        "valid_until": rule.valid_until.isoformat() if rule.valid_until else None,
        "mode": rule.mode,
        "on_holidays": rule.on_holidays,
    }


def _full_clean(obj: ServiceRule | ServiceRuleSkip) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ApplicationError("invalid_input", "；".join(exc.messages)) from None


@transaction.atomic
def service_rule_save(*, rule: ServiceRule, actor: Any) -> ServiceRule:
    """
    Create or change a weekend / extended-hours service rule.

    中文：保存延时/周末服务规则
    """
    if rule.days == Days.WORKING_DAYS:
        rule.weekdays = ""
    else:
        rule.weekdays = ",".join(str(d) for d in rule.weekday_set)
    service_rule_validate(rule=rule)
    _full_clean(rule)
    before = None
    if rule.pk is not None:
        old = ServiceRule.objects.filter(pk=rule.pk).first()
        before = _snapshot(old) if old is not None else None
    rule.save()
    audit_record(
        action="service_rule_update" if before else "service_rule_create",
        obj=rule,
        actor=actor,
        details={"hall": rule.hall_id, "rule": _snapshot(rule), "before": before},
    )
    return rule


@transaction.atomic
def service_rule_delete(*, rule: ServiceRule, actor: Any) -> None:
    """
    Delete a service rule and its skips.

    中文：删除延时/周末服务规则
    """
    audit_record(
        action="service_rule_delete",
        obj=rule,
        actor=actor,
        details={"hall": rule.hall_id, "rule": _snapshot(rule)},
    )
    rule.delete()


def service_rule_skip_validate(*, rule: ServiceRule, day: dt.date) -> None:
    """
    Raise ``ApplicationError`` when ``day`` cannot be a skip of ``rule``:
    outside its validity, or a weekday the rule does not open anyway.

    中文：校验例外日期
    """
    if rule.valid_from and not rule.valid_on(day):
        raise ApplicationError(
            "skip_outside_validity",
            f"{day:%Y-%m-%d} 不在规则有效期（{_period(rule)}）内。",
        )
    if rule.days == Days.WEEKDAYS and day.weekday() not in rule.weekday_set:
        raise ApplicationError(
            "skip_not_rule_day",
            f"{day:%Y-%m-%d} 是{WEEKDAY_SHORT[day.weekday()]}，该规则本来就不在这天开放。",
        )


@transaction.atomic
def service_rule_skip_save(*, skip: ServiceRuleSkip, actor: Any) -> ServiceRuleSkip:
    """
    Cancel a rule on one date ("this Saturday not"), or change that entry.

    中文：设置例外日期
    """
    service_rule_skip_validate(rule=skip.rule, day=skip.date)
    _full_clean(skip)
    old = ServiceRuleSkip.objects.filter(pk=skip.pk).first() if skip.pk else None
    skip.save()
    audit_record(
        action="service_rule_skip_update" if old else "service_rule_skip_add",
        obj=skip.rule,
        actor=actor,
        details={
            "date": skip.date.isoformat(),
            "note": skip.note,
            "before": old.date.isoformat() if old else None,
        },
    )
    return skip


@transaction.atomic
def service_rule_skip_remove(*, skip: ServiceRuleSkip, actor: Any) -> None:
    """
    Remove a skip: the rule opens on that date again.

    中文：取消例外日期
    """
    audit_record(
        action="service_rule_skip_remove",
        obj=skip.rule,
        actor=actor,
        details={"date": skip.date.isoformat(), "note": skip.note},
    )
    skip.delete()
