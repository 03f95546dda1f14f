"""Every case figure of the National Day world, by hand, equals the API's."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhengtong.cases.models import Case
from zhengtong.cases.tests.conftest import World
from zhengtong.stats import figures, selectors
from zhengtong.stats.services.rollup import stats_refresh

from .facts_world import build

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def nd(db):
    with time_machine.travel(datetime(2025, 10, 20, 10, tzinfo=TZ), tick=False):
        w = World()
        cases = build(w)
        stats_refresh()
        yield w, cases


def test_world_is_the_story(nd):
    _w, cases = nd
    c = Case.objects.get(pk=cases["C"].pk)
    d = Case.objects.get(pk=cases["D"].pk)
    assert c.suspended_days == 2 and c.due_date == date(2025, 10, 13)
    assert d.extension_days == 3 and d.due_date == date(2025, 10, 10)
    assert d.statutory_due_date > Case.objects.get(pk=cases["A"].pk).statutory_due_date
    assert Case.objects.get(pk=cases["E"].pk).status == "rejected_at_intake"


def test_case_figures_by_hand(nd, client):
    w, _cases = nd
    client.force_login(w.supervisor)
    r = client.get("/api/v1/stats/cases/?from=2025-09-01&to=2025-10-31&group=none")
    assert r.status_code == 200, r.content
    (row,) = r.json()["results"]
    assert {k: row[k] for k in figures.CASE_COUNTS} == {
        "received": 6,
        "accepted": 5,
        "supplemented": 1,
        "refused": 1,
        "concluded": 4,
        "on_time": 3,
        "early": 1,
        "overdue": 1,
        "suspended": 1,
        "extended": 1,
    }
    assert row["on_time_rate"] == 0.75
    assert row["early_rate"] == 0.25
    assert row["completion_rate"] == 0.8
    assert row["avg_working_days"] == 5.25
    assert row["compression_rate"] == 0.75
    assert row["instant_share"] == 0
    assert row["one_visit_rate"] == 1.0
    assert row["online_share"] == 1.0  # all six applied online


def test_figures_fall_on_their_days(nd):
    _w, _cases = nd
    rows = {
        r["key"]: r
        for r in selectors.case_figures(
            date_from=date(2025, 9, 1), date_to=date(2025, 10, 31), group="day"
        )
    }
    assert rows["2025-09-26"]["received"] == 5 and rows["2025-09-26"]["accepted"] == 4
    # the supplemented case is received when the supplement arrives (09-29)
    assert (
        rows["2025-09-29"]["received"] == 1 and rows["2025-09-29"]["supplemented"] == 1
    )
    assert rows["2025-09-29"]["accepted"] == 1 and rows["2025-09-29"]["refused"] == 1
    assert rows["2025-10-09"]["early"] == 1
    assert rows["2025-10-13"]["concluded"] == 2 and rows["2025-10-13"]["overdue"] == 1
    assert rows["2025-10-10"]["on_time"] == 1 and rows["2025-10-10"]["early"] == 0
    months = selectors.case_figures(
        date_from=date(2025, 9, 1), date_to=date(2025, 10, 31), group="month"
    )
    assert [(m["key"], m["label"], m["received"], m["concluded"]) for m in months] == [
        ("2025-09-01", "2025-09", 6, 0),
        ("2025-10-01", "2025-10", 0, 4),
    ]


def test_groups_by_staff_and_department(nd):
    w, _cases = nd
    (staff,) = selectors.case_figures(
        date_from=date(2025, 9, 1), date_to=date(2025, 10, 31), group="staff"
    )
    assert staff["key"] == w.counter.pk and staff["label"] == "王窗口"
    (dept,) = selectors.case_figures(
        date_from=date(2025, 9, 1), date_to=date(2025, 10, 31), group="department"
    )
    assert dept["label"] == "区行政审批局" and dept["concluded"] == 4
    # 满意率 comes from feedback's ratings: none were given in this world
    assert dept["ratings"] == 0 and dept["satisfaction_rate"] is None


def test_compression_and_p90_definitions():
    assert figures.compression_bp(5, 20) == 7500
    assert figures.compression_bp(2, 3) == 3333
    assert figures.compression_bp(1, 3) == 6667
    assert figures.compression_bp(5, None) is None
    assert figures.p90_wait_minutes({}) is None
    # 10 tickets: nine wait ≤ 3 min, one 20 min → p90 is 3
    assert figures.p90_wait_minutes({1: 5, 3: 4, 20: 1}) == 3
    assert figures.p90_wait_minutes({1: 5, 3: 3, 20: 2}) == 20
    assert figures.wait_minute_bucket(0) == 0
    assert figures.wait_minute_bucket(61) == 2


def test_month_rows_and_day_rows_sum_alike(nd):
    """Any range: whole months read from month rows equal the sum of the days."""
    spans = [
        (date(2025, 9, 1), date(2025, 10, 31)),
        (date(2025, 9, 15), date(2025, 10, 31)),
        (date(2025, 9, 1), date(2025, 10, 12)),
        (date(2025, 9, 27), date(2025, 10, 13)),
        (date(2025, 8, 31), date(2025, 11, 1)),
    ]
    for start, end in spans:
        (total,) = selectors.case_figures(date_from=start, date_to=end, group="none")
        days = selectors.case_figures(date_from=start, date_to=end, group="day")
        for name in figures.CASE_COUNTS:
            assert total[name] == sum(d[name] for d in days), (start, end, name)


def test_week_rows_months_and_days_read_alike(nd):
    """Ranges cut into months + whole weeks + days, and week groupings, sum as the days."""
    spans = [
        (date(2025, 9, 2), date(2025, 10, 30)),  # partial months with whole weeks
        (date(2025, 9, 22), date(2025, 10, 19)),  # no whole month, weeks across it
        (date(2025, 9, 29), date(2025, 10, 5)),  # one week across two months
        (date(2025, 10, 6), date(2025, 10, 12)),
    ]
    for start, end in spans:
        days = selectors.case_figures(date_from=start, date_to=end, group="day")
        (total,) = selectors.case_figures(date_from=start, date_to=end, group="none")
        weeks = selectors.case_figures(date_from=start, date_to=end, group="week")
        months = selectors.case_figures(date_from=start, date_to=end, group="month")
        for name in figures.CASE_COUNTS:
            whole = sum(d[name] for d in days)
            assert total[name] == whole, (start, end, name)
            for w in weeks:
                monday = date.fromisoformat(w["key"])
                assert monday.weekday() == 0
                in_week = [
                    d
                    for d in days
                    if 0 <= (date.fromisoformat(d["key"]) - monday).days < 7
                ]
                assert w[name] == sum(d[name] for d in in_week), (w["key"], name)
            for m in months:
                month = m["key"][:7]
                in_month = [d for d in days if d["key"][:7] == month]
                assert m[name] == sum(d[name] for d in in_month), (month, name)


def test_grain_filter_reads_few_rows():
    """A year with partial months and a quarter by week: bounded pieces."""
    q = selectors.grain_filter(date(2025, 1, 15), date(2025, 12, 20))
    assert q.connector == "OR"
    terms = sorted(
        (
            dict(t.children)["grain"],
            min(v for k, v in t.children if k != "grain"),
            max(v for k, v in t.children if k != "grain"),
        )
        for t in q.children
    )
    # whole months Feb–Nov, the whole weeks of January's and December's
    # parts (Mondays 01-20; 12-01 and 12-08), and the days left at the ends
    assert terms == [
        ("d", date(2025, 1, 15), date(2025, 1, 20)),
        ("d", date(2025, 1, 26), date(2025, 1, 31)),
        ("d", date(2025, 12, 14), date(2025, 12, 20)),
        ("m", date(2025, 2, 1), date(2025, 11, 1)),
        ("w", date(2025, 1, 20), date(2025, 1, 20)),
        ("w", date(2025, 12, 1), date(2025, 12, 8)),
    ]
    weekly = str(selectors.grain_filter(date(2025, 4, 1), date(2025, 6, 30), grain="w"))
    assert "'w'" in weekly and "'m'" not in weekly


def test_satisfaction_follows_the_filters_it_can_and_is_absent_under_others(nd):
    from zhengtong.feedback.models_ratings import RatingRollup

    _w, cases = nd
    period = {"date_from": date(2025, 9, 1), "date_to": date(2025, 10, 31)}
    (dept,) = selectors.case_figures(**period, group="department")
    RatingRollup.objects.create(
        grain="department",
        month=date(2025, 10, 1),
        department_id=dept["key"],
        key_id=dept["key"],
        ratings=4,
        satisfied=3,
    )
    (dept,) = selectors.case_figures(**period, group="department")
    assert (dept["ratings"], dept["satisfaction_rate"]) == (4, 0.75)
    # ratings are not kept by channel: no department-wide rate beside
    # channel-filtered counts
    (online,) = selectors.case_figures(
        **period, group="department", channel=cases["A"].channel
    )
    assert (online["ratings"], online["satisfaction_rate"]) == (0, None)
