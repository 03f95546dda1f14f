"""Major projects (四办): the thresholds at their boundaries, per region."""

from decimal import Decimal

import pytest

from zhengtong.agency import services
from zhengtong.agency.constants import ProjectStage, Sector
from zhengtong.agency.models import MajorProject, MajorProjectRule, MajorProjectStage
from zhengtong.catalog.tests.factories import RegionFactory
from zhengtong.core.errors import ApplicationError

from .conftest import default_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules():
    default_rules()


@pytest.mark.parametrize(
    ("sector", "amounts", "major"),
    [
        (Sector.INDUSTRY, {"registered_capital_wan": 1000}, True),
        (Sector.INDUSTRY, {"registered_capital_wan": "999.99"}, False),
        (Sector.INDUSTRY, {"foreign_capital_usd_wan": 100}, True),
        (Sector.INDUSTRY, {"foreign_capital_usd_wan": "99.99"}, False),
        (Sector.INDUSTRY, {"total_investment_wan": 5000}, True),
        (Sector.INDUSTRY, {"total_investment_wan": 4999}, False),
        (Sector.SERVICES, {"registered_capital_wan": 1000}, False),
        (Sector.SERVICES, {"registered_capital_wan": 3000}, True),
        (Sector.SERVICES, {"foreign_capital_usd_wan": 300}, True),
        (Sector.SERVICES, {"foreign_capital_usd_wan": 299}, False),
        (Sector.SERVICES, {"total_investment_wan": 20000}, True),
        (Sector.SERVICES, {"total_investment_wan": "19999.99"}, False),
        (Sector.INDUSTRY, {}, False),
    ],
)
def test_a_project_is_major_at_exactly_the_threshold(rules, sector, amounts, major):
    verdict = services.major_project_check(region=None, sector=sector, **amounts)
    assert verdict.is_major is major
    assert bool(verdict.reasons) is major


def test_a_region_rule_overrides_the_default_and_children_inherit_it(rules):
    city = RegionFactory(code="511600000000", name="广安市", level="city")
    district = RegionFactory(code="511602000000", parent=city)
    MajorProjectRule.objects.create(
        region=city,
        sector=Sector.INDUSTRY,
        registered_capital_wan=Decimal(500),
        foreign_capital_usd_wan=Decimal(50),
        total_investment_wan=Decimal(2000),
    )
    kwargs = {"sector": Sector.INDUSTRY, "registered_capital_wan": 600}
    assert services.major_project_check(region=None, **kwargs).is_major is False
    assert services.major_project_check(region=city, **kwargs).is_major is True
    assert services.major_project_check(region=district, **kwargs).is_major is True


def test_no_rule_and_bad_amounts_are_refused_in_chinese():
    with pytest.raises(ApplicationError) as err:
        services.major_project_check(region=None, sector=Sector.INDUSTRY)
    assert err.value.code == "no_threshold_rule"
    default_rules()
    for bad in ("-1", "abc", "NaN", "1e20"):
        with pytest.raises(ApplicationError) as err:
            services.major_project_check(
                region=None, sector=Sector.INDUSTRY, registered_capital_wan=bad
            )
        assert err.value.code == "invalid_input"
        assert "注册资本" in err.value.message
    with pytest.raises(ApplicationError):
        services.major_project_check(region=None, sector="mining")


def test_the_four_stages_are_recorded_in_order_by_the_follow_up_officer(aworld):
    project = services.major_project_register(
        actor=aworld.admin,
        name="新能源电池生产线",
        enterprise="某新能源有限公司",
        sector=Sector.INDUSTRY,
        total_investment_wan=5000,
        follow_up_officer=aworld.officer_user,
        windows=3,
    )
    assert project.stage == ProjectStage.RECEPTION
    assert project.major_reasons == ["投资总额 5000 万元 ≥ 5000 万元"]
    for expected in ("review", "joint", "assist", "supervise", "closed"):
        project = services.major_project_advance(
            project=project, actor=aworld.officer_user, note=f"{expected} 已办理"
        )
        assert project.stage == expected
    stages = list(
        MajorProjectStage.objects.filter(project=project).values_list(
            "stage", flat=True
        )
    )
    assert stages == [
        "reception", "review", "joint", "assist", "supervise", "closed"
    ]  # fmt: skip
    with pytest.raises(ApplicationError) as err:
        services.major_project_advance(project=project, actor=aworld.admin, note="x")
    assert err.value.status == 409


def test_only_the_follow_up_officer_or_admin_advances_and_small_projects_are_refused(
    aworld,
):
    project = services.major_project_register(
        actor=aworld.admin,
        name="物流园",
        enterprise="某物流公司",
        sector=Sector.SERVICES,
        registered_capital_wan=3000,
        follow_up_officer=aworld.officer_user,
    )
    with pytest.raises(ApplicationError) as err:
        services.major_project_advance(project=project, actor=aworld.counter, note="x")
    assert err.value.status == 403
    with pytest.raises(ApplicationError) as err:
        services.major_project_register(
            actor=aworld.admin,
            name="小超市",
            enterprise="某超市",
            sector=Sector.SERVICES,
            registered_capital_wan=2999,
            follow_up_officer=aworld.officer_user,
        )
    assert err.value.code == "not_major_project"
    with pytest.raises(ApplicationError) as err:
        services.major_project_register(
            actor=aworld.counter,
            name="x",
            enterprise="y",
            sector=Sector.SERVICES,
            registered_capital_wan=9000,
            follow_up_officer=aworld.officer_user,
        )
    assert err.value.status == 403
    assert MajorProject.objects.count() == 1
