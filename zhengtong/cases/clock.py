"""
Clock arithmetic of a case: pure functions over a WorkCalendar.

Rules (documented in docs/cases.md "Clocks"):

- A limit of N working days from day D ends on ``add_working_days(D, N)``;
  the start day is not counted (Civil Code Art. 201) unless
  ``WORKDAYS_COUNT_START_DAY`` is set.
- A suspension that starts on S and ends (resumes) on R excludes the
  working days strictly after S and strictly before R: on S work was done,
  on R it restarts. Suspending and resuming on the same day excludes none.
  While a suspension is open on day T it excludes the working days in
  (S, T], so the due date moves one working day per suspended working day.
- Due date = add_working_days(accepted, limit + excluded + extension days).
  An approved extension (Art. 42) always counts for the statutory limit;
  for the promised limit only the part that the promise lets move
  (``promised_extension_days``, see rules.extension_moves_promised_date).
- A limit in natural days (自然日, some local promised limits): the period is
  ``limit`` natural days plus the natural days a suspension keeps out
  (strictly between its start and end, or up to today while open); when its
  last day is a day off it ends on the next working day (Civil Code
  Art. 203, ``WorkCalendar.add_natural_days``); an extension (Art. 42, in
  working days) is added after that.
- Overlapping suspensions (two branches of a 联办件 in Art. 45 procedures
  at once) count once: the union of the intervals is excluded
  (``suspensions_union``); a single line of steps never overlaps.
- Lamp: red when today is after the due date; yellow when at most
  ``CASES_WARNING_WORKING_DAYS`` (default 2) working days are left; green
  otherwise.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from zhengtong.catalog.constants import DayUnit

from .constants import Lamp

INTAKE_LIMIT_DAYS = 5  # Art. 32 (四): decide on intake within 5 working days
CERTIFICATE_LIMIT_DAYS = 10  # Art. 44
EXTENSION_MAX_DAYS = 10  # Art. 42 para. 1
DEFAULT_DECISION_DAYS = 20  # Art. 42 para. 1
JOINT_DECISION_DAYS = 45  # Art. 42 para. 2 (联合办理、集中办理、统一办理)
JOINT_EXTENSION_MAX_DAYS = 15  # Art. 42 para. 2


def extension_max_days(case) -> int:
    """Return the most working days the decision limit of ``case`` may grow."""
    if getattr(case, "is_joint", False):
        return JOINT_EXTENSION_MAX_DAYS
    return EXTENSION_MAX_DAYS


def calendar():
    """Return the working-day calendar (zhengtong.workdays)."""
    from zhengtong.workdays.services import calendar_get

    return calendar_get()


# The clock dates stored on a case (受理决定, 容缺补齐, 承诺, 法定, 发证).
CASE_DATE_FIELDS = (
    "intake_due_date",
    "tolerance_due_date",
    "due_date",
    "statutory_due_date",
    "certificate_due_date",
)


def case_dates_provisional(cal, case) -> bool:
    """
    Return whether any clock date of ``case`` rests on a provisional day.

    ``case`` is a Case or a dict with the ``CASE_DATE_FIELDS``.  A date
    computed over a year whose holiday notice is not loaded is 推定
    (zhengtong.workdays: provisional years).  Provisional years follow the
    official ones, so a date is provisional exactly when it lies in one.

    中文：期限是否推定
    """
    get = case.get if isinstance(case, dict) else lambda name: getattr(case, name)
    return any(cal.is_provisional(get(name)) for name in CASE_DATE_FIELDS if get(name))


def warning_days() -> int:
    return int(getattr(settings, "CASES_WARNING_WORKING_DAYS", 2))


def add_days(cal, start: date, n: int) -> date:
    """Return the day a limit of ``n`` working days from ``start`` ends."""
    return cal.add_working_days(
        start, n, count_start_day=settings.WORKDAYS_COUNT_START_DAY
    )


def suspension_excluded_natural_days(
    started_on: date, ended_on: date | None, today: date
) -> int:
    """Return the natural days a suspension keeps out of a natural-day count."""
    if ended_on is None:
        return max(0, (today - started_on).days)
    return max(0, (ended_on - started_on).days - 1)


def suspension_excluded_days(
    cal, started_on: date, ended_on: date | None, today: date
) -> int:
    """Return the working days a suspension keeps out of the count."""
    if ended_on is None:
        if today <= started_on:
            return 0
        return max(0, cal.working_days_between(started_on, today))
    if ended_on <= started_on:
        return 0
    n = cal.working_days_between(started_on, ended_on)
    if cal.is_working_day(ended_on):
        n -= 1
    return max(0, n)


def suspensions_union(
    intervals: Iterable[tuple[date, date | None]],
) -> list[tuple[date, date | None]]:
    """
    Merge overlapping suspensions into one (an open one runs to the end).

    Two intervals overlap when the second starts before the first ends: the
    end day itself is a working day of the first (work restarts on it).

    中文：暂停区间合并
    """
    merged: list[tuple[date, date | None]] = []
    for start, end in sorted(intervals, key=lambda i: i[0]):
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None or start < last_end:
                if last_end is not None and (end is None or end > last_end):
                    merged[-1] = (last_start, end)
                continue
        merged.append((start, end))
    return merged


@dataclass(frozen=True)
class ClockResult:
    due_date: date | None
    statutory_due_date: date | None
    suspended_days: int
    lamp: str


def lamp_for(cal, due: date | None, today: date) -> str:
    """Return the lamp of a clock ending on ``due``, seen on ``today``."""
    if due is None:
        return Lamp.NONE
    if today > due:
        return Lamp.RED
    if cal.working_days_between(today, due) <= warning_days():
        return Lamp.YELLOW
    return Lamp.GREEN


def limit_end(
    cal,
    start: date,
    days: int,
    unit: str,
    *,
    excluded_working: int,
    excluded_natural: int,
    extension_days: int,
) -> date:
    """Return the last day of a limit of ``days`` in ``unit`` started on ``start``."""
    if unit != DayUnit.NATURAL:
        return add_days(cal, start, days + excluded_working + extension_days)
    end = cal.add_natural_days(
        start,
        days + excluded_natural,
        count_start_day=settings.WORKDAYS_COUNT_START_DAY,
    )
    return cal.add_working_days(end, extension_days) if extension_days else end


def clock_compute(
    cal,
    *,
    start: date,
    promised_days: int | None,
    statutory_days: int | None,
    suspensions: Iterable[tuple[date, date | None]],
    extension_days: int,
    today: date,
    promised_unit: str = DayUnit.WORKING,
    statutory_unit: str = DayUnit.WORKING,
    promised_extension_days: int | None = None,
) -> ClockResult:
    """
    Return due dates, excluded days and lamp of a clock started on ``start``.

    Limits are in working days unless their unit is ``DayUnit.NATURAL``.

    中文：计算办件时限
    """
    intervals = suspensions_union((s, e) for s, e in suspensions if s >= start)
    excluded = sum(suspension_excluded_days(cal, s, e, today) for s, e in intervals)
    excluded_natural = 0
    if DayUnit.NATURAL in (promised_unit, statutory_unit):
        excluded_natural = sum(
            suspension_excluded_natural_days(s, e, today) for s, e in intervals
        )
    if statutory_days is None:
        statutory, statutory_unit = DEFAULT_DECISION_DAYS, DayUnit.WORKING
    else:
        statutory = statutory_days
    if promised_days is None:
        promised, promised_unit = statutory, statutory_unit
    else:
        promised = promised_days
    common = {
        "excluded_working": excluded,
        "excluded_natural": excluded_natural,
        "extension_days": extension_days,
    }
    statutory_due = limit_end(cal, start, statutory, statutory_unit, **common)
    if promised_extension_days is not None:
        common["extension_days"] = promised_extension_days
    due = limit_end(cal, start, promised, promised_unit, **common)
    return ClockResult(
        due_date=due,
        statutory_due_date=statutory_due,
        suspended_days=excluded,
        lamp=lamp_for(cal, due, today),
    )
