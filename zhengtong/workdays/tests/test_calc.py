"""Pure working-day arithmetic: no database, table-driven on the notices."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengtong.core.errors import ApplicationError
from zhengtong.workdays.calc import CalendarYearMissing, WorkCalendar
from zhengtong.workdays.official import NOTICES, official_days, official_sets

HOLIDAYS, MAKEUP = official_sets()
CAL = WorkCalendar(HOLIDAYS, MAKEUP, range(2024, 2027))
D = date.fromisoformat


def _loop_add(start: date, n: int) -> date:
    """Reference implementation: walk day by day."""
    day, left = start, n
    while left:
        day += timedelta(days=1)
        if CAL.is_working_day(day):
            left -= 1
    return day


@pytest.mark.parametrize(
    ("day", "working"),
    [
        # 2024: 春节 2-10..2-17, make-up Sundays 2-04 and 2-18
        ("2024-02-04", True),
        ("2024-02-09", True),
        ("2024-02-10", False),
        ("2024-02-16", False),
        ("2024-02-17", False),
        ("2024-02-18", True),
        ("2024-04-07", True),
        ("2024-04-28", True),
        ("2024-05-05", False),
        ("2024-05-11", True),
        ("2024-06-10", False),
        ("2024-09-14", True),
        ("2024-09-17", False),
        ("2024-09-29", True),
        ("2024-10-07", False),
        ("2024-10-12", True),
        # 2025: 春节 1-28..2-04 with Sunday 1-26 and Saturday 2-08 worked
        ("2025-01-01", False),
        ("2025-01-26", True),
        ("2025-01-28", False),
        ("2025-02-04", False),
        ("2025-02-05", True),
        ("2025-02-08", True),
        ("2025-04-04", False),
        ("2025-04-27", True),
        ("2025-05-05", False),
        ("2025-06-02", False),
        # 2025 国庆节+中秋节 10-01..10-08, Sunday 9-28 and Saturday 10-11 worked
        ("2025-09-27", False),
        ("2025-09-28", True),
        ("2025-09-30", True),
        ("2025-10-01", False),
        ("2025-10-06", False),
        ("2025-10-08", False),
        ("2025-10-09", True),
        ("2025-10-10", True),
        ("2025-10-11", True),
        ("2025-10-12", False),
        # 2026: 元旦 1-01..1-03 with Sunday 1-04 worked
        ("2026-01-01", False),
        ("2026-01-02", False),
        ("2026-01-03", False),
        ("2026-01-04", True),
        ("2026-01-05", True),
        ("2026-02-14", True),
        ("2026-02-15", False),
        ("2026-02-23", False),
        ("2026-02-24", True),
        ("2026-02-28", True),
        ("2026-04-06", False),
        ("2026-05-05", False),
        ("2026-05-09", True),
        ("2026-06-19", False),
        ("2026-09-20", True),
        ("2026-09-25", False),
        ("2026-10-07", False),
        ("2026-10-10", True),
        ("2026-12-31", True),
    ],
)
def test_is_working_day_across_holiday_boundaries(day, working):
    assert CAL.is_working_day(D(day)) is working


@pytest.mark.parametrize(
    ("start", "n", "deadline"),
    [
        # The worked example of domain-rules §1.6.
        ("2026-02-10", 20, "2026-03-16"),
        # Start day never counted, even when it is a working day.
        ("2026-02-10", 1, "2026-02-11"),
        ("2026-02-10", 0, "2026-02-10"),
        # Accepted on a Friday before the 2026 New Year: Sunday 1-04 is day 1.
        ("2025-12-31", 1, "2026-01-04"),
        ("2025-12-31", 2, "2026-01-05"),
        # Accepted on the last day before 2025 National Day: next is 10-09.
        ("2025-09-30", 1, "2025-10-09"),
        ("2025-09-30", 3, "2025-10-11"),
        ("2025-09-30", 4, "2025-10-13"),
        # Accepted on the make-up Sunday 9-28 itself.
        ("2025-09-26", 1, "2025-09-28"),
        ("2025-09-27", 2, "2025-09-29"),
        # Accepted during a holiday: first working day after it is day 1.
        ("2025-10-03", 1, "2025-10-09"),
        ("2024-02-12", 1, "2024-02-18"),
        ("2024-02-12", 2, "2024-02-19"),
        # Across the year boundary 2024 -> 2025.
        ("2024-12-31", 1, "2025-01-02"),
        # Spring Festival 2025 with Sunday 1-26 and Saturday 2-08 worked.
        ("2025-01-24", 1, "2025-01-26"),
        ("2025-01-26", 1, "2025-01-27"),
        ("2025-01-27", 1, "2025-02-05"),
        ("2025-02-07", 1, "2025-02-08"),
        # A long statutory limit.
        ("2024-01-02", 240, _loop_add(D("2024-01-02"), 240).isoformat()),
    ],
)
def test_add_working_days_table(start, n, deadline):
    assert CAL.add_working_days(D(start), n) == D(deadline)


@pytest.mark.parametrize(
    ("start", "n", "deadline"),
    [
        ("2026-02-10", 1, "2026-02-10"),  # a working start day is day 1
        ("2026-02-10", 20, "2026-03-13"),
        ("2026-02-15", 1, "2026-02-24"),  # a holiday start day is not
        ("2025-09-28", 1, "2025-09-28"),  # make-up Sunday is a working day
    ],
)
def test_count_start_day_option(start, n, deadline):
    assert CAL.add_working_days(D(start), n, count_start_day=True) == D(deadline)


def test_working_days_between_counts_after_start_up_to_end():
    assert CAL.working_days_between(D("2026-02-10"), D("2026-03-16")) == 20
    assert CAL.working_days_between(D("2026-02-10"), D("2026-02-10")) == 0
    # (09-30, 10-08] holds only holidays.
    assert CAL.working_days_between(D("2025-09-30"), D("2025-10-08")) == 0
    assert CAL.working_days_between(D("2025-09-27"), D("2025-09-28")) == 1
    assert CAL.working_days_between(D("2026-03-16"), D("2026-02-10")) == -20


def test_working_days_per_year_match_the_notices():
    # 366/365 days minus weekends minus weekday holidays plus make-up days.
    for year, weekday_holidays in ((2024, 19), (2025, 18), (2026, 19)):
        makeup = sum(
            1 for _d, kind, _n in official_days(year) if kind == "makeup_workday"
        )
        weekdays = sum(
            1
            for i in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)
            if (date(year, 1, 1) + timedelta(days=i)).weekday() < 5
        )
        expected = weekdays - weekday_holidays + makeup
        got = CAL.working_days_in(date(year, 1, 1), date(year, 12, 31))
        assert len(got) == expected


def test_next_working_day():
    assert CAL.next_working_day(D("2025-09-30")) == D("2025-10-09")
    assert CAL.next_working_day(D("2026-01-01")) == D("2026-01-04")
    assert CAL.next_working_day(D("2026-02-13")) == D("2026-02-14")


def test_working_days_in_lists_inclusive_range():
    assert CAL.working_days_in(D("2025-09-26"), D("2025-10-01")) == [
        D("2025-09-26"),
        D("2025-09-28"),
        D("2025-09-29"),
        D("2025-09-30"),
    ]


@pytest.mark.parametrize(
    "call",
    [
        lambda: CAL.is_working_day(D("2027-01-04")),
        lambda: CAL.is_working_day(D("2023-12-29")),
        lambda: CAL.add_working_days(D("2026-12-30"), 5),
        lambda: CAL.add_working_days(D("2027-01-04"), 0),
        lambda: CAL.working_days_between(D("2026-12-01"), D("2027-01-05")),
        lambda: CAL.next_working_day(D("2026-12-31")),
    ],
)
def test_uncovered_year_raises_clear_error(call):
    with pytest.raises(CalendarYearMissing) as info:
        call()
    err = info.value
    assert isinstance(err, ApplicationError)
    assert err.code == "calendar_year_missing"
    assert err.status == 400
    assert "年的节假日安排尚未导入，无法计算工作日。" in err.message


def test_error_names_the_missing_year():
    with pytest.raises(CalendarYearMissing, match="2027 年的节假日安排尚未导入"):
        CAL.add_working_days(D("2026-12-30"), 5)
    with pytest.raises(CalendarYearMissing, match="2023 年"):
        CAL.is_working_day(D("2023-06-01"))


def test_last_days_of_covered_range_still_work():
    assert CAL.add_working_days(D("2026-12-29"), 2) == D("2026-12-31")


def test_gap_year_is_not_bridged():
    cal = WorkCalendar(HOLIDAYS, MAKEUP, {2024, 2026})
    with pytest.raises(CalendarYearMissing, match="2025 年"):
        cal.is_working_day(D("2025-03-03"))
    with pytest.raises(CalendarYearMissing, match="2025 年"):
        cal.add_working_days(D("2024-12-30"), 3)
    with pytest.raises(CalendarYearMissing, match="2025 年"):
        cal.working_days_between(D("2024-12-30"), D("2026-01-05"))
    assert cal.add_working_days(D("2026-02-10"), 20) == D("2026-03-16")


def test_empty_calendar_knows_no_year():
    cal = WorkCalendar(set(), set(), [])
    with pytest.raises(CalendarYearMissing):
        cal.is_working_day(D("2026-01-05"))


def test_year_with_no_special_days_is_still_known():
    cal = WorkCalendar(set(), set(), [2030])
    assert cal.add_working_days(D("2030-01-04"), 1) == D("2030-01-07")


def test_negative_days_refused():
    with pytest.raises(ValueError):
        CAL.add_working_days(D("2026-02-10"), -1)


def test_a_date_cannot_be_both_holiday_and_makeup_day():
    with pytest.raises(ValueError):
        WorkCalendar({D("2026-02-14")}, {D("2026-02-14")}, [2026])


def test_batch_matches_single_calls():
    np = pytest.importorskip("numpy")
    starts = [D("2024-01-01") + timedelta(days=i) for i in range(0, 1000, 7)]
    got = CAL.add_working_days_many(starts, 20)
    expected = np.array([CAL.add_working_days(s, 20) for s in starts], "datetime64[D]")
    assert (got == expected).all()
    steps = np.arange(len(starts)) % 30
    got = CAL.add_working_days_many(starts, steps)
    expected = [
        CAL.add_working_days(s, int(k)) for s, k in zip(starts, steps, strict=True)
    ]
    assert (got == np.array(expected, "datetime64[D]")).all()


def test_batch_refuses_uncovered_years():
    with pytest.raises(CalendarYearMissing, match="2027 年"):
        CAL.add_working_days_many([D("2026-12-30")], 5)
    with pytest.raises(CalendarYearMissing, match="2023 年"):
        CAL.add_working_days_many([D("2023-12-30")], 5)


covered_days = st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 10, 31))


@settings(max_examples=300, deadline=None)
@given(start=covered_days, n=st.integers(min_value=0, max_value=40))
def test_add_then_between_round_trips(start, n):
    deadline = CAL.add_working_days(start, n)
    assert CAL.working_days_between(start, deadline) == n
    assert deadline == _loop_add(start, n)
    if n:
        assert CAL.is_working_day(deadline) is True
        assert deadline > start


@settings(max_examples=200, deadline=None)
@given(a=covered_days, b=covered_days)
def test_between_is_antisymmetric_and_counts_days(a, b):
    assert CAL.working_days_between(a, b) == -CAL.working_days_between(b, a)
    lo, hi = min(a, b), max(a, b)
    walked = sum(
        1
        for i in range(1, (hi - lo).days + 1)
        if CAL.is_working_day(lo + timedelta(days=i))
    )
    assert abs(CAL.working_days_between(a, b)) == walked


def test_notices_cover_exactly_the_table_of_domain_rules():
    makeup = {
        2024: ["02-04", "02-18", "04-07", "04-28", "05-11", "09-14", "09-29", "10-12"],
        2025: ["01-26", "02-08", "04-27", "09-28", "10-11"],
        2026: ["01-04", "02-14", "02-28", "05-09", "09-20", "10-10"],
    }
    for year, days in makeup.items():
        assert sorted(
            d for d, k, _n in official_days(year) if k == "makeup_workday"
        ) == [D(f"{year}-{md}") for md in days]
        assert all(d.weekday() >= 5 for d in (D(f"{year}-{md}") for md in days))
    assert set(NOTICES) == {2024, 2025, 2026}


@pytest.mark.parametrize(
    ("start", "n", "last_day"),
    [
        # ends on a Saturday that is a 调休 working day: stays
        ("2026-02-10", 4, "2026-02-14"),
        # ends on the first day of 春节 (2-15..2-23): first working day after
        ("2026-02-10", 5, "2026-02-24"),
        # ends on an ordinary Saturday: the Monday after
        ("2026-03-02", 5, "2026-03-09"),
        # ends on a working day: that day
        ("2026-03-02", 30, "2026-04-01"),
        ("2026-03-02", 0, "2026-03-02"),
    ],
)
def test_add_natural_days_rolls_a_day_off_forward(start, n, last_day):
    assert CAL.add_natural_days(D(start), n) == D(last_day)


def test_add_natural_days_count_start_day():
    assert CAL.add_natural_days(D("2026-03-02"), 5, count_start_day=True) == D(
        "2026-03-06"
    )


def test_add_natural_days_refuses_negative_and_uncovered_years():
    with pytest.raises(ValueError):
        CAL.add_natural_days(D("2026-03-02"), -1)
    with pytest.raises(CalendarYearMissing):
        CAL.add_natural_days(D("2026-12-20"), 30)


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(min_value=date(2024, 1, 1), max_value=date(2026, 10, 31)),
    n=st.integers(min_value=1, max_value=40),
)
def test_add_natural_days_is_the_first_working_day_from_the_plain_end(start, n):
    plain = start + timedelta(days=n)
    last = CAL.add_natural_days(start, n)
    assert last >= plain and CAL.is_working_day(last)
    day = plain
    while day < last:
        assert not CAL.is_working_day(day)
        day += timedelta(days=1)
