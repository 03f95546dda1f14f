"""Every day of 2024-2026 agrees with chinesecalendar and holidays."""

from datetime import date, timedelta

import chinese_calendar
import holidays
import pytest

from zhengtong.workdays.calc import WorkCalendar
from zhengtong.workdays.official import official_sets

HOLIDAYS, MAKEUP = official_sets()
CAL = WorkCalendar(HOLIDAYS, MAKEUP, range(2024, 2027))
CN = holidays.country_holidays("CN", years=range(2024, 2027))


def _every_day(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_day_agrees_with_chinesecalendar(year):
    wrong = [
        d
        for d in _every_day(year)
        if CAL.is_working_day(d) != chinese_calendar.is_workday(d)
    ]
    assert wrong == []


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_day_agrees_with_holidays_package(year):
    wrong = [
        d for d in _every_day(year) if CAL.is_working_day(d) != CN.is_working_day(d)
    ]
    assert wrong == []


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_makeup_days_agree_with_holidays_package(year):
    ours = {d for d in MAKEUP if d.year == year}
    assert ours == {d for d in CN.weekend_workdays if d.year == year}


@pytest.mark.parametrize("n", [1, 5, 20, 60])
def test_deadlines_agree_with_chinesecalendar(n):
    # chinese_calendar.find_workday(n, d) first moves d to the next working
    # day, so it agrees with "start day not counted" only for working starts;
    # a start on a holiday is covered by the table tests in test_calc.
    day = date(2024, 1, 1)
    checked = 0
    while day <= date(2026, 9, 1):
        if CAL.is_working_day(day):
            assert CAL.add_working_days(day, n) == chinese_calendar.find_workday(n, day)
            checked += 1
        day += timedelta(days=1)
    assert checked > 600


def test_deadline_from_a_holiday_counts_the_first_working_day_after_it():
    # Civil Code Art. 201: counting starts the next day; 2024-02-18 (make-up
    # Sunday) is the first working day after the Spring Festival start.
    assert CAL.add_working_days(date(2024, 2, 12), 1) == date(2024, 2, 18)
    assert CN.get_nth_working_day(date(2024, 2, 12), 1) == date(2024, 2, 18)
