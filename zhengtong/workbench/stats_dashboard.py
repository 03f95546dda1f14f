"""
What the statistics page and the leader's screen show (效能统计看板、大屏).

The filters (period, department, counter, item, channel) are read here;
every number comes from the stats selectors (``case_figures``,
``ticket_figures``, ``waiting_by_hour``) and supervision's lamp counts,
each asked with the user, so a department head gets their own department
only.  Each chart is built from the same rows as the table shown under it
and the Excel sheet exported from it (``TABLES``: one column list per
table).

中文：效能统计看板数据
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from zhengtong.cases.constants import Channel
from zhengtong.catalog.models import Counter, Department, ServiceItem
from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id
from zhengtong.stats import figures
from zhengtong.stats.permissions import stats_scope
from zhengtong.stats.selectors import case_figures, ticket_figures, waiting_by_hour
from zhengtong.supervision import permissions as supervision_permissions
from zhengtong.supervision.selectors import (
    ClockFilters,
    clock_counts_by_department,
    lamp_totals,
)

from .supervision_exports import Column

PERIODS = {
    "day": "日",
    "week": "周",
    "month": "月",
    "quarter": "季度",
    "year": "年",
    "custom": "自定义",
}
TREND_DAYS = 62  # a longer period's trend is drawn per month


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _num(value: Any) -> Any:
    return "—" if value is None else value


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters, parsed (None: not filtered)."""

    period: str
    anchor: date
    date_from: date
    date_to: date
    department_id: int | None = None
    counter_id: int | None = None
    item_id: int | None = None
    channel: str | None = None

    @property
    def label(self) -> str:
        if self.date_from == self.date_to:
            return f"{self.date_from:%Y-%m-%d}"
        return f"{self.date_from:%Y-%m-%d} 至 {self.date_to:%Y-%m-%d}"

    def selector_args(self) -> dict[str, Any]:
        return {
            "date_from": self.date_from,
            "date_to": self.date_to,
            "department_id": self.department_id,
            "counter_id": self.counter_id,
            "item_id": self.item_id,
            "channel": self.channel,
        }

    def query(self) -> dict[str, str]:
        params = {"period": self.period, "date": self.anchor.isoformat()}
        if self.period == "custom":
            params |= {
                "from": self.date_from.isoformat(),
                "to": self.date_to.isoformat(),
            }
        for name in ("department_id", "counter_id", "item_id"):
            value = getattr(self, name)
            if value is not None:
                params[name.removesuffix("_id")] = str(value)
        if self.channel:
            params["channel"] = self.channel
        return params


