"""
Working-day arithmetic as pure functions: no ORM, the holiday set is passed in.

A ``WorkCalendar`` is built once from the holidays, the make-up working days
(调休上班) and the years it covers.  It precomputes, for the whole span of
covered years, a running count of working days per date and the list of
working days in order (their "working-day ordinals").  Every query is then
a couple of list lookups, constant time whatever ``n`` is:

* ``add_working_days(start, n)`` -> the working day with ordinal
  ``count(start) + n``;
* ``working_days_between(a, b)`` -> ``count(b) - count(a)``.

Rules (domain-rules §1.6): a working day is Monday to Friday unless it is a
holiday in the notice, plus every make-up working day.  The start day is not
counted (Civil Code Art. 201) unless ``count_start_day`` is true.  A date in a
year that is not covered raises ``CalendarYearMissing``; nothing is guessed.

Some covered years may be *provisional* (推定): their holidays were derived
from the statutory list (``statutory.py``) because the State Council notice
is not out yet.  They always follow the official years, so a result is
provisional exactly when it is on or after ``provisional_from`` — one
comparison, the arithmetic itself is unchanged.

中文：工作日计算
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from zhengtong.core.errors import ApplicationError

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["CalendarYearMissing", "WorkCalendar"]


class CalendarYearMissing(ApplicationError):  # noqa: N818 (name is the interface)
    """
    Raise when a date falls in a year whose holiday notice is not loaded.

    中文：节假日安排未导入
    """

    code_value = "calendar_year_missing"

    def __init__(self, year: int) -> None:
        self.year = int(year)
        super().__init__(
            self.code_value,
            f"{self.year} 年的节假日安排尚未导入，无法计算工作日。",
            status=400,
            details={"year": self.year},
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.year,))


class WorkCalendar:
    """
    Answer working-day questions for a fixed set of covered years.

    ``holidays`` are rest days from the notice (weekends inside a break may
    be listed or not, it makes no difference); ``makeup_workdays`` are the
    weekend days worked instead (调休上班).  Only dates in ``years`` can be
    asked about.

    中文：工作日历
    """

    __slots__ = (
        "_base",
        "_count",
        "_flags",
        "_holidays",
        "_last",
        "_makeup",
        "_np_cache",
        "_provisional_from",
        "_run_end",
        "_work_dates",
        "_work_offsets",
        "provisional_years",
        "years",
    )

    def __init__(
        self,
        holidays: Iterable[date],
        makeup_workdays: Iterable[date],
        years: Iterable[int],
        *,
        provisional_years: Iterable[int] = (),
    ) -> None:
        self.provisional_years: frozenset[int] = frozenset(
            int(y) for y in provisional_years
        )
        self.years: frozenset[int] = frozenset(int(y) for y in years) | (
            self.provisional_years
        )
        official = self.years - self.provisional_years
        if (
            official
            and self.provisional_years
            and min(self.provisional_years) < max(official)
        ):
            raise ValueError("provisional years must follow the official ones")
        self._provisional_from: date | None = (
            date(min(self.provisional_years), 1, 1) if self.provisional_years else None
        )
        self._holidays = frozenset(holidays)
        self._makeup = frozenset(makeup_workdays)
        self._np_cache: dict[str, Any] | None = None
        both = self._holidays & self._makeup
        if both:
            first = min(both)
            raise ValueError(f"{first} is both a holiday and a make-up working day")
        if not self.years:
            self._base = 0
            self._last = -1
            self._count: list[int] = []
            self._flags = bytearray()
            self._run_end: list[int] = []
            self._work_offsets: list[int] = []
            self._work_dates: list[date] = []
            return
        first_year, last_year = min(self.years), max(self.years)
        start = date(first_year, 1, 1)
        end = date(last_year, 12, 31)
        self._base = start.toordinal()
        self._last = end.toordinal() - self._base
        span = self._last + 1
        flags = bytearray(span)
        count = [0] * span
        run_end = [-1] * span
        work_offsets: list[int] = []
        work_dates: list[date] = []
        running = 0
        for offset in range(span):
            day = start + timedelta(days=offset)
            if day.year not in self.years:
                count[offset] = running
                continue
            if day in self._makeup:
                working = True
            elif day in self._holidays:
                working = False
            else:
                working = day.weekday() < 5
            if working:
                flags[offset] = 1
                running += 1
                work_offsets.append(offset)
                work_dates.append(day)
            count[offset] = running
        # For each covered day, the last offset of its run of covered years.
        end_of_run = -1
        for offset in range(span - 1, -1, -1):
            year = (start + timedelta(days=offset)).year
            if year not in self.years:
                end_of_run = -1
                continue
            if end_of_run == -1:
                end_of_run = offset
            run_end[offset] = end_of_run
        self._flags = flags
        self._count = count
        self._run_end = run_end
        self._work_offsets = work_offsets
        self._work_dates = work_dates

    # -- helpers ---------------------------------------------------------

    def __repr__(self) -> str:
        years = sorted(self.years)
        provisional = sorted(self.provisional_years)
        return (
            f"<WorkCalendar years={years} provisional={provisional} "
            f"holidays={len(self._holidays)}>"
        )

    def _offset(self, d: date) -> int:
        """Return the index of ``d`` or raise for an uncovered year."""
        offset = d.toordinal() - self._base
        if offset < 0 or offset > self._last or self._run_end[offset] < 0:
            raise CalendarYearMissing(d.year)
        return offset

    def _missing_after(self, offset: int) -> CalendarYearMissing:
        """Return the error for running past the covered run of ``offset``."""
        end = self._run_end[offset]
        return CalendarYearMissing(
            date.fromordinal(self._base + end).year + 1 if end >= 0 else 0
        )

    @property
    def holidays(self) -> frozenset[date]:
        """Return the holidays this calendar was built from."""
        return self._holidays

    @property
    def makeup_workdays(self) -> frozenset[date]:
        """Return the make-up working days this calendar was built from."""
        return self._makeup

    def covers(self, d: date) -> bool:
        """Return whether ``d`` lies in a covered year."""
        return d.year in self.years

    @property
    def provisional_from(self) -> date | None:
        """Return the first day of the first provisional year (or None)."""
        return self._provisional_from

    def is_provisional(self, d: date | None) -> bool:
        """
        Return whether ``d`` lies in a provisional (推定) year.

        A deadline ``add_working_days(start, n)`` rests on a provisional day
        exactly when its result does (provisional years follow the official
        ones), so ``is_provisional(due)`` is the test for a computed date.

        中文：是否推定日期
        """
        first = self._provisional_from
        return first is not None and d is not None and d >= first

    # -- queries ---------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """
        Return whether ``d`` is a working day.

        中文：是否工作日
        """
        return self._flags[self._offset(d)] == 1

    def add_working_days(
        self, start: date, n: int, *, count_start_day: bool = False
    ) -> date:
        """
        Return the ``n``-th working day after ``start``.

        With ``count_start_day`` false (the default, Civil Code Art. 201) the
        start day is never counted: the result is the n-th working day
        strictly after ``start``.  With it true and ``start`` a working day,
        ``start`` is day 1.  ``n == 0`` returns ``start`` unchanged.

        中文：加工作日（届满日）
        """
        offset = start.toordinal() - self._base
        if offset < 0 or offset > self._last or self._run_end[offset] < 0:
            raise CalendarYearMissing(start.year)
        if n <= 0:
            if n == 0:
                return start
            raise ValueError("n must not be negative")
        index = self._count[offset] + n - 1
        if count_start_day and self._flags[offset]:
            index -= 1
        if index >= len(self._work_offsets):
            raise self._missing_after(offset)
        if self._work_offsets[index] > self._run_end[offset]:
            raise self._missing_after(offset)
        return self._work_dates[index]

    def add_natural_days(
        self, start: date, n: int, *, count_start_day: bool = False
    ) -> date:
        """
        Return the last day of a period of ``n`` natural days (自然日) from ``start``.

        Civil Code Art. 201: the start day is not counted (unless
        ``count_start_day``); Art. 203: when the last day falls on a day off
        (a public holiday or a weekend that is not a 调休 working day), the
        period ends on the first working day after it. ``n == 0`` returns
        ``start`` unchanged.

        中文：加自然日（届满日，遇休假日顺延）
        """
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return start
        end = start + timedelta(days=n - 1 if count_start_day else n)
        if self.is_working_day(end):
            return end
        return self.next_working_day(end)

    def working_days_between(self, a: date, b: date) -> int:
        """
        Return the number of working days in ``(a, b]``.

        The day ``a`` is not counted and ``b`` is, so
        ``working_days_between(s, add_working_days(s, n)) == n``.  When
        ``b`` is before ``a`` the result is negative:
        ``-working_days_between(b, a)``.

        中文：间隔工作日数
        """
        oa = self._offset(a)
        ob = self._offset(b)
        if self._run_end[oa] != self._run_end[ob]:
            raise self._missing_after(min(oa, ob))
        return self._count[ob] - self._count[oa]

    def next_working_day(self, d: date) -> date:
        """
        Return the first working day strictly after ``d``.

        中文：下一个工作日
        """
        return self.add_working_days(d, 1)

    def working_days_in(self, a: date, b: date) -> list[date]:
        """Return the working days in ``[a, b]`` in order."""
        if b < a:
            return []
        oa = self._offset(a)
        ob = self._offset(b)
        if self._run_end[oa] != self._run_end[ob]:
            raise self._missing_after(oa)
        first = self._count[oa] - self._flags[oa]
        return self._work_dates[first : self._count[ob]]

    # -- batch -----------------------------------------------------------

    def add_working_days_many(self, starts: Sequence[date] | np.ndarray, n: Any) -> Any:
        """
        Return ``add_working_days(s, n)`` for many starts at once (numpy).

        ``starts`` is a sequence of dates or a ``datetime64[D]`` array;
        ``n`` an int or an int array of the same length.  Returns a
        ``datetime64[D]`` array.  The start day is not counted.  Raises
        ``CalendarYearMissing`` if any start or result leaves the covered
        years.

        中文：批量计算届满日
        """
        import numpy as np

        arrays = self._numpy_arrays()
        if isinstance(starts, np.ndarray):
            days = starts.astype("datetime64[D]").astype(np.int64)
        else:
            # Much faster than letting numpy convert date objects one by one.
            days = np.fromiter(
                (d.toordinal() for d in starts), dtype=np.int64, count=len(starts)
            ) - (date(1970, 1, 1).toordinal())
        offsets = days - arrays["base_epoch"]
        steps = np.asarray(n, dtype=np.int64)
        if steps.size and int(steps.min()) < 0:
            raise ValueError("n must not be negative")
        outside = (offsets < 0) | (offsets > self._last)
        if outside.any():
            bad = int(days[np.argmax(outside)])
            raise CalendarYearMissing(
                int(np.datetime64(bad, "D").astype("datetime64[Y]").astype(int)) + 1970
            )
        run_end = arrays["run_end"][offsets]
        if (run_end < 0).any():
            first = int(offsets[np.argmax(run_end < 0)])
            raise CalendarYearMissing(date.fromordinal(self._base + first).year)
        index = arrays["count"][offsets] + steps - 1
        zero = steps == 0
        index = np.where(zero, 0, index)
        work = arrays["work_offsets"]
        if index.size and int(index.max()) >= work.size:
            raise self._missing_after(int(offsets[np.argmax(index >= work.size)]))
        result = work[index]
        beyond = (result > run_end) & ~zero
        if beyond.any():
            raise self._missing_after(int(offsets[np.argmax(beyond)]))
        result = np.where(zero, offsets, result)
        return (result + arrays["base_epoch"]).astype("datetime64[D]")

    def _numpy_arrays(self) -> dict[str, Any]:
        if self._np_cache is not None:
            return self._np_cache
        import numpy as np

        arrays = {
            "base_epoch": self._base - date(1970, 1, 1).toordinal(),
            "count": np.asarray(self._count, dtype=np.int64),
            "run_end": np.asarray(self._run_end, dtype=np.int64),
            "work_offsets": np.asarray(self._work_offsets, dtype=np.int64),
        }
        self._np_cache = arrays
        return arrays
