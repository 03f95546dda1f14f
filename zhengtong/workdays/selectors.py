"""
Read the working-day calendar: the cached ``WorkCalendar`` and shortcuts.

``calendar_get()`` builds a ``WorkCalendar`` from the database once per
process and region and keeps it.  It is rebuilt when calendar rows change:

* in this process at once (a signal clears the local copy);
* in other processes through a fingerprint of the tables (row counts and the
  latest ``updated_at``) memoised in the Django cache.  A process looks at
  that cached fingerprint at most every ``WORKDAYS_CACHE_CHECK_SECONDS``
  (default 1 s); a change deletes the cache key on commit, so with Redis
  other workers follow within a second, with the per-process local-memory
  cache within ``WORKDAYS_CACHE_SECONDS`` (default 60 s).

中文：工作日历查询
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, QuerySet

from zhengtong.core.errors import ApplicationError

from .calc import CalendarYearMissing, WorkCalendar
from .constants import NATIONAL, DayKind, ErrorCode, YearStatus
from .models import CalendarDay, CalendarYear
from .statutory import statutory_days

__all__ = [
    "CalendarYearMissing",
    "add_working_days",
    "calendar_cache_clear",
    "calendar_day_list",
    "calendar_get",
    "calendar_month_get",
    "calendar_year_list",
    "calendar_year_status",
    "is_working_day",
    "next_working_day",
    "region_code_normalise",
    "region_layers",
    "working_days_between",
]

VERSION_KEY = "workdays:calendar-fingerprint"
_REGION_RE = re.compile(r"^(?:[0-9]{6}|[0-9]{12})$")


class _LocalCache:
    """Per-process store of built calendars."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calendars: dict[str, WorkCalendar] = {}
        self.fingerprint: str | None = None
        self.checked_at = 0.0
        self.check_every = 1.0


_local = _LocalCache()
_pending = threading.local()  # .marker: _CommitMarker of this thread's write


def region_code_normalise(region_code: str | None) -> str:
    """
    Return the 12-digit region code, or "" for the national calendar.

    Accepts 6-digit county codes (padded with zeros).  Raises
    ``ApplicationError`` ``invalid_region`` for anything else.

    中文：规范区划代码
    """
    if region_code is None:
        return NATIONAL
    code = str(region_code).strip()
    if not code:
        return NATIONAL
    if not _REGION_RE.match(code):
        raise ApplicationError(
            ErrorCode.INVALID_REGION,
            "区划代码应为 6 位或 12 位数字。",
        )
    if len(code) == 6:
        code += "000000"
    if code == "000000000000":
        return NATIONAL
    return code


def region_layers(region_code: str) -> list[str]:
    """
    Return the layers of a region from broad to specific, national first.

    ``"511602000000"`` gives ``["", "510000000000", "511600000000",
    "511602000000"]``: province, city, county (then township, village).

    中文：区划层级
    """
    layers = [NATIONAL]
    if not region_code:
        return layers
    for width in (2, 4, 6, 9, 12):
        code = region_code[:width].ljust(12, "0")
        if code != "000000000000" and code not in layers:
            layers.append(code)
    return layers


def _fingerprint_from_db() -> str:
    days = CalendarDay.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    years = CalendarYear.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return f"{days['n']}|{days['at']}|{years['n']}|{years['at']}"


def _fingerprint() -> str:
    value = cache.get(VERSION_KEY)
    if value is None:
        value = _fingerprint_from_db()
        cache.set(
            VERSION_KEY, value, timeout=getattr(settings, "WORKDAYS_CACHE_SECONDS", 60)
        )
    return value


def provisional_horizon() -> int:
    """
    Return how many years after the last official one are provisional.

    Setting ``WORKDAYS_PROVISIONAL_YEARS`` (default 2; 0 turns provisional
    years off: a year without a notice then fails, as before).
    """
    return max(0, int(getattr(settings, "WORKDAYS_PROVISIONAL_YEARS", 2)))


def provisional_years_for(official_years: set[int]) -> list[int]:
    """Return the provisional years that follow ``official_years``."""
    if not official_years:
        return []
    last = max(official_years)
    return list(range(last + 1, last + 1 + provisional_horizon()))


