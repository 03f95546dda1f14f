"""
The monthly assessment of a toy month, computed by hand (April 2026).

Default scheme: categories 10/15/30/15/15/15; on-time 0.5 per point below
100% (cap 20), overdue 2 each (cap 10), complaint 5, bad rating 1, cards
their measure's points (黄牌 3), entries as entered; stars ≥95 5, ≥85 4,
≥75 3, ≥60 2.

Counters: 1 号 10/10 on time → 100; 2 号 9/10 (90%: −5) and 1 overdue (−2)
→ 93; 3 号 4/4 with a −2 劳动纪律 entry → 98; 9 号 (other department) no
case → 100.  Staff: 赵审批 8/8 → 100; 王窗口 5/5 → 100; 孙备岗 8/8 → 100
(97 with a 黄牌); 外部门 3/10 on time (70 points below: −35 capped at 20)
and 7 overdue (−14 capped at 10) → 70, two stars.
"""

from datetime import datetime
from decimal import Decimal

import pytest

from zhengtong.stats.models_assessment import AssessmentScheme
from zhengtong.stats.services.assessment import (
    Rule,
    Scheme,
    period_months,
    scheme_for_region,
    subject_score,
)
from zhengtong.stats.services.assessment_month import (
    assessment_compute,
    points_entry_create,
)

from .assessment_world import APRIL, MARCH, AssessmentWorld, moment

pytestmark = pytest.mark.usefixtures("frozen_today")  # 2026-05-15, see below


@pytest.fixture
def frozen_moment() -> datetime:
    return moment(2026, 5, 15)


@pytest.fixture
def aw(db) -> AssessmentWorld:
    w = AssessmentWorld()
    w.april()
    return w


def by_name(rows):
    return {r["name"]: r for r in rows}


def test_toy_month_scores_ranks_and_stars_by_hand(aw):
    points_entry_create(
        actor=aw.supervisor,
        month=APRIL,
        category="discipline",
        points="-2",
        evidence_text="4 月 3 次迟到（考勤记录）",
        counter=aw.counter_c,
    )
    aw.card(person=aw.reviewer_b)
    results = assessment_compute(month=APRIL)

    counters = by_name(results["counters"])
    assert [(r["name"], r["score"], r["rank"]) for r in results["counters"]] == [
        ("1 号窗口", 100.0, 1),
        ("9 号窗口", 100.0, 2),  # equal score, fewer cases on time
        ("3 号窗口", 98.0, 3),
        ("2 号窗口", 93.0, 4),
    ]
    assert counters["2 号窗口"]["stars"] == 4
    assert counters["2 号窗口"]["categories"]["efficiency"] == 23.0
    assert any("低于目标 100%，扣 5 分" in r for r in counters["2 号窗口"]["reasons"])
    assert any("超期办结 1 件，扣 2 分" in r for r in counters["2 号窗口"]["reasons"])
    assert any("迟到" in r for r in counters["3 号窗口"]["reasons"])

    staff = by_name(results["staff"])
    assert [(r["name"], r["score"], r["rank"]) for r in results["staff"]] == [
        ("赵审批", 100.0, 1),
        ("王窗口", 100.0, 2),
        ("孙备岗", 97.0, 3),
        ("外部门", 70.0, 4),
    ]
    assert staff["孙备岗"]["categories"]["discipline"] == 12.0
    assert any("黄牌" in r for r in staff["孙备岗"]["reasons"])
    assert staff["外部门"]["categories"]["efficiency"] == 0.0  # both caps
    assert staff["外部门"]["stars"] == 2
    # 服务明星: the best ranked five-star person without a card
    assert [r["name"] for r in results["staff"] if r["service_star"]] == ["赵审批"]
    assert any("服务明星" in r for r in staff["赵审批"]["reasons"])


def test_full_tie_shares_the_rank_and_both_are_service_stars(aw):
    staff = assessment_compute(month=APRIL)["staff"]
    assert [(r["name"], r["rank"]) for r in staff] == [
        ("孙备岗", 1),  # 100 points, 8 on time: tied, listed by name
        ("赵审批", 1),
        ("王窗口", 3),
        ("外部门", 4),
    ]
    assert {r["name"] for r in staff if r["service_star"]} == {"孙备岗", "赵审批"}


