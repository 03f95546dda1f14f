"""
Reads of the statistics: figures per group from the daily rollups.

Every figure is computed by ``figures.py`` from the summed measures of a
group; these selectors only choose the rows (period, filters, the
user's visibility) and the grouping.  A year of a county is at most
365 × (departments × counters × staff × items × channels actually used)
rollup rows, read through the ``(day, …)`` key and the
``(department_id, day)`` index (bench/bench_stats_query.py).

中文：统计查询
"""

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth, TruncWeek

from zhengtong.catalog.models import Counter, Department, Region, ServiceItem
from zhengtong.core.errors import ApplicationError
from zhengtong.feedback.selectors import rating_rollup_rows, satisfaction_rate

from . import figures
from .models_facts import CaseDaily, TicketDaily
from .permissions import stats_scope

# group name → the rollup column (or expression) it groups by
GROUPS = (
    "department",
    "item",
    "counter",
    "staff",
    "month",
    "week",
    "day",
    "channel",
    "none",
)
TICKET_GROUPS = (*GROUPS, "hour")
# the finest rollup grain a grouping needs (grain_filter); others read months
GROUP_GRAINS = {"day": "d", "week": "w"}
RATED_GROUPS = ("department", "item", "counter", "staff", "month")
MAX_DAYS = 731
OTHER_DEPARTMENT = "只能查看本部门的统计。"

_CHANNEL_LABELS = {
    "online": "网上申请",
    "counter": "窗口申请",
    "mobile": "移动端申请",
    "kiosk": "自助终端",
    "staff": "工作人员代取",
    "appointment": "预约签到",
}


def _region_department_ids(region_id: int) -> list[int]:
    """The departments of a region and of every region under it."""
    parents = dict(Region.objects.values_list("pk", "parent_id"))
    inside = set()
    for pk in parents:
        cur: int | None = pk
        while cur is not None:
            if cur == region_id:
                inside.add(pk)
                break
            cur = parents.get(cur)
    return list(
        Department.objects.filter(region_id__in=inside).values_list("pk", flat=True)
    )


