"""
即办件: due on the day of acceptance, red once that day has ended, and turned
into a 承诺件 only by ``case_convert_to_committed`` with a reason and the
permission ``cases.convert_instant``.

Dates: Monday 2026-06-15; 端午 2026-06-19 (Friday) is a holiday.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Permission

import pytest
import time_machine
from rest_framework.test import APIClient

from zhengtong.cases import services
from zhengtong.cases.constants import Lamp, Status
from zhengtong.cases.models import Case, Notification
from zhengtong.cases.services_instant import (
    case_convert_to_committed,
    instant_conversion_offered,
)
from zhengtong.catalog.tests.factories import ServiceItemFactory
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.core.tests.axe import assert_accessible

from .conftest import complete_case

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 6, 15, 10, tzinfo=SH)


def travel(y: int, m: int, d: int, hour: int = 10, minute: int = 0):
    return time_machine.travel(datetime(y, m, d, hour, minute, tzinfo=SH), tick=False)


@pytest.fixture
def instant_item(world):
    """A 即办件 whose guide also lists 3 working days (used once converted)."""
    return ServiceItemFactory(
        department=world.dept,
        published__handling_mode="immediate",
        published__promised_days=3,
        published__statutory_days=20,
    )


@pytest.fixture
def accepted(world, instant_item):
    """A 即办件 accepted on Monday 2026-06-15 at 10:00."""
    with travel(2026, 6, 15):
        case = complete_case(world, MONDAY, item=instant_item)
        return services.case_accept(case=case, actor=world.counter)


def lead(world):
    """The counter clerk, given cases.convert_instant (a 窗口负责人)."""
    world.counter.user_permissions.add(
        Permission.objects.get(codename="convert_instant")
    )
    return world.fresh(world.counter)


def events(case, action):
    return list(
        AuditEvent.objects.filter(
            stream=f"cases.case:{case.pk}", action=action
        ).order_by("seq")
    )


def test_accepting_an_instant_case_keeps_it_instant_and_due_that_day(accepted):
    case = Case.objects.get(pk=accepted.pk)
    assert case.handling_mode == "immediate"
    assert case.promised_days == 0  # 即时办结
    assert case.accepted_date == date(2026, 6, 15)
    assert case.due_date == date(2026, 6, 15)
    assert case.lamp == Lamp.YELLOW  # due today


def test_instant_case_still_open_after_its_day_is_red(accepted):
    with travel(2026, 6, 15, 23, 59):
        services.case_clocks_refresh()
        assert Case.objects.get(pk=accepted.pk).lamp == Lamp.YELLOW
    with travel(2026, 6, 16, 0, 10):  # the daily job's hour
        counts = services.case_clocks_refresh()
        case = Case.objects.get(pk=accepted.pk)
    assert case.lamp == Lamp.RED and counts["red"] == 1
    assert case.status == Status.ACCEPTED


def test_counter_clerk_without_permission_cannot_convert(world, accepted):
    with travel(2026, 6, 15, 11), pytest.raises(ApplicationError) as err:
        case_convert_to_committed(
            case=accepted, actor=world.counter, reason="需现场核查经营场所"
        )
    assert err.value.code == "instant_conversion_forbidden"
    assert err.value.status == 403
    case = Case.objects.get(pk=accepted.pk)
    assert case.handling_mode == "immediate" and case.due_date == date(2026, 6, 15)
    assert events(case, "convert_instant") == []


def test_conversion_needs_a_reason(world, accepted):
    clerk = lead(world)
    with travel(2026, 6, 15, 11), pytest.raises(ApplicationError) as err:
        case_convert_to_committed(case=accepted, actor=clerk, reason="   ")
    assert err.value.code == "reason_required" and err.value.status == 400
    assert Case.objects.get(pk=accepted.pk).handling_mode == "immediate"


def test_conversion_with_permission_and_reason_counts_the_promised_limit(
    world, accepted, django_capture_on_commit_callbacks
):
    clerk = lead(world)
    # two days late: the new clock still counts from the acceptance day
    with (
        travel(2026, 6, 17, 9),
        django_capture_on_commit_callbacks(execute=True),
    ):
        case = case_convert_to_committed(
            case=accepted, actor=clerk, reason="需现场核查经营场所，当场无法办结"
        )
    case = Case.objects.get(pk=case.pk)
    assert case.handling_mode == "committed"
    assert case.promised_days == 3
    # 06-16, 06-17, 06-18
    assert case.due_date == date(2026, 6, 18)
    assert case.lamp == Lamp.YELLOW
    (event,) = events(case, "convert_instant")
    assert event.reason == "需现场核查经营场所，当场无法办结"
    assert event.details["before"]["due_date"] == "2026-06-15"
    assert event.details["due_date"] == "2026-06-18"
    note = Notification.objects.get(user=world.applicant, event="instant_converted")
    assert "2026-06-18" in note.text and "当场无法办结" in note.text


def test_centre_admin_holds_the_permission_through_the_role(world, accepted):
    with travel(2026, 6, 15, 11):
        case = case_convert_to_committed(
            case=accepted, actor=world.admin, reason="需专家现场勘验"
        )
    assert case.handling_mode == "committed"


def test_an_item_listing_no_promised_days_falls_back_to_the_statutory_limit(world):
    item = ServiceItemFactory(
        department=world.dept,
        published__handling_mode="immediate",
        published__promised_days=0,
        published__statutory_days=20,
    )
    with travel(2026, 6, 15):
        case = complete_case(world, MONDAY, item=item)
        case = services.case_accept(case=case, actor=world.counter)
        assert case.due_date == date(2026, 6, 15)
        case = case_convert_to_committed(
            case=case, actor=world.admin, reason="需调取档案"
        )
    assert case.promised_days is None
    # 20 working days from 06-15, 端午 06-19 not counted
    assert case.due_date == date(2026, 7, 14)
    assert case.statutory_due_date == date(2026, 7, 14)


def test_a_committed_case_or_a_decided_one_cannot_be_converted(world, accepted):
    committed = complete_case(world, MONDAY)
    with travel(2026, 6, 15, 11), pytest.raises(ApplicationError) as err:
        case_convert_to_committed(case=committed, actor=world.admin, reason="x")
    assert err.value.code == "not_immediate_item"
    with travel(2026, 6, 15, 11):
        services.case_decide(
            case=accepted, actor=world.reviewer, outcome="approve", reason="符合"
        )
        with pytest.raises(ApplicationError) as err:
            case_convert_to_committed(case=accepted, actor=world.admin, reason="x")
    assert err.value.code == "invalid_transition" and err.value.status == 409


def test_accept_immediately_still_concludes_on_the_spot(world, instant_item):
    with travel(2026, 6, 15):
        case = complete_case(world, MONDAY, item=instant_item)
        case = services.case_accept_immediately(case=case, actor=world.reviewer)
    assert case.status == Status.CONCLUDED
    assert case.handling_mode == "immediate"


def test_api_door_refuses_without_permission_or_reason(world, accepted):
    url = f"/api/v1/cases/{accepted.pk}/convert-to-committed/"
    api = APIClient()
    with travel(2026, 6, 15, 11):
        api.force_authenticate(world.counter)
        r = api.post(url, {"reason": "需现场核查"}, format="json")
        assert r.status_code == 403
        assert r.json()["code"] == "instant_conversion_forbidden"
        api.force_authenticate(lead(world))
        r = api.post(url, {"reason": ""}, format="json")
        assert r.status_code == 400 and r.json()["code"] == "reason_required"
        # the accept door cannot change the handling mode either
        r = api.post(url, {"reason": "需现场核查"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == Status.ACCEPTED
    assert Case.objects.get(pk=accepted.pk).handling_mode == "committed"


def test_workbench_offers_the_button_only_to_who_may(client, world, accepted):
    url = f"/workbench/cases/{accepted.pk}/"
    with travel(2026, 6, 15, 11):
        client.force_login(world.counter)
        page = client.get(url).content.decode()
        assert "转为承诺件" not in page
        refused = client.post(
            f"/workbench/cases/{accepted.pk}/convert-instant/", {"reason": "核查"}
        )
        assert refused.status_code == 403
        assert "没有此权限" in refused.content.decode()
        clerk = lead(world)
        assert instant_conversion_offered(case=accepted, user=clerk)
        client.force_login(clerk)
        page = client.get(url).content.decode()
        assert "转为承诺件" in page and "<dialog" in page
        empty = client.post(f"/workbench/cases/{accepted.pk}/convert-instant/", {})
        assert empty.status_code == 400
        done = client.post(
            f"/workbench/cases/{accepted.pk}/convert-instant/",
            {"reason": "需现场核查经营场所"},
        )
    assert done.status_code == 302
    assert Case.objects.get(pk=accepted.pk).handling_mode == "committed"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_reason_dialog_in_chromium(django_db_setup, live_server, page, artifacts_dir):
    """Real date (the browser's session cookie must not expire): no date asserted."""
    from playwright.sync_api import expect

    from .conftest import World

    world = World()
    item = ServiceItemFactory(
        department=world.dept,
        name="个体工商户名称变更登记（演示）",
        published__handling_mode="immediate",
        published__promised_days=3,
        published__statutory_days=20,
    )
    case = complete_case(world, None, item=item)
    case = services.case_accept(case=case, actor=world.counter)
    lead(world)
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/accounts/login/?next=/workbench/cases/{case.pk}/")
    page.fill("#id_username", "counter")
    page.fill("#id_password", "pw-123456")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".status-big")).to_have_text("已受理")
    expect(page.get_by_text("（受理当日办结）")).to_be_visible()
    page.locator(".action-bar").get_by_role("link", name="转为承诺件").click()
    dialog = page.locator("#convert-instant-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("textarea").fill("需现场核查经营场所，当场无法办结。")
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "instant-01-reason-dialog.png"))
    dialog.get_by_role("button", name="确认转为承诺件").click()
    expect(page.locator(".msg-success")).to_contain_text("已转为承诺件")
    expect(page.locator(".timeline")).to_contain_text("需现场核查经营场所")
    assert_accessible(page)
    page.screenshot(
        path=str(artifacts_dir / "instant-02-converted.png"), full_page=True
    )
    assert Case.objects.get(pk=case.pk).handling_mode == "committed"
