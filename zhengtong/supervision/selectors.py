"""
Reads of the supervision desk (监察台), each scoped by ``permissions``.

Every read starts from ``permissions.scope_filter(user)``: supervisors and
centre administrators see the whole centre, a department head only their
department, anyone else is refused (403).  The counts and the lists are
written over the same filter (``clock_open_filter``), so a count on the
desk is exactly the number of rows of the list behind it.

Lists of clocks are paged by keyset on ``(due_date, id)`` (most overdue
first), which the partial indexes ``clock_open_lamp`` and
``clock_open_dept_lamp`` serve at a million open clocks.

中文：监察台查询
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import BooleanField, Count, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

from zhengtong.catalog.models import Counter, Department
from zhengtong.core.errors import ApplicationError

from . import permissions
from .constants import (
    BreachState,
    ClockKind,
    ClockState,
    ErrorCode,
    Lamp,
    OrderState,
)
from .models import Alert, AnomalyHit, Breach, Clock, SupervisionOrder, SweepCursor

OPEN_CLOCK_STATES = (ClockState.RUNNING, ClockState.SUSPENDED)
OPEN_ORDER_STATES = (
    OrderState.DRAFT,
    OrderState.OPEN,
    OrderState.REPLIED,
    OrderState.RETURNED,
)
LAMPS = (Lamp.GREEN, Lamp.YELLOW, Lamp.RED)
NO_DEPARTMENT = 0  # the filter value of clocks with no department (未指定)
NO_COUNTER = 0  # the filter value of clocks at no counter
CLOCK_LIST_COLUMNS = (
    "id",
    "kind",
    "object_id",
    "number",
    "title",
    "case_id",
    "department_id",
    "department__name",
    "counter_id",
    "counter__number",
    "owner_id",
    "owner__display_name",
    "owner__username",
    "started_on",
    "due_date",
    "state",
    "lamp",
    "provisional",
)


@dataclass(frozen=True)
class ClockFilters:
    """
    The filters of a clock list (all optional; ``None``: not filtered).

    中文：时钟列表筛选条件
    """

    lamp: str | None = None
    department: int | None = None  # NO_DEPARTMENT: clocks with none
    kind: str | None = None
    counter: int | None = None  # NO_COUNTER: clocks at no counter
    owner: int | None = None
    due_from: date | None = None
    due_to: date | None = None
    provisional: bool | None = None

    def query(self) -> dict[str, str]:
        """Return the filters as query parameters (for links and exports)."""
        params: dict[str, str] = {}
        for name in ("lamp", "department", "kind", "counter", "owner"):
            value = getattr(self, name)
            if value is not None:
                params[name] = str(value)
        if self.due_from:
            params["due_from"] = self.due_from.isoformat()
        if self.due_to:
            params["due_to"] = self.due_to.isoformat()
        if self.provisional is not None:
            params["provisional"] = "1" if self.provisional else "0"
        return params


def _int(params: Mapping[str, Any], name: str, label: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ApplicationError(ErrorCode.INVALID_INPUT, f"{label}须为编号（整数）。")
    return int(raw)


def _date(params: Mapping[str, Any], name: str, label: str) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, f"{label}须为日期，格式如 2026-03-02。"
        ) from None


def clock_filters_parse(params: Mapping[str, Any]) -> ClockFilters:
    """
    Return the clock filters read from query parameters.

    Raises ``invalid_input`` (400) naming the first bad parameter.

    中文：解析时钟筛选条件
    """
    lamp = (params.get("lamp") or "").strip() or None
    if lamp is not None and lamp not in Lamp.values:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "亮灯须为 green、yellow 或 red。"
        )
    kind = (params.get("kind") or "").strip() or None
    if kind is not None and kind not in ClockKind.values:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "时钟类型不存在。")
    provisional_raw = (params.get("provisional") or "").strip()
    if provisional_raw not in ("", "0", "1"):
        raise ApplicationError(ErrorCode.INVALID_INPUT, "期限推定须为 0 或 1。")
    due_from = _date(params, "due_from", "截止日期起")
    due_to = _date(params, "due_to", "截止日期止")
    if due_from and due_to and due_from > due_to:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "截止日期的起始日不能晚于结束日。"
        )
    return ClockFilters(
        lamp=lamp,
        department=_int(params, "department", "部门"),
        kind=kind,
        counter=_int(params, "counter", "窗口"),
        owner=_int(params, "owner", "责任人"),
        due_from=due_from,
        due_to=due_to,
        provisional=None if not provisional_raw else provisional_raw == "1",
    )


def clock_open_filter(*, user: Any, filters: ClockFilters | None = None) -> Q:
    """
    Return the filter of the open clocks ``user`` may see, narrowed by ``filters``.

    中文：在办时钟范围
    """
    q = Q(state__in=OPEN_CLOCK_STATES) & permissions.scope_filter(user)
    f = filters or ClockFilters()
    if f.lamp:
        q &= Q(lamp=f.lamp)
    if f.department is not None:
        q &= (
            Q(department__isnull=True)
            if f.department == NO_DEPARTMENT
            else Q(department_id=f.department)
        )
    if f.kind:
        q &= Q(kind=f.kind)
    if f.counter is not None:
        q &= (
            Q(counter__isnull=True)
            if f.counter == NO_COUNTER
            else Q(counter_id=f.counter)
        )
    if f.owner is not None:
        q &= Q(owner_id=f.owner)
    if f.due_from:
        q &= Q(due_date__gte=f.due_from)
    if f.due_to:
        q &= Q(due_date__lte=f.due_to)
    if f.provisional is not None:
        q &= Q(provisional=f.provisional)
    return q


def clock_list_for_user(
    *, user: Any, filters: ClockFilters | None = None
) -> QuerySet[Clock]:
    """
    Return the open clocks ``user`` may see, most overdue first.

    中文：在办时钟列表
    """
    return Clock.objects.filter(clock_open_filter(user=user, filters=filters)).order_by(
        "due_date", "id"
    )


def _clock_rows(
    *,
    user: Any,
    filters: ClockFilters | None,
    after: tuple[date, int] | None,
    limit: int,
) -> list[dict[str, Any]]:
    """Return up to ``limit`` rows of a list after the key ``after``."""
    qs = clock_list_for_user(user=user, filters=filters)
    if after is not None:
        table = Clock._meta.db_table
        qs = qs.filter(
            RawSQL(  # noqa: S611 - our table name; the key values are parameters
                f'("{table}"."due_date", "{table}"."id") > (%s, %s)',
                (after[0], after[1]),
                output_field=BooleanField(),
            )
        )
    return list(qs.values(*CLOCK_LIST_COLUMNS)[:limit])


def clock_page_for_user(
    *,
    user: Any,
    filters: ClockFilters | None = None,
    after: tuple[date, int] | None = None,
    size: int = 50,
) -> tuple[list[dict[str, Any]], tuple[date, int] | None]:
    """
    Return one page of open clocks (rows as dicts) and the key of the next page.

    ``after`` is the ``(due_date, id)`` of the last row of the previous page
    (keyset paging: each page costs the same, however deep).  A list of
    every lamp is read as three lists, one per lamp, each in index order
    (``clock_open_lamp``, ``clock_open_dept_lamp``), merged here: no sort of
    a million rows for one page.

    中文：在办时钟分页
    """
    filters = filters or ClockFilters()
    if filters.lamp:
        rows = _clock_rows(user=user, filters=filters, after=after, limit=size + 1)
    else:
        rows = sorted(
            (
                row
                for lamp in LAMPS
                for row in _clock_rows(
                    user=user,
                    filters=replace(filters, lamp=lamp.value),
                    after=after,
                    limit=size + 1,
                )
            ),
            key=lambda r: (r["due_date"], r["id"]),
        )[: size + 1]
    more = len(rows) > size
    rows = rows[:size]
    next_key = (rows[-1]["due_date"], rows[-1]["id"]) if more and rows else None
    return rows, next_key


def clock_count_for_user(
    *, user: Any, filters: ClockFilters | None = None, limit: int | None = None
) -> int:
    """
    Return the number of open clocks of a list (the count on the desk).

    With ``limit``, counting stops after ``limit + 1`` rows (the list page
    shows "10000+" above a long list instead of counting a million rows;
    the exact figures per department and lamp are the desk's tables).
    """
    qs = Clock.objects.filter(clock_open_filter(user=user, filters=filters))
    if limit is not None:
        return qs.order_by()[: limit + 1].count()
    return qs.count()


def _lamp_rows(
    grouped: list[Any], key: str, names: dict[int | None, str]
) -> list[dict[str, Any]]:
    table: dict[int | None, dict[str, Any]] = {}
    for row in grouped:
        ident = row[key]
        entry = table.setdefault(
            ident,
            {
                "id": ident,
                "name": names.get(ident, "未指定"),
                Lamp.GREEN.value: 0,
                Lamp.YELLOW.value: 0,
                Lamp.RED.value: 0,
                "total": 0,
            },
        )
        if row["lamp"] in entry:
            entry[row["lamp"]] += row["n"]
        entry["total"] += row["n"]
    return sorted(
        table.values(),
        key=lambda e: (-e[Lamp.RED.value], -e[Lamp.YELLOW.value], e["name"]),
    )


def _department_rows(grouped: list[Any]) -> list[dict[str, Any]]:
    ids = {r["department_id"] for r in grouped if r["department_id"] is not None}
    names: dict[int | None, str] = dict(
        Department.objects.filter(pk__in=ids).values_list("pk", "name")
    )
    return _lamp_rows(grouped, "department_id", names)


def _counter_rows(grouped: list[Any]) -> list[dict[str, Any]]:
    ids = {r["counter_id"] for r in grouped if r["counter_id"] is not None}
    names: dict[int | None, str] = {
        pk: f"{number} 号窗口" + (f"（{name}）" if name else "")
        for pk, number, name in Counter.objects.filter(pk__in=ids).values_list(
            "pk", "number", "name"
        )
    }
    return _lamp_rows(grouped, "counter_id", names)


def _grouped(user: Any, filters: ClockFilters | None, *keys: str) -> list[Any]:
    """Return the open clocks counted per ``keys`` and lamp (one query)."""
    return list(
        Clock.objects.filter(clock_open_filter(user=user, filters=filters))
        .values(*keys, "lamp")
        .annotate(n=Count("id"))
        .order_by()
    )


def clock_counts_by_department(
    *, user: Any, filters: ClockFilters | None = None
) -> list[dict[str, Any]]:
    """
    Return the open clocks by lamp per department (most red first).

    Each row: ``id`` (None: no department), ``name``, ``green``, ``yellow``,
    ``red``, ``total``.  One grouped query over the ``clock_open_dept_lamp``
    index (an index-only scan).

    中文：各部门亮灯统计
    """
    return _department_rows(_grouped(user, filters, "department_id"))


def clock_counts_by_counter(
    *, user: Any, filters: ClockFilters | None = None
) -> list[dict[str, Any]]:
    """
    Return the open clocks by lamp per counter (窗口; most red first).

    中文：各窗口亮灯统计
    """
    return _counter_rows(_grouped(user, filters, "counter_id"))


REGISTRY = "registry"  # the SweepCursor whose token the sweep renews


def registry_token() -> str:
    """
    Return the registry's version token ("" before the first sweep).

    The registry is written only by the sweep (sync and lamps), which renews
    the token when it wrote anything (``services.sync.registry_token_renew``);
    a read of the whole registry may be kept under it.

    中文：时钟登记版本
    """
    return (
        SweepCursor.objects.filter(name=REGISTRY)
        .values_list("token", flat=True)
        .first()
        or ""
    )


def _grouped_whole_or_scoped(user: Any) -> list[Any]:
    """
    The desk's grouped counts, kept per registry token and scope.

    Counting a million open clocks takes about as long as reading one index
    entry each (~150 ms for the centre; a department's share less); the
    registry changes only in the sweep, which renews its token, so the counts
    of a scope (the centre, or one department) are computed once per token
    and process and stay exact.
    """
    scope = permissions.supervision_scope(user)
    token = registry_token()
    if not token:
        return _grouped(user, None, "department_id", "counter_id")
    key = f"supervision:desk-counts:{token}:{scope or 'all'}"
    grouped = cache.get(key)
    if grouped is None:
        grouped = _grouped(user, None, "department_id", "counter_id")
        cache.set(key, grouped, 24 * 3600)
    return grouped


def clock_counts_for_desk(
    *, user: Any
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """
    Return the desk's two count tables, per department and per counter.

    Both come from one grouped pass over the open clocks (department,
    counter, lamp), instead of one pass per table.

    中文：监察台亮灯统计
    """
    grouped = _grouped_whole_or_scoped(user)
    by_department: dict[tuple[int | None, str], int] = {}
    by_counter: dict[tuple[int | None, str], int] = {}
    for row in grouped:
        key = (row["department_id"], row["lamp"])
        by_department[key] = by_department.get(key, 0) + row["n"]
        key = (row["counter_id"], row["lamp"])
        by_counter[key] = by_counter.get(key, 0) + row["n"]
    return (
        _department_rows(
            [
                {"department_id": d, "lamp": lamp, "n": n}
                for (d, lamp), n in by_department.items()
            ]
        ),
        _counter_rows(
            [
                {"counter_id": c, "lamp": lamp, "n": n}
                for (c, lamp), n in by_counter.items()
            ]
        ),
    )


def lamp_totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Return the sums of count rows per lamp and in all."""
    totals = {lamp.value: 0 for lamp in LAMPS} | {"total": 0}
    for row in rows:
        for key in totals:
            totals[key] += row[key]
    return totals


def order_list_open(*, user: Any) -> QuerySet[SupervisionOrder]:
    """
    Return the open supervision orders ``user`` may see (earliest due first).

    Drafts of the escalation rule (待签发) are shown to supervisors only:
    a department head sees an order once it is issued.

    中文：未办结督办单
    """
    qs = SupervisionOrder.objects.filter(
        permissions.scope_filter(user), state__in=OPEN_ORDER_STATES
    )
    if not permissions.is_supervisor(user):
        qs = qs.exclude(state=OrderState.DRAFT)
    return qs.select_related("department", "person").order_by(
        "due_date", "-level", "id"
    )


def breach_list_to_decide(*, user: Any) -> QuerySet[Breach]:
    """
    Return the proposed breaches (待认定) ``user`` may see, oldest first.

    中文：待认定效能告诫
    """
    return (
        Breach.objects.filter(
            permissions.scope_filter(user), state=BreachState.PROPOSED
        )
        .select_related("kind", "person", "department", "counter", "proposed_measure")
        .order_by("id")
    )


def anomaly_list_open(*, user: Any) -> QuerySet[AnomalyHit]:
    """
    Return the unresolved anomaly hits ``user`` may see, newest first.

    中文：未处理的异常监察记录
    """
    return (
        AnomalyHit.objects.filter(permissions.scope_filter(user), resolved=False)
        .select_related("department", "person")
        .order_by("-found_on", "-id")
    )


def desk_summary(*, user: Any, today: date | None = None) -> dict[str, int]:
    """
    Return the headline figures of the desk (orders, overdue orders, cards, hits).

    中文：监察台概况
    """
    today = today or timezone.localdate()
    orders = order_list_open(user=user).order_by()
    return {
        "orders": orders.count(),
        "orders_overdue": orders.filter(
            due_date__lt=today, state__in=(OrderState.OPEN, OrderState.RETURNED)
        ).count(),
        "breaches": breach_list_to_decide(user=user).order_by().count(),
        "anomalies": anomaly_list_open(user=user).order_by().count(),
    }


def department_choices(*, user: Any) -> list[tuple[int, str]]:
    """Return the departments ``user`` may filter by (id, name)."""
    department = permissions.supervision_scope(user)
    qs = Department.objects.all()
    if department is not None:
        qs = qs.filter(pk=department)
    return list(qs.order_by("name").values_list("pk", "name"))


def counter_choices(*, user: Any) -> list[tuple[int, str]]:
    """Return the counters ``user`` may filter by (of their department, if scoped)."""
    department = permissions.supervision_scope(user)
    qs = Counter.objects.filter(is_active=True)
    if department is not None:
        qs = qs.filter(departments=department)
    return [
        (pk, f"{number} 号窗口")
        for pk, number in qs.order_by("number").values_list("pk", "number").distinct()
    ]


def alert_list_unread(*, user: Any, limit: int = 10) -> tuple[list[Alert], int]:
    """
    Return ``user``'s newest unread warnings and how many are unread in all.

    Warnings about what has ended (a closed clock, an order accepted or
    cancelled) are left out.

    中文：我的未读预警
    """
    if not getattr(user, "is_authenticated", False):
        return [], 0
    # a warning whose subject has ended (its clock closed, its order
    # answered, accepted or cancelled) no longer asks anything of anyone
    qs = Alert.objects.filter(recipient=user, read_at__isnull=True).exclude(
        Q(clock__state=ClockState.CLOSED)
        | Q(order__state__in=(OrderState.ACCEPTED, OrderState.CANCELLED))
    )
    rows = list(qs.select_related("clock").order_by("-id")[:limit])
    total = len(rows) if len(rows) < limit else qs.count()
    return rows, total
