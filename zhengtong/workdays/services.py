"""
Write the working-day calendar: set or remove one day, load a whole year.

Every write is audited (``core.audit``) and drops the cached calendars.  The
read shortcuts (``calendar_get``, ``add_working_days``…) live in
``selectors`` and are re-exported here for callers that expect them.

中文：工作日历维护
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from . import official
from .calc import CalendarYearMissing
from .constants import NATIONAL, DayKind, ErrorCode, YearSource
from .models import CalendarDay, CalendarYear
from .recompute import RecomputeSummary, calendar_recompute
from .selectors import (
    add_working_days,
    calendar_cache_clear,
    calendar_get,
    calendar_mark_changed,
    is_working_day,
    next_working_day,
    region_code_normalise,
    working_days_between,
)

__all__ = [
    "CalendarYearMissing",
    "DayEntry",
    "YearLoadResult",
    "add_working_days",
    "calendar_cache_clear",
    "calendar_day_delete",
    "calendar_day_set",
    "calendar_day_validate",
    "calendar_get",
    "calendar_year_load",
    "calendar_year_source_days",
    "is_working_day",
    "next_working_day",
    "working_days_between",
]

CHINESECALENDAR_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利纪念日",
}


@dataclass(frozen=True)
class DayEntry:
    """One special day to load: date, kind and name."""

    date: date
    kind: str
    name: str = ""


@dataclass
class YearLoadResult:
    """What ``calendar_year_load`` did (or would do with ``dry_run``)."""

    year: int
    region_code: str
    source: str
    created: list[DayEntry] = field(default_factory=list)
    updated: list[DayEntry] = field(default_factory=list)
    removed: list[DayEntry] = field(default_factory=list)
    unchanged: int = 0
    year_created: bool = False
    dry_run: bool = False
    disagreements: list[str] = field(default_factory=list)
    source_notice: str = ""
    # Open deadlines corrected after the load (None: dry run or nothing changed)
    recompute: RecomputeSummary | None = None

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed or self.year_created)


def calendar_day_validate(*, day: date, kind: str, region_code: str) -> None:
    """
    Raise ``ApplicationError`` ``invalid_day`` if the entry makes no sense.

    中文：校验日历条目
    """
    if kind not in DayKind.values:
        raise ApplicationError(
            ErrorCode.INVALID_DAY, "类型应为放假、调休上班或按常规作息。"
        )
    if kind == DayKind.REGULAR and not region_code:
        raise ApplicationError(
            ErrorCode.INVALID_DAY,
            "“按常规作息”只用于地方调整，用来取消全国安排；全国日历请直接删除该日。",
        )
    if kind == DayKind.MAKEUP_WORKDAY and day.weekday() < 5:
        raise ApplicationError(
            ErrorCode.INVALID_DAY,
            f"{day:%Y-%m-%d} 是周一至周五，本来就是工作日，不能设为调休上班日。",
        )


def _check_year(year: int) -> None:
    if not 1949 <= year <= 2200:
        raise ApplicationError(ErrorCode.INVALID_DAY, "年份应在 1949 至 2200 之间。")


@transaction.atomic
def calendar_day_set(
    *,
    day: date,
    kind: str,
    name: str = "",
    region_code: str | None = None,
    source_notice: str = "",
    actor: Any = None,
    reason: str = "",
) -> CalendarDay:
    """
    Create or change the calendar entry of one date (national or regional).

    中文：设置节假日/调休日
    """
    code = region_code_normalise(region_code)
    _check_year(day.year)
    calendar_day_validate(day=day, kind=kind, region_code=code)
    before_cal = calendar_get() if code == NATIONAL else None
    row = CalendarDay.objects.select_for_update().filter(date=day, region_code=code)
    existing = row.first()
    before = existing.kind if existing else ""
    if existing is None:
        existing = CalendarDay(date=day, region_code=code)
    existing.kind = kind
    existing.name = name.strip()[:50]
    existing.source_notice = (source_notice or existing.source_notice or "")[:200]
    try:
        existing.full_clean()
    except ValidationError as exc:
        raise ApplicationError(
            ErrorCode.INVALID_DAY, "；".join(exc.messages) or "日历条目有误。"
        ) from exc
    existing.save()
    audit_record(
        action="workdays.day_set",
        obj=existing,
        actor=actor,
        from_state=before,
        to_state=kind,
        reason=reason,
        details={
            "date": day.isoformat(),
            "region_code": code,
            "name": existing.name,
        },
    )
    calendar_mark_changed()
    _recompute_after_day_change(before_cal, actor, day)
    return existing


def _recompute_after_day_change(before: Any, actor: Any, day: date) -> None:
    """Correct open deadlines after one national day changed (same transaction)."""
    if before is None:
        return
    calendar_recompute(
        before=before,
        after=calendar_get(),
        actor=actor,
        notice=f"人工调整 {day:%Y-%m-%d}",
        years={day.year},
    )


@transaction.atomic
def calendar_day_delete(
    *,
    day: date,
    region_code: str | None = None,
    actor: Any = None,
    reason: str = "",
) -> bool:
    """
    Remove the entry of one date so it follows the normal week again.

    Returns whether a row was removed.

    中文：删除节假日/调休日
    """
    code = region_code_normalise(region_code)
    before_cal = calendar_get() if code == NATIONAL else None
    existing = (
        CalendarDay.objects.select_for_update()
        .filter(date=day, region_code=code)
        .first()
    )
    if existing is None:
        return False
    audit_record(
        action="workdays.day_delete",
        obj=existing,
        actor=actor,
        from_state=existing.kind,
        to_state="",
        reason=reason,
        details={
            "date": day.isoformat(),
            "region_code": code,
            "name": existing.name,
        },
    )
    existing.delete()
    calendar_mark_changed()
    _recompute_after_day_change(before_cal, actor, day)
    return True


def calendar_year_source_days(*, year: int, source: str) -> list[DayEntry]:
    """
    Return the special days of ``year`` from a built-in source.

    ``official``: the notices shipped with the code (2024-2026);
    ``chinesecalendar``: the ``chinesecalendar`` package.  Raises
    ``ApplicationError`` ``year_not_available`` when the source has no data.

    中文：读取数据源中的节假日
    """
    if source == YearSource.OFFICIAL:
        if year not in official.NOTICES:
            raise ApplicationError(
                ErrorCode.YEAR_NOT_AVAILABLE,
                f"代码中没有 {year} 年的国务院通知，请改用 chinesecalendar 或 JSON 文件导入。",
            )
        return [DayEntry(d, k, n) for d, k, n in official.official_days(year)]
    if source == YearSource.CHINESECALENDAR:
        import chinese_calendar

        entries: list[DayEntry] = []
        day = date(year, 1, 1)
        try:
            while day.year == year:
                on_holiday, english = chinese_calendar.get_holiday_detail(day)
                name = CHINESECALENDAR_NAMES.get(english or "", english or "")
                workday = chinese_calendar.is_workday(day)
                weekend = day.weekday() >= 5
                if weekend and workday:
                    entries.append(
                        DayEntry(day, DayKind.MAKEUP_WORKDAY, f"{name}调休上班")
                    )
                elif on_holiday and (not weekend or english):
                    entries.append(DayEntry(day, DayKind.HOLIDAY, name))
                day += timedelta(days=1)
        except NotImplementedError as exc:
            raise ApplicationError(
                ErrorCode.YEAR_NOT_AVAILABLE,
                f"chinesecalendar 程序包还没有 {year} 年的数据，请升级该程序包或改用 JSON 文件导入。",
            ) from exc
        return entries
    raise ApplicationError(ErrorCode.YEAR_NOT_AVAILABLE, "未知的数据来源。")


def calendar_year_disagreements(*, year: int, entries: Iterable[DayEntry]) -> list[str]:
    """
    Compare working-day status with the ``holidays`` package, day by day.

    Returns one Chinese line per date that differs (empty: they agree).

    中文：与 holidays 程序包比对
    """
    import holidays as holidays_package

    kinds = {e.date: e.kind for e in entries}
    reference = holidays_package.country_holidays("CN", years=year)
    problems: list[str] = []
    day = date(year, 1, 1)
    while day.year == year:
        kind = kinds.get(day, "")
        if kind == DayKind.MAKEUP_WORKDAY:
            ours = True
        elif kind == DayKind.HOLIDAY:
            ours = False
        else:
            ours = day.weekday() < 5
        theirs = bool(reference.is_working_day(day))
        if ours != theirs:
            problems.append(
                f"{day:%Y-%m-%d}：本次导入为{'工作日' if ours else '休息日'}，"
                f"holidays 程序包为{'工作日' if theirs else '休息日'}"
            )
        day += timedelta(days=1)
    return problems


def calendar_year_load(
    year: int,
    *,
    source: str,
    days: Iterable[DayEntry] | None = None,
    region_code: str | None = None,
    source_notice: str = "",
    source_url: str = "",
    actor: Any = None,
    dry_run: bool = False,
    check_holidays_package: bool = False,
) -> YearLoadResult:
    """
    Load (or reload) every special day of one year, then correct open deadlines.

    Without ``days`` they come from ``source`` (``official`` or
    ``chinesecalendar``).  Rows of that year and region that are not in the
    new list are removed; the year is recorded as loaded.  With
    ``dry_run`` nothing is written and the result says what would change.

    After a national load that changed anything (a provisional year becoming
    official, a corrected notice), every open clock over a changed day is
    recomputed (``recompute.calendar_recompute``) and the summary is put on
    the result.  Loading the same notice again changes and moves nothing.

    中文：导入年度节假日安排
    """
    national = region_code_normalise(region_code) == NATIONAL
    before = calendar_get() if national and not dry_run else None
    result = _calendar_year_write(
        year,
        source=source,
        days=days,
        region_code=region_code,
        source_notice=source_notice,
        source_url=source_url,
        actor=actor,
        dry_run=dry_run,
        check_holidays_package=check_holidays_package,
    )
    if before is not None and result.changed:
        result.recompute = calendar_recompute(
            before=before,
            after=calendar_get(),
            actor=actor,
            notice=result.source_notice or f"{year} 年节假日安排",
        )
    return result


@transaction.atomic
def _calendar_year_write(
    year: int,
    *,
    source: str,
    days: Iterable[DayEntry] | None = None,
    region_code: str | None = None,
    source_notice: str = "",
    source_url: str = "",
    actor: Any = None,
    dry_run: bool = False,
    check_holidays_package: bool = False,
) -> YearLoadResult:
    """Write the days of one year (``calendar_year_load`` without the recompute)."""
    _check_year(year)
    code = region_code_normalise(region_code)
    if source not in YearSource.values:
        raise ApplicationError(ErrorCode.YEAR_NOT_AVAILABLE, "未知的数据来源。")
    if days is None:
        entries = calendar_year_source_days(year=year, source=source)
    else:
        entries = list(days)
    if source == YearSource.OFFICIAL and not source_notice and year in official.NOTICES:
        source_notice = official.NOTICES[year].source
        source_url = source_url or official.NOTICES[year].url
    if not source_notice:
        source_notices: dict[str, str] = {
            YearSource.CHINESECALENDAR: "chinesecalendar 程序包（据国务院通知）",
            YearSource.FILE: "JSON 文件",
            YearSource.MANUAL: "人工维护",
        }
        source_notice = source_notices.get(source, "")
    wanted: dict[date, DayEntry] = {}
    for entry in entries:
        if entry.date.year != year:
            raise ApplicationError(
                ErrorCode.INVALID_DAY,
                f"{entry.date:%Y-%m-%d} 不属于 {year} 年。",
            )
        if entry.date in wanted:
            raise ApplicationError(
                ErrorCode.INVALID_DAY, f"{entry.date:%Y-%m-%d} 出现了两次。"
            )
        calendar_day_validate(day=entry.date, kind=entry.kind, region_code=code)
        wanted[entry.date] = entry

    result = YearLoadResult(
        year=year,
        region_code=code,
        source=source,
        dry_run=dry_run,
        source_notice=source_notice,
    )
    if check_holidays_package and code == NATIONAL:
        result.disagreements = calendar_year_disagreements(
            year=year, entries=wanted.values()
        )

    current = {
        row.date: row
        for row in CalendarDay.objects.select_for_update().filter(
            region_code=code, date__year=year
        )
    }
    to_create: list[CalendarDay] = []
    to_update: list[CalendarDay] = []
    for day, entry in sorted(wanted.items()):
        row = current.get(day)
        name = entry.name.strip()[:50]
        if row is None:
            result.created.append(entry)
            to_create.append(
                CalendarDay(
                    date=day,
                    kind=entry.kind,
                    name=name,
                    region_code=code,
                    source_notice=source_notice[:200],
                )
            )
        elif row.kind != entry.kind or row.name != name:
            result.updated.append(entry)
            row.kind, row.name = entry.kind, name
            row.source_notice = source_notice[:200]
            to_update.append(row)
        else:
            result.unchanged += 1
    stale = [row for day, row in current.items() if day not in wanted]
    result.removed = [
        DayEntry(r.date, r.kind, r.name) for r in sorted(stale, key=lambda r: r.date)
    ]
    year_row = CalendarYear.objects.filter(year=year, region_code=code).first()
    result.year_created = year_row is None
    if dry_run:
        transaction.set_rollback(True)
        return result

    if to_create:
        CalendarDay.objects.bulk_create(to_create)
    if to_update:
        now = timezone.now()
        for row in to_update:
            row.updated_at = now
        CalendarDay.objects.bulk_update(
            to_update, ["kind", "name", "source_notice", "updated_at"]
        )
    if stale:
        CalendarDay.objects.filter(pk__in=[r.pk for r in stale]).delete()
    if year_row is None:
        year_row = CalendarYear(year=year, region_code=code)
    before = year_row.source if year_row.pk else ""
    if result.changed or year_row.pk is None or year_row.source != source:
        year_row.source = source
        year_row.source_notice = source_notice[:200]
        year_row.source_url = source_url[:300]
        year_row.loaded_at = timezone.now()
        year_row.save()
        audit_record(
            action="workdays.year_load",
            obj=year_row,
            actor=actor,
            from_state=before,
            to_state=source,
            details={
                "year": year,
                "region_code": code,
                "created": [e.date.isoformat() for e in result.created],
                "updated": [e.date.isoformat() for e in result.updated],
                "removed": [e.date.isoformat() for e in result.removed],
                "unchanged": result.unchanged,
            },
        )
    calendar_mark_changed()
    return result