def test_red_flag_top_n_of_the_two_month_period_meeting_the_thresholds(aw):
    AssessmentScheme.objects.filter(region__isnull=True).update(red_flag_count=2)
    points_entry_create(
        actor=aw.supervisor,
        month=MARCH,
        category="service",
        points="-5",
        evidence_text="3 月群众当面反映态度生硬（录音）",
        counter=aw.counter_x,
    )
    results = assessment_compute(month=APRIL)
    assert results["red_flag_period"] == ["2026-03", "2026-04"]
    flags = [r["name"] for r in results["counters"] if r["red_flag"]]
    # averages: 1 号 100; 3 号 100; 9 号 (95 + 100) / 2 = 97.5 but it
    # concluded nothing; 2 号 had an overdue case (threshold 0): both out
    assert flags == ["1 号窗口", "3 号窗口"]
    AssessmentScheme.objects.filter(region__isnull=True).update(red_flag_count=1)
    results = assessment_compute(month=APRIL)
    # 1 号 and 3 号 both average 100: more cases on time (10 against 4) first
    assert [r["name"] for r in results["counters"] if r["red_flag"]] == ["1 号窗口"]
    assert results["staff"] and not any(r["red_flag"] for r in results["staff"])
    # March closes no period: nobody is elected
    march = assessment_compute(month=MARCH)
    assert march["red_flag_period"] == []
    assert not any(r["red_flag"] for r in march["counters"])


def test_a_region_scheme_is_data_and_replaces_the_default(aw):
    from zhengtong.catalog.tests.factories import RegionFactory

    region = RegionFactory()
    scheme = AssessmentScheme.objects.create(
        region=region,
        name="地方方案",
        category_points={"efficiency": 50, "service": 50},
        star_bands=[[90, 5], [0, 1]],
    )
    scheme.indicators.create(source="overdue", category="efficiency", points=10)
    rules = scheme_for_region(region.code)
    assert rules.name == "地方方案"
    assert scheme_for_region("").name != "地方方案"
    result = subject_score(
        scheme=rules, kind="counter", figures={"concluded": 3, "overdue": 2}
    )
    assert result["score"] == 80.0
    assert result["stars"] == 1


def test_complaints_bad_ratings_and_entries_are_capped_to_the_category():
    scheme = Scheme(
        name="t",
        category_points={
            "political": Decimal(10),
            "skill": Decimal(15),
            "efficiency": Decimal(30),
            "discipline": Decimal(15),
            "service": Decimal(15),
            "integrity": Decimal(15),
        },
        star_bands=((Decimal(95), 5), (Decimal(85), 4), (Decimal(75), 3)),
        rules=(
            Rule("complaints", "integrity", "both", Decimal(5), cap=Decimal(15)),
            Rule("bad_ratings", "service", "staff", Decimal(1), cap=Decimal(10)),
            Rule("entries", "skill", "both", Decimal(1)),
        ),
    )
    figures = {
        "concluded": 2,
        "on_time": 2,
        "complaints": 4,  # 20 → capped 15
        "bad_ratings": 3,
        "entries": [{"category": "skill", "points": 6, "text": "业务比武第一"}],
    }
    staff = subject_score(scheme=scheme, kind="staff", figures=figures)
    assert staff["categories"]["integrity"] == 0.0
    assert staff["categories"]["service"] == 12.0
    assert staff["categories"]["skill"] == 15.0  # a bonus never passes full
    assert staff["score"] == 82.0
    assert staff["stars"] == 3
    counter = subject_score(scheme=scheme, kind="counter", figures=figures)
    assert counter["categories"]["service"] == 15.0  # staff-only rule


def test_period_months_follow_the_configured_period():
    scheme = Scheme(name="t", category_points={}, star_bands=(), rules=())
    assert period_months(APRIL, scheme) == [MARCH, APRIL]
    assert period_months(MARCH, scheme) is None
    monthly = Scheme(
        name="t", category_points={}, star_bands=(), rules=(), red_flag_period_months=1
    )
    assert period_months(MARCH, monthly) == [MARCH]


def test_default_scheme_seed_is_idempotent_and_sums_to_100(db):
    from zhengtong.stats.models_assessment import AssessmentIndicator
    from zhengtong.stats.scheme import scheme_seed

    first = scheme_seed(AssessmentScheme, AssessmentIndicator)  # the migration's
    first.red_flag_count = 5  # a region's edit is kept
    first.save()
    again = scheme_seed(AssessmentScheme, AssessmentIndicator)
    assert again.pk == first.pk and again.red_flag_count == 5
    assert AssessmentScheme.objects.filter(region__isnull=True).count() == 1
    assert first.indicators.count() == 11
    assert sum(first.category_points.values()) == 100
