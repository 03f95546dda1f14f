"""
The filters of a statistics request (统计筛选条件), parsed once for the API
and the pages.

Period: ``from`` and ``to`` (YYYY-MM-DD, both inclusive), or ``period`` =
day | week | month | quarter | year with ``date`` (any day inside, default
today); ``period=custom`` needs ``from`` and ``to``.  Filters:
``department``, ``counter``, ``item``, ``region`` (ids), ``channel``.
Bad input raises ``ApplicationError`` (400) with a Chinese message.

中文：统计参数解析
"""

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id

PERIODS = ("day", "week", "month", "quarter", "year", "custom")
MIN_YEAR, MAX_YEAR = 2000, 2100
CHANNELS = ("online", "counter", "mobile", "kiosk", "staff", "appointment")


def _date(params: Mapping[str, Any], name: str, label: str) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        if len(raw) != 10:
            raise ValueError(raw)
        value = date.fromisoformat(raw)
    except ValueError:
        raise ApplicationError(
            "invalid_date", f"{label}格式不正确，请使用 YYYY-MM-DD。"
        ) from None
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ApplicationError(
            "invalid_date", f"{label}须在 {MIN_YEAR}–{MAX_YEAR} 年之间。"
        )
    return value


def _id(params: Mapping[str, Any], name: str, label: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    value = int_id(raw)
    if value is None:
        raise ApplicationError("invalid_input", f"{label}编号不正确。")
    return value


def period_range(period: str, anchor: date) -> tuple[date, date]:
    """
    The first and last day of the ``period`` (day, week from Monday, month,
    quarter, year) that holds ``anchor``.

    中文：统计周期
    """
    if period == "day":
        return anchor, anchor
    if period == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        start = anchor.replace(day=1)
        nxt = (start + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    if period == "quarter":
        first_month = 3 * ((anchor.month - 1) // 3) + 1
        start = anchor.replace(month=first_month, day=1)
        end_month = first_month + 2
        nxt = (start.replace(month=end_month) + timedelta(days=32)).replace(day=1)
        return start, nxt - timedelta(days=1)
    if period == "year":
        return anchor.replace(month=1, day=1), anchor.replace(month=12, day=31)
    raise ApplicationError(
        "invalid_period",
        "统计周期无效，可选：day、week、month、quarter、year、custom。",
    )


def figure_params_parse(params: Mapping[str, Any]) -> dict[str, Any]:
    """
    Parse the query parameters into the keyword arguments of
    ``selectors.case_figures`` (without ``group`` and ``user``).

    中文：解析统计参数
    """
    date_from = _date(params, "from", "开始日期")
    date_to = _date(params, "to", "结束日期")
    period = (params.get("period") or "").strip()
    if period and period != "custom":
        anchor = _date(params, "date", "日期") or timezone.localdate()
        date_from, date_to = period_range(period, anchor)
    elif date_from is None or date_to is None:
        raise ApplicationError(
            "invalid_period", "请指定统计区间：from 和 to（YYYY-MM-DD），或 period。"
        )
    channel = (params.get("channel") or "").strip() or None
    if channel is not None and channel not in CHANNELS:
        raise ApplicationError("invalid_input", "渠道无效。")
    return {
        "date_from": date_from,
        "date_to": date_to,
        "department_id": _id(params, "department", "部门"),
        "counter_id": _id(params, "counter", "窗口"),
        "item_id": _id(params, "item", "事项"),
        "region_id": _id(params, "region", "区划"),
        "channel": channel,
    }


def group_parse(params: Mapping[str, Any], default: str = "department") -> str:
    """The ``group`` parameter (checked by the selectors against their groups)."""
    return (params.get("group") or "").strip() or default