def _build(region_code: str) -> WorkCalendar:
    years = set(
        CalendarYear.objects.filter(region_code=NATIONAL).values_list("year", flat=True)
    )
    provisional = provisional_years_for(years)
    layers = region_layers(region_code)
    rows: list[tuple[date, str, str]] = list(
        CalendarDay.objects.filter(region_code__in=layers).values_list(
            "date", "kind", "region_code"
        )
    )
    # Provisional years: the statutory days form the national layer (rows of
    # the national layer in those years, if any, are ignored: no notice
    # stands behind them); regional rows still apply on top.
    derived: list[tuple[date, str, str]] = [
        (day, DayKind.HOLIDAY, NATIONAL)
        for year in provisional
        for day, _name in statutory_days(year)
    ]
    provisional_set = set(provisional)
    rows = [
        r for r in rows if not (r[2] == NATIONAL and r[0].year in provisional_set)
    ] + derived
    ordered = sorted(rows, key=lambda r: (layers.index(r[2]), r[0]))
    kinds = {day: kind for day, kind, _code in ordered}
    holidays = {d for d, k in kinds.items() if k == DayKind.HOLIDAY}
    makeup = {d for d, k in kinds.items() if k == DayKind.MAKEUP_WORKDAY}
    return WorkCalendar(holidays, makeup, years, provisional_years=provisional)


def calendar_year_status(year: int, *, region_code: str | None = None) -> str:
    """
    Return ``"official"``, ``"provisional"`` (推定) or ``"missing"`` for a year.

    中文：年度日历状态
    """
    cal = calendar_get(region_code=region_code)
    if int(year) in cal.provisional_years:
        return YearStatus.PROVISIONAL
    if int(year) in cal.years:
        return YearStatus.OFFICIAL
    return YearStatus.MISSING


def calendar_cache_clear() -> None:
    """
    Forget every built calendar in this process and the shared fingerprint.

    中文：清除日历缓存
    """
    with _local.lock:
        _local.calendars.clear()
        _local.fingerprint = None
        _local.checked_at = 0.0
    _pending.marker = None
    cache.delete(VERSION_KEY)


class _CommitMarker:
    """An on-commit callback that also tells an open write transaction."""

    def __call__(self) -> None:
        calendar_cache_clear()


def _marker_pending(marker: _CommitMarker) -> bool:
    """Return whether ``marker`` still waits for its transaction to commit."""
    if not connection.in_atomic_block:
        return False
    return any(entry[1] is marker for entry in connection.run_on_commit)


def calendar_mark_changed() -> None:
    """
    Drop the built calendars after a write to the calendar tables.

    Inside a transaction, calendars read by this thread come straight from
    the database (uncommitted rows included) and nothing is cached until the
    transaction ends; on commit the shared fingerprint is deleted so other
    processes rebuild too.  After a rollback the next read rebuilds.
    """
    with _local.lock:
        _local.calendars.clear()
        _local.fingerprint = None
        _local.checked_at = 0.0
    if connection.in_atomic_block:
        marker = _CommitMarker()
        _pending.marker = marker
        transaction.on_commit(marker)
    else:
        calendar_cache_clear()


def calendar_get(*, region_code: str | None = None) -> WorkCalendar:
    """
    Return the working-day calendar (national, or with a region's layers).

    Cached per process; see the module docstring for invalidation.

    中文：获取工作日历
    """
    code = NATIONAL if region_code is None else region_code_normalise(region_code)
    marker = getattr(_pending, "marker", None)
    if marker is not None:
        if _marker_pending(marker):
            # This thread wrote calendar rows in a transaction that is still
            # open: answer from the database, cache nothing.
            return _build(code)
        # The transaction is over (committed: marker ran; rolled back: it
        # was dropped).  Forget whatever was built meanwhile.
        _pending.marker = None
        with _local.lock:
            _local.calendars.clear()
            _local.fingerprint = None
            _local.checked_at = 0.0
    now = time.monotonic()
    if now - _local.checked_at >= _local.check_every:
        fingerprint = _fingerprint()
        with _local.lock:
            if fingerprint != _local.fingerprint:
                _local.calendars.clear()
                _local.fingerprint = fingerprint
            _local.checked_at = now
            _local.check_every = float(
                getattr(settings, "WORKDAYS_CACHE_CHECK_SECONDS", 1.0)
            )
    calendar = _local.calendars.get(code)
    if calendar is None:
        calendar = _build(code)
        with _local.lock:
            _local.calendars[code] = calendar
    return calendar


