"""
Load a parsed holiday notice: its year, and its days of the previous December.

Both doors (``manage.py load_holidays --notice`` and the admin page
「导入放假通知」) come here, and this only calls the audited services:
``calendar_year_load`` for the notice's year (source ``notice``; it also
recomputes the open deadlines) and ``calendar_day_set`` for each day the
notice sets in the previous December (「2018年12月30日至2019年1月1日」) —
only when that year is loaded itself; otherwise those days are reported and
skipped.  It also compares the notice with what the calendar holds now.

中文：导入放假通知
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .constants import NATIONAL, DayKind, YearSource
from .notice import (
    NoticeChange,
    NoticeDay,
    NoticeLine,
    ParsedNotice,
    notice_changes,
    notice_day_entries,
)
from .notice_lines import WEEKDAYS
from .selectors import (
    calendar_day_list,
    calendar_get,
    calendar_year_list,
    calendar_year_status,
)
from .services import (
    YearLoadResult,
    calendar_day_set,
    calendar_day_validate,
    calendar_year_load,
)

__all__ = [
    "NoticeLoadResult",
    "notice_change_labels",
    "notice_compare",
    "notice_gap_warning",
    "notice_line_summary",
    "notice_year_load",
]

# What happened to a day of the previous December.
SET, WOULD_SET, UNCHANGED, SKIPPED = "set", "would_set", "unchanged", "skipped"
EARLIER_LABELS = {
    SET: "已设置",
    WOULD_SET: "将设置",
    UNCHANGED: "已是如此",
    SKIPPED: "该年未导入，跳过",
}


@dataclass
class NoticeLoadResult:
    """What loading a notice did (or, with ``dry_run``, would do)."""

    notice: ParsedNotice
    year: YearLoadResult
    earlier: list[tuple[NoticeDay, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def recompute(self) -> Any:
        """Return the summary of corrected deadlines (None if none)."""
        return getattr(self.year, "recompute", None)


def notice_title(notice: ParsedNotice) -> str:
    """Return the title to record as the source of the loaded days."""
    return notice.title or f"国务院办公厅关于{notice.year}年部分节假日安排的通知"


def _kind_and_name(day: NoticeDay) -> tuple[str, str]:
    if day.off_day:
        return DayKind.HOLIDAY, day.name
    return DayKind.MAKEUP_WORKDAY, f"{day.name}调休上班"


def notice_year_load(
    notice: ParsedNotice,
    *,
    source_url: str = "",
    source_notice: str = "",
    actor: Any = None,
    dry_run: bool = False,
    check_holidays_package: bool = False,
) -> NoticeLoadResult:
    """
    Load the notice's year as official, then its days of the year before.

    中文：导入放假通知
    """
    title = source_notice or notice_title(notice)
    earlier_days = [d for d in notice.days if d.date.year != notice.year]
    for day in earlier_days:  # refuse before anything is written
        kind, _name = _kind_and_name(day)
        calendar_day_validate(day=day.date, kind=kind, region_code=NATIONAL)
    year_result = calendar_year_load(
        notice.year,
        source=YearSource.NOTICE,
        days=notice_day_entries(notice),
        source_notice=title,
        source_url=source_url,
        actor=actor,
        dry_run=dry_run,
        check_holidays_package=check_holidays_package,
    )
    result = NoticeLoadResult(notice=notice, year=year_result, dry_run=dry_run)
    if not earlier_days:
        return result
    loaded = set(calendar_year_list().values_list("year", flat=True))
    rows = {
        row.date: row
        for row in calendar_day_list(
            start=earlier_days[0].date, end=earlier_days[-1].date
        )
        if row.region_code == NATIONAL
    }
    for day in earlier_days:
        kind, name = _kind_and_name(day)
        row = rows.get(day.date)
        if day.date.year not in loaded:
            action = SKIPPED
        elif row is not None and row.kind == kind and row.name == name:
            action = UNCHANGED
        elif dry_run:
            action = WOULD_SET
        else:
            calendar_day_set(
                day=day.date,
                kind=kind,
                name=name,
                source_notice=title,
                actor=actor,
                reason=f"{title}（跨年安排）",
            )
            action = SET
        result.earlier.append((day, action))
    return result


def notice_compare(notice: ParsedNotice) -> tuple[str, list[NoticeChange]]:
    """
    Return the calendar's status of the notice year and every changed date.

    The status is ``official``, ``provisional`` (推定) or ``missing``.

    中文：通知与现有日历比对
    """
    status = calendar_year_status(notice.year)
    return str(status), notice_changes(notice, calendar_get())


def notice_gap_warning(notice: ParsedNotice) -> str:
    """
    Return a warning when years before the notice's are not loaded yet.

    Provisional years follow the last official one: once the notice's year
    is official, the years skipped are no longer provisional and deadlines
    running into them cannot be computed.  "" when nothing is skipped.

    中文：跳过年份提醒
    """
    official = set(calendar_year_list().values_list("year", flat=True))
    if not official or notice.year in official:
        return ""
    gap = list(range(max(official) + 1, notice.year))
    if not gap:
        return ""
    years = "、".join(str(y) for y in gap)
    return (
        f"{years} 年的通知尚未导入。导入 {notice.year} 年后，{years} 年不再按法定节假日推定，"
        f"跨入其中的期限将无法计算；请先导入 {gap[0]} 年的通知。"
    )


def notice_change_labels(change: NoticeChange) -> tuple[str, str]:
    """Return “now” and “notice” in words: 工作日（推定）, 休息日（春节）…"""
    if change.before is None:
        before = "未导入"
    else:
        before = "工作日" if change.before else "休息日"
        if change.provisional:
            before += "（推定）"
    after = "工作日" if change.after else "休息日"
    if change.name:
        after += f"（{change.name}调休上班）" if change.after else f"（{change.name}）"
    return before, after


def _day(d: date) -> str:
    return f"{d.month}月{d.day}日"


def notice_line_summary(line: NoticeLine) -> str:
    """
    Return one line in words: 「春节：2月15日至2月23日休 9 天；2月14日、2月28日上班」.

    中文：通知行摘要
    """
    parts: list[str] = []
    off = [d.date for d in line.days if d.off_day]
    runs: list[list[date]] = []
    for d in off:
        if runs and (d - runs[-1][-1]).days == 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    for run in runs:
        span = _day(run[0]) if len(run) == 1 else f"{_day(run[0])}至{_day(run[-1])}"
        parts.append(f"{span}休 {len(run)} 天")
    work = [_day(d.date) for d in line.days if not d.off_day]
    if work:
        parts.append("、".join(work) + "上班")
    return f"{line.festival}：" + "；".join(parts)


def weekday_label(d: date) -> str:
    """Return 周一 … 周日."""
    return "周" + WEEKDAYS[d.weekday()]
