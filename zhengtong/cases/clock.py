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
- Due date = add_working_days(accepted, limit + excluded + extension days),
  for the promised and for the statutory limit alike.
- Lamp: red when today is after the due date; yellow when at most
  ``CASES_WARNING_WORKING_DAYS`` (default 2) working days are left; green
  otherwise.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings

from .constants import Lamp

INTAKE_LIMIT_DAYS = 5  # Art. 32 (四): decide on intake within 5 working days
CERTIFICATE_LIMIT_DAYS = 10  # Art. 44
EXTENSION_MAX_DAYS = 10  # Art. 42 para. 1
DEFAULT_DECISION_DAYS = 20  # Art. 42 para. 1


def calendar():
    """Return the working-day calendar (zhengtong.workdays)."""
    from zhengtong.workdays.services import calendar_get

    return calendar_get()


def warning_days() -> int:
    return int(getattr(settings, "CASES_WARNING_WORKING_DAYS", 2))


def add_days(cal, start: date, n: int) -> date:
    """Return the day a limit of ``n`` working days from ``start`` ends."""
    return cal.add_working_days(
        start, n, count_start_day=settings.WORKDAYS_COUNT_START_DAY
    )


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


def clock_compute(
    cal,
    *,
    start: date,
    promised_days: int | None,
    statutory_days: int | None,
    suspensions: Iterable[tuple[date, date | None]],
    extension_days: int,
    today: date,
) -> ClockResult:
    """
    Return due dates, excluded days and lamp of a clock started on ``start``.

    中文：计算办件时限
    """
    excluded = sum(
        suspension_excluded_days(cal, s, e, today) for s, e in suspensions if s >= start
    )
    statutory = statutory_days if statutory_days is not None else DEFAULT_DECISION_DAYS
    promised = promised_days if promised_days is not None else statutory
    due = add_days(cal, start, promised + excluded + extension_days)
    statutory_due = add_days(cal, start, statutory + excluded + extension_days)
    return ClockResult(
        due_date=due,
        statutory_due_date=statutory_due,
        suspended_days=excluded,
        lamp=lamp_for(cal, due, today),
    )