# -- shortcuts used by other apps ------------------------------------------


def is_working_day(d: date, *, region_code: str | None = None) -> bool:
    """
    Return whether ``d`` is a working day.

    中文：是否工作日
    """
    return calendar_get(region_code=region_code).is_working_day(d)


def add_working_days(
    start: date,
    n: int,
    *,
    region_code: str | None = None,
    count_start_day: bool | None = None,
) -> date:
    """
    Return the ``n``-th working day after ``start`` (the deadline).

    The start day is counted only if ``count_start_day`` is true, or, when
    it is ``None``, if ``settings.WORKDAYS_COUNT_START_DAY`` is true
    (default false, Civil Code Art. 201).

    中文：计算届满日
    """
    if count_start_day is None:
        count_start_day = bool(getattr(settings, "WORKDAYS_COUNT_START_DAY", False))
    return calendar_get(region_code=region_code).add_working_days(
        start, n, count_start_day=count_start_day
    )


def working_days_between(a: date, b: date, *, region_code: str | None = None) -> int:
    """
    Return the number of working days in ``(a, b]``.

    中文：间隔工作日数
    """
    return calendar_get(region_code=region_code).working_days_between(a, b)


def next_working_day(d: date, *, region_code: str | None = None) -> date:
    """
    Return the first working day strictly after ``d``.

    中文：下一个工作日
    """
    return calendar_get(region_code=region_code).next_working_day(d)


# -- lists for admin pages and APIs ----------------------------------------


def calendar_year_list(*, region_code: str | None = None) -> QuerySet[CalendarYear]:
    """Return the loaded years of the national layer (or of one region)."""
    code = region_code_normalise(region_code)
    return CalendarYear.objects.filter(region_code=code).order_by("year")


def calendar_day_list(
    *, start: date, end: date, region_code: str | None = None
) -> QuerySet[CalendarDay]:
    """Return the rows of every layer of a region between two dates."""
    code = region_code_normalise(region_code)
    return CalendarDay.objects.filter(
        region_code__in=region_layers(code), date__gte=start, date__lte=end
    ).order_by("date", "region_code")


@dataclass(frozen=True)
class MonthCell:
    """One day of a month grid."""

    date: date
    in_month: bool
    working: bool | None  # None: year not loaded
    kind: str  # "" / holiday / makeup_workday / regular
    name: str
    region_code: str
    is_weekend: bool
    provisional: bool = False  # the year's notice is not loaded: 推定


def calendar_month_get(
    *, year: int, month: int, region_code: str | None = None
) -> list[list[MonthCell]]:
    """
    Return a Monday-first grid of weeks for one month.

    中文：月历
    """
    import calendar as stdlib_calendar

    code = region_code_normalise(region_code)
    cal = calendar_get(region_code=code)
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    rows: dict[date, CalendarDay] = {}
    layers = region_layers(code)
    for row in calendar_day_list(
        start=weeks[0][0], end=weeks[-1][-1], region_code=code
    ):
        current = rows.get(row.date)
        if current is None or layers.index(row.region_code) > layers.index(
            current.region_code
        ):
            rows[row.date] = row
    derived: dict[date, str] = {}
    for year in {weeks[0][0].year, weeks[-1][-1].year}:
        if year in cal.provisional_years:
            derived.update(statutory_days(year))
    grid: list[list[MonthCell]] = []
    for week in weeks:
        cells = []
        for day in week:
            found: CalendarDay | None = rows.get(day)
            provisional = day.year in cal.provisional_years
            if provisional and found is not None and not found.region_code:
                found = None  # national rows of a provisional year do not count
            kind = found.kind if found else ""
            name = found.name if found else ""
            if found is None and day in derived:
                kind, name = DayKind.HOLIDAY, derived[day]
            cells.append(
                MonthCell(
                    date=day,
                    in_month=day.month == month,
                    working=cal.is_working_day(day) if cal.covers(day) else None,
                    kind=kind,
                    name=name,
                    region_code=found.region_code if found else "",
                    is_weekend=day.weekday() >= 5,
                    provisional=provisional,
                )
            )
        grid.append(cells)
    return grid