def _month_end(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _weeks_and_days(a: date, b: date) -> list[Q]:
    """Week rows ("w", keyed by Monday) for the whole weeks inside a … b, day rows for the rest."""
    monday = a + timedelta(days=(7 - a.weekday()) % 7)
    sunday = b - timedelta(days=(b.weekday() + 1) % 7)
    if monday + timedelta(days=6) > sunday:
        return [Q(grain="d", day__gte=a, day__lte=b)]
    parts = [Q(grain="w", day__gte=monday, day__lte=sunday - timedelta(days=6))]
    if a < monday:
        parts.append(Q(grain="d", day__gte=a, day__lt=monday))
    if sunday < b:
        parts.append(Q(grain="d", day__gt=sunday, day__lte=b))
    return parts


def grain_filter(date_from: date, date_to: date, *, grain: str = "m") -> Q:
    """
    The rollup rows that sum to the days ``date_from`` … ``date_to``, as few
    as the grouping allows (any range is at most 24 month rows, 8 week rows
    and 24 day rows per key):

    - ``grain="m"``: month rows ("m") for the whole calendar months inside;
      in each partial month at the ends, week rows ("w", Monday) for the
      whole weeks inside it and day rows ("d") for the rest (a week never
      crosses a month there, so grouping by month stays exact);
    - ``grain="w"`` (grouping by week): week rows for the whole weeks, day
      rows for the partial weeks at the ends;
    - ``grain="d"`` (grouping by day): day rows.

    中文：汇总粒度条件
    """
    if grain == "d":
        return Q(grain="d", day__gte=date_from, day__lte=date_to)
    if grain == "w":
        parts = _weeks_and_days(date_from, date_to)
    else:
        parts = []
        first = (
            date_from
            if date_from.day == 1
            else _month_end(date_from) + timedelta(days=1)
        )
        last = date_to.replace(day=1) if date_to == _month_end(date_to) else None
        if last is None:
            last = (date_to.replace(day=1) - timedelta(days=1)).replace(day=1)
        if first <= last:
            parts.append(Q(grain="m", day__gte=first, day__lte=last))
            segments = [(date_from, first - timedelta(days=1))]
            segments.append((_month_end(last) + timedelta(days=1), date_to))
        else:  # no whole month: the range cut at the month boundaries
            segments = []
            a = date_from
            while a <= date_to:
                b = min(_month_end(a), date_to)
                segments.append((a, b))
                a = b + timedelta(days=1)
        for a, b in segments:
            if a <= b:
                parts.extend(_weeks_and_days(a, b))
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return q


def rollup_filter(
    *,
    date_from: date,
    date_to: date,
    grain: str = "m",
    user: Any = None,
    department_id: int | None = None,
    counter_id: int | None = None,
    item_id: int | None = None,
    channel: str | None = None,
    region_id: int | None = None,
) -> Q:
    """
    The rows of a rollup inside the period, the filters and ``user``'s scope.

    ``grain``: the finest grain the grouping needs ("d" by day, "w" by
    week, "m" otherwise; ``grain_filter``).  ``user=None`` is an internal
    caller (reports, disclosure): no scope.
    A department head asking for another department is refused (403).

    中文：统计范围条件
    """
    if date_from > date_to:
        raise ApplicationError("invalid_period", "开始日期不能晚于结束日期。")
    if (date_to - date_from).days >= MAX_DAYS:
        raise ApplicationError("period_too_long", f"统计区间不能超过 {MAX_DAYS} 天。")
    q = grain_filter(date_from, date_to, grain=grain)
    if user is not None:
        scope = stats_scope(user)
        if scope is not None:
            if department_id is not None and department_id != scope:
                raise ApplicationError("not_permitted", OTHER_DEPARTMENT, status=403)
            department_id = scope
    if department_id is not None:
        q &= Q(department_id=department_id)
    if counter_id is not None:
        q &= Q(counter_id=counter_id)
    if item_id is not None:
        q &= Q(item_id=item_id)
    if channel:
        q &= Q(channel=channel)
    if region_id is not None:
        q &= Q(department_id__in=_region_department_ids(region_id))
    return q


def _group_expr(group: str, allowed: Iterable[str]) -> Any:
    if group not in allowed:
        raise ApplicationError(
            "invalid_group", "分组方式无效，可选：" + "、".join(allowed) + "。"
        )
    return {
        "department": "department_id",
        "item": "item_id",
        "counter": "counter_id",
        "staff": "staff_id",
        "month": TruncMonth("day"),
        "week": TruncWeek("day"),
        "day": "day",
        "channel": "channel",
        "hour": "hour",
        "none": None,
    }[group]


def _labels(group: str, keys: list[Any]) -> dict[Any, str]:
    """Human labels of the group keys (names, numbers, months)."""
    ids = [k for k in keys if k]
    if group == "department":
        return dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group == "item":
        return dict(ServiceItem.objects.filter(pk__in=ids).values_list("pk", "name"))
    if group == "counter":
        return {
            pk: f"{number}号窗口" + (f"（{name}）" if name else "")
            for pk, number, name in Counter.objects.filter(pk__in=ids).values_list(
                "pk", "number", "name"
            )
        }
    if group == "staff":
        return {
            pk: display or username
            for pk, display, username in get_user_model()
            .objects.filter(pk__in=ids)
            .values_list("pk", "display_name", "username")
        }
    if group == "month":
        return {k: f"{k:%Y-%m}" for k in ids}
    if group in ("week", "day"):
        return {k: f"{k:%Y-%m-%d}" for k in ids}
    if group == "channel":
        return {k: _CHANNEL_LABELS.get(k, k) for k in ids}
    if group == "hour":
        return {k: f"{k:02d}:00" for k in keys}
    return {}


def _grouped(
    qs: QuerySet,
    group: str,
    allowed: Iterable[str],
    measures: Iterable[str],
    extra: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    expr = _group_expr(group, allowed)
    sums = {m: Sum(m) for m in measures}
    if expr is None and not extra:
        total = qs.aggregate(**sums)
        return [{**total, "key": None}] if total[next(iter(sums))] is not None else []
    if expr is None:
        qs = qs.values(*extra).annotate(**sums).order_by(*extra)
        return [{**row, "key": None} for row in qs]
    if isinstance(expr, str):
        expr = F(expr)
    qs = (
        qs.annotate(key=expr)
        .values("key", *extra)
        .annotate(**sums)
        .order_by("key", *extra)
    )
    return list(qs)


def _as_date(value: Any) -> Any:
    """TruncMonth/TruncWeek give datetimes on some backends: keep the date."""
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def case_figures(
    *,
    date_from: date,
    date_to: date,
    group: str,
    user: Any = None,
    department_id: int | None = None,
    counter_id: int | None = None,
    item_id: int | None = None,
    channel: str | None = None,
    region_id: int | None = None,
) -> list[dict[str, Any]]:
    """
    The case figures (办件效能指标) of the period, one row per group.

    ``group`` is one of ``GROUPS``; each row carries ``key`` (the id, month,
    day or channel), ``label`` and the figures of ``figures.case_row``.
    ``user`` applies visibility (a department head sees only their own
    department); ``user=None`` is an internal caller.

    中文：办件统计
    """
    q = rollup_filter(
        date_from=date_from,
        date_to=date_to,
        grain=GROUP_GRAINS.get(group, "m"),
        user=user,
        department_id=department_id,
        counter_id=counter_id,
        item_id=item_id,
        channel=channel,
        region_id=region_id,
    )
    rows = _grouped(CaseDaily.objects.filter(q), group, GROUPS, figures.CASE_MEASURES)
    keys = [
        _as_date(r["key"]) if group in ("month", "week") else r["key"] for r in rows
    ]
    labels = _labels(group, keys)
    scope = stats_scope(user) if user is not None else None
    # ratings are kept by department (and region through its departments):
    # a figure filtered by counter, item or channel shows no 满意率 rather
    # than the whole department's next to filtered counts
    rated = (
        {}
        if counter_id or item_id or channel
        else _satisfaction(
            group,
            date_from,
            date_to,
            scope or department_id,
            _region_department_ids(region_id) if region_id else None,
        )
    )
    out = []
    for key, row in zip(keys, rows, strict=True):
        measures = {m: row[m] or 0 for m in figures.CASE_MEASURES}
        label = (
            "合计"
            if group == "none"
            else labels.get(key, "未指定" if not key else str(key))
        )
        ratings, rate = rated.get(key, (0, None))
        out.append(
            {
                "key": _json_key(key),
                "label": label,
                **figures.case_row(measures),
                "ratings": ratings,
                "satisfaction_rate": rate,
            }
        )
    return out


def _satisfaction(
    group: str,
    date_from: date,
    date_to: date,
    department_id: int | None,
    department_ids: list[int] | None = None,
) -> dict[Any, tuple[int, float | None]]:
    """
    满意率 per group key from feedback's rating rollup (its one definition,
    ``feedback.selectors.satisfaction_rate``, a percentage; given here as a
    fraction like every rate).  Ratings are counted by whole months (the
    months the two dates fall in); groups feedback does not keep → {}.
    """
    if group not in RATED_GROUPS:
        return {}
    rows = rating_rollup_rows(
        date_from=date_from,
        date_to=date_to,
        group=group,
        department_id=department_id,
        department_ids=department_ids,
    )
    sums: dict[Any, list[int]] = {}
    for r in rows:
        key = r["month"] if group == "month" else r[f"{group}_id"]
        acc = sums.setdefault(key, [0, 0])
        acc[0] += r["ratings"]
        acc[1] += r["satisfied"]
    out: dict[Any, tuple[int, float | None]] = {}
    for key, (n, satisfied) in sums.items():
        pct = satisfaction_rate(satisfied=satisfied, ratings=n)
        out[key] = (n, None if pct is None else round(pct / 100, figures.RATE_PLACES))
    return out


def _json_key(key: Any) -> Any:
    return key.isoformat() if isinstance(key, date) else key


def ticket_figures(
    *,
    date_from: date,
    date_to: date,
    group: str,
    user: Any = None,
    department_id: int | None = None,
    counter_id: int | None = None,
    item_id: int | None = None,
    channel: str | None = None,
    region_id: int | None = None,
) -> list[dict[str, Any]]:
    """
    The queue figures (排队叫号指标) of the period, one row per group:
    ``issued, served, no_show, avg_wait_minutes, p90_wait_minutes,
    avg_service_minutes`` (definitions in figures.py).

    中文：排队统计
    """
    q = rollup_filter(
        date_from=date_from,
        date_to=date_to,
        grain=GROUP_GRAINS.get(group, "m"),
        user=user,
        department_id=department_id,
        counter_id=counter_id,
        item_id=item_id,
        channel=channel,
        region_id=region_id,
    )
    rows = _grouped(
        TicketDaily.objects.filter(q),
        group,
        TICKET_GROUPS,
        figures.TICKET_MEASURES,
        ("wait_minute",),
    )
    merged: dict[Any, dict[str, Any]] = {}
    hists: dict[Any, dict[int, int]] = {}
    for row in rows:
        key = _as_date(row["key"]) if group in ("month", "week") else row["key"]
        acc = merged.setdefault(key, dict.fromkeys(figures.TICKET_MEASURES, 0))
        for m in figures.TICKET_MEASURES:
            acc[m] += row[m] or 0
        if row["wait_n"]:
            hist = hists.setdefault(key, {})
            hist[row["wait_minute"]] = hist.get(row["wait_minute"], 0) + row["wait_n"]
    labels = _labels(group, list(merged))
    return [
        {
            "key": _json_key(key),
            "label": "合计"
            if group == "none"
            else labels.get(key, "未指定" if not key else str(key)),
            **figures.ticket_row(acc, hists.get(key, {})),
        }
        for key, acc in merged.items()
    ]


def waiting_by_hour(
    *,
    date_from: date,
    date_to: date,
    user: Any = None,
    department_id: int | None = None,
    counter_id: int | None = None,
    item_id: int | None = None,
    channel: str | None = None,
    region_id: int | None = None,
) -> list[dict[str, Any]]:
    """
    The queue figures by hour of arrival (等候时长分时段), hours 0–23 that
    have tickets, each row as in ``ticket_figures`` with ``key`` the hour.

    中文：分时段等候
    """
    return ticket_figures(
        date_from=date_from,
        date_to=date_to,
        group="hour",
        user=user,
        department_id=department_id,
        counter_id=counter_id,
        item_id=item_id,
        channel=channel,
        region_id=region_id,
    )
