"""The statutory holidays (放假办法 Art. 2) from lunar-python, against `holidays`."""

from datetime import date

import holidays
import pytest

from zhengtong.workdays.calc import WorkCalendar
from zhengtong.workdays.official import official_sets
from zhengtong.workdays.statutory import statutory_days

YEARS = range(2024, 2036)
CN = holidays.country_holidays("CN", years=YEARS)

# Names the holidays package gives to the lunar and solar-term festivals.
LUNAR = {
    "Chinese New Year (Spring Festival)": "春节",
    "Tomb-Sweeping Day": "清明节",
    "Dragon Boat Festival": "端午节",
    "Mid-Autumn Festival": "中秋节",
}


def _theirs(year: int, festival: str) -> set[date]:
    names = [n for n, ours in LUNAR.items() if ours == festival]
    return {
        d
        for d, label in CN.items()
        if d.year == year
        and "(observed)" not in label
        and any(name in label.split("; ") for name in names)
    }


@pytest.mark.parametrize("year", YEARS)
@pytest.mark.parametrize("festival", ["春节", "清明节", "端午节", "中秋节"])
def test_lunar_and_solar_term_dates_agree_with_the_holidays_package(year, festival):
    ours = {d for d, name in statutory_days(year) if festival in name}
    if festival == "春节":
        ours = set(sorted(ours)[1:])  # holidays names 除夕 separately
    assert ours == _theirs(year, festival)


@pytest.mark.parametrize("year", range(2027, 2036))
def test_the_whole_list_agrees_for_years_without_a_notice(year):
    # For 2025-2026 the package holds the notices' break days instead.
    theirs = {
        d for d, label in CN.items() if d.year == year and "observed" not in label
    }
    assert {d for d, _ in statutory_days(year)} == theirs


def test_2027_and_2028_by_hand():
    assert statutory_days(2027) == (
        (date(2027, 1, 1), "元旦"),
        (date(2027, 2, 5), "春节"),  # 除夕: 腊月 has 29 days that year
        (date(2027, 2, 6), "春节"),
        (date(2027, 2, 7), "春节"),
        (date(2027, 2, 8), "春节"),
        (date(2027, 4, 5), "清明节"),
        (date(2027, 5, 1), "劳动节"),
        (date(2027, 5, 2), "劳动节"),
        (date(2027, 6, 9), "端午节"),
        (date(2027, 9, 15), "中秋节"),
        (date(2027, 10, 1), "国庆节"),
        (date(2027, 10, 2), "国庆节"),
        (date(2027, 10, 3), "国庆节"),
    )
    days = dict(statutory_days(2028))
    assert len(days) == 12  # 中秋 falls on 3 October: 12 days, not 13
    assert days[date(2028, 10, 3)] == "中秋节、国庆节"
    assert [d for d, n in days.items() if n == "春节"] == [
        date(2028, 1, 25),
        date(2028, 1, 26),
        date(2028, 1, 27),
        date(2028, 1, 28),
    ]


def test_13_days_a_year_when_nothing_coincides():
    for year in range(2025, 2036):
        assert len(statutory_days(year)) in (12, 13)


class TestProvisionalCalendar:
    holidays_, makeup = official_sets()
    derived = {d for y in (2027, 2028) for d, _ in statutory_days(y)}
    cal = WorkCalendar(
        holidays_ | derived, makeup, range(2024, 2027), provisional_years=(2027, 2028)
    )

    def test_provisional_from_is_the_first_provisional_day(self):
        assert self.cal.provisional_from == date(2027, 1, 1)
        assert not self.cal.is_provisional(date(2026, 12, 31))
        assert self.cal.is_provisional(date(2027, 1, 1))

    def test_weekends_rest_and_no_makeup_day_is_guessed(self):
        assert not self.cal.is_working_day(date(2027, 2, 6))  # Saturday, 初一
        assert self.cal.is_working_day(date(2027, 2, 9))
        assert not self.cal.is_working_day(date(2027, 1, 2))

    def test_twenty_working_days_from_december(self):
        # 2026-12-10 + 20: Dec holds 15 after the 10th, then Jan 4-8 (1 Jan off)
        due = self.cal.add_working_days(date(2026, 12, 10), 20)
        assert due == date(2027, 1, 8)
        assert self.cal.is_provisional(due)

    def test_across_the_spring_festival_of_2027(self):
        # Thu 4 Feb + 1: Fri 5 Feb is 除夕, Mon 8 Feb is 初三 -> Tue 9 Feb
        assert self.cal.add_working_days(date(2027, 2, 4), 1) == date(2027, 2, 9)

    def test_beyond_the_horizon_is_missing(self):
        from zhengtong.workdays.calc import CalendarYearMissing

        with pytest.raises(CalendarYearMissing, match="2029 年"):
            self.cal.add_working_days(date(2028, 12, 20), 20)

    def test_provisional_years_must_follow_official_ones(self):
        with pytest.raises(ValueError, match="follow"):
            WorkCalendar(set(), set(), range(2024, 2027), provisional_years=(2025,))