def _date(text: str | None, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ApplicationError(
            "invalid_input", f"{label}格式应为 YYYY-MM-DD。"
        ) from None


def period_bounds(period: str, anchor: date) -> tuple[date, date]:
    """Return the first and last day of the period containing ``anchor``."""
    if period == "day":
        return anchor, anchor
    if period == "week":
        start = anchor - timedelta(days=anchor.weekday())
        return start, start + timedelta(days=6)
    if period == "month":
        last = calendar.monthrange(anchor.year, anchor.month)[1]
        return anchor.replace(day=1), anchor.replace(day=last)
    if period == "quarter":
        first = 3 * ((anchor.month - 1) // 3) + 1
        end_month = first + 2
        last = calendar.monthrange(anchor.year, end_month)[1]
        return date(anchor.year, first, 1), date(anchor.year, end_month, last)
    return date(anchor.year, 1, 1), date(anchor.year, 12, 31)


def filters_parse(params: Any, *, today: date) -> Filters:
    """
    Return the filters of a query string (bad input: 400 in Chinese).

    中文：看板筛选条件
    """
    period = (params.get("period") or "month").strip()
    if period not in PERIODS:
        raise ApplicationError("invalid_input", "统计周期无效。")
    anchor = _date(params.get("date"), "日期") or today
    if period == "custom":
        date_from = _date(params.get("from"), "开始日期") or today.replace(day=1)
        date_to = _date(params.get("to"), "结束日期") or today
    else:
        date_from, date_to = period_bounds(period, anchor)
    ids: dict[str, int | None] = {}
    for name, label in (("department", "部门"), ("counter", "窗口"), ("item", "事项")):
        raw = (params.get(name) or "").strip()
        ids[name] = int_id(raw) if raw else None
        if raw and ids[name] is None:
            raise ApplicationError("invalid_input", f"{label}编号无效。")
    channel = (params.get("channel") or "").strip() or None
    if channel is not None and channel not in Channel.values:
        raise ApplicationError("invalid_input", "申请渠道无效。")
    return Filters(
        period=period,
        anchor=anchor,
        date_from=date_from,
        date_to=date_to,
        department_id=ids["department"],
        counter_id=ids["counter"],
        item_id=ids["item"],
        channel=channel,
    )


def filter_choices(*, user: Any) -> dict[str, list[tuple[Any, str]]]:
    """Return the departments, counters, items and channels ``user`` may pick."""
    scope = stats_scope(user)
    departments = Department.objects.all()
    counters = Counter.objects.filter(is_active=True)
    items = ServiceItem.objects.all()
    if scope is not None:
        departments = departments.filter(pk=scope)
        counters = counters.filter(departments=scope)
        items = items.filter(department_id=scope)
    return {
        "departments": list(departments.order_by("name").values_list("pk", "name")),
        "counters": [
            (pk, f"{number} 号窗口")
            for pk, number in counters.order_by("number")
            .values_list("pk", "number")
            .distinct()
        ],
        "items": list(items.order_by("name").values_list("pk", "name")[:500]),
        "channels": list(Channel.choices),
    }


CASE_COLUMNS = [
    Column("分组", lambda r: r["label"], 22),
    Column("收件", lambda r: r["received"], 8),
    Column("受理", lambda r: r["accepted"], 8),
    Column("办结", lambda r: r["concluded"], 8),
    Column("按时办结", lambda r: r["on_time"], 10),
    Column("提前办结", lambda r: r["early"], 10),
    Column("超期办结", lambda r: r["overdue"], 10),
    Column("按时办结率", lambda r: _pct(r["on_time_rate"]), 12),
    Column("提前办结率", lambda r: _pct(r["early_rate"]), 12),
    Column("办结率", lambda r: _pct(r["completion_rate"]), 10),
    Column("平均办理工作日", lambda r: _num(r["avg_working_days"]), 14),
    Column("网办率", lambda r: _pct(r["online_share"]), 10),
]
LAMP_COLUMNS = [
    Column("部门", lambda r: r["name"], 24),
    Column("红灯", lambda r: r["red"], 8),
    Column("黄灯", lambda r: r["yellow"], 8),
    Column("绿灯", lambda r: r["green"], 8),
    Column("合计", lambda r: r["total"], 8),
]
WAIT_COLUMNS = [
    Column("时段", lambda r: r["label"], 10),
    Column("取号", lambda r: r["issued"], 8),
    Column("办理", lambda r: r["served"], 8),
    Column("过号", lambda r: r["no_show"], 8),
    Column("平均等候（分钟）", lambda r: _num(r["avg_wait_minutes"]), 16),
    Column("90%等候（分钟）", lambda r: _num(r["p90_wait_minutes"]), 16),
    Column("平均办理（分钟）", lambda r: _num(r["avg_service_minutes"]), 16),
]
TABLES = {
    # key: (title, columns)
    "trend": ("办件趋势", CASE_COLUMNS),
    "departments": ("各部门办件情况", CASE_COLUMNS),
    "lamps": ("在办时限亮灯分布", LAMP_COLUMNS),
    "waiting": ("分时段等候情况", WAIT_COLUMNS),
}


def lamp_rows(*, user: Any, department_id: int | None) -> list[dict[str, Any]] | None:
    """
    Return the open clocks by lamp per department (None: not for ``user``:
    the lamps are the supervision desk's, for supervisors and heads).
    """
    if not supervision_permissions.can_view_desk(user):
        return None
    filters = ClockFilters(department=department_id)
    return clock_counts_by_department(user=user, filters=filters)


def _every_day(
    rows: list[dict[str, Any]], filters: Filters, group: str
) -> list[dict[str, Any]]:
    """Return the trend rows with the period's days without cases as zeros."""
    rows.sort(key=lambda r: str(r["key"]))
    if group != "day":
        return rows
    by_day = {str(r["key"]): r for r in rows}
    empty = figures.case_row(dict.fromkeys(figures.CASE_MEASURES, 0))
    out = []
    day = filters.date_from
    while day <= filters.date_to:
        key = day.isoformat()
        out.append(by_day.get(key) or {"key": key, "label": key, **empty})
        day += timedelta(days=1)
    return out


def dashboard_tables(*, user: Any, filters: Filters) -> dict[str, Any]:
    """
    Return the rows of every table of the page (the charts draw the same).

    中文：看板数据
    """
    args = filters.selector_args()
    days = (filters.date_to - filters.date_from).days + 1
    trend_group = "day" if days <= TREND_DAYS else "month"
    trend = _every_day(
        case_figures(group=trend_group, user=user, **args), filters, trend_group
    )
    departments = case_figures(group="department", user=user, **args)
    departments.sort(key=lambda r: (-r["received"], r["label"]))
    totals = case_figures(group="none", user=user, **args)
    waiting = waiting_by_hour(user=user, **args)
    waiting.sort(key=lambda r: r["key"] or 0)
    queue = ticket_figures(group="none", user=user, **args)
    lamps = lamp_rows(user=user, department_id=filters.department_id)
    return {
        "trend": trend,
        "trend_group": trend_group,
        "departments": departments,
        "lamps": lamps,
        "lamp_totals": lamp_totals(lamps) if lamps else None,
        "waiting": waiting,
        "totals": totals[0] if totals else None,
        "queue": queue[0] if queue else None,
    }


def chart_data(tables: dict[str, Any]) -> dict[str, Any]:
    """Return what the charts draw (static/stats/charts.js), from the tables."""
    trend = tables["trend"]
    departments = tables["departments"][:15]
    lamps = tables["lamps"] or []
    return {
        "trend": {
            "labels": [r["label"] for r in trend],
            "received": [r["received"] for r in trend],
            "concluded": [r["concluded"] for r in trend],
            "on_time_rate": [
                None if r["on_time_rate"] is None else round(r["on_time_rate"] * 100, 1)
                for r in trend
            ],
        },
        "departments": {
            "labels": [r["label"] for r in departments],
            "received": [r["received"] for r in departments],
            "concluded": [r["concluded"] for r in departments],
            "overdue": [r["overdue"] for r in departments],
        },
        "lamps": {
            "labels": [r["name"] for r in lamps[:15]],
            "red": [r["red"] for r in lamps[:15]],
            "yellow": [r["yellow"] for r in lamps[:15]],
            "green": [r["green"] for r in lamps[:15]],
        }
        if tables["lamps"] is not None
        else None,
        "waiting": {
            "labels": [r["label"] for r in tables["waiting"]],
            "avg": [r["avg_wait_minutes"] for r in tables["waiting"]],
            "p90": [r["p90_wait_minutes"] for r in tables["waiting"]],
        },
    }
