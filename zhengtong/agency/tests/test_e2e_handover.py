"""
End to end in Chromium: the 统一出件 desk (one window out).

Two results are ready: one received in hall A, one in hall B. A clerk of
another department sitting at hall A's counter opens the desk → sees only
hall A's case → opens it → a wrong ID number is refused (the applicant's
masked) → the right one hands the result over → the desk is empty; the
desk is also shown at phone width. Screenshots go to
test-artifacts/e2e-handover-NN-*.png, each page checked with axe first.
"""

import re

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect

from zhengtong.cases.models import Case
from zhengtong.cases.tests.test_e2e import Shots
from zhengtong.queueing.tests.factories import open_all_day

from .conftest import APPLICANT_ID, AgencyWorld

pytestmark = pytest.mark.e2e
PASSWORD = "pw-123456"  # the cases tests' World


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(next_path)))


@pytest.fixture
def desk_world(transactional_db, frozen_today):
    w = AgencyWorld()
    open_all_day(w.hall_a.hall)
    open_all_day(w.hall_b.hall)
    w.ready_a = w.case_received_at(w.hall_a)
    w.ready_b = w.case_received_at(w.hall_b)
    return w


@pytest.mark.django_db(transaction=True)
def test_the_handover_desk_refuses_a_wrong_id_and_hands_over(
    django_db_setup, live_server, desk_world, page: Page, artifacts_dir
):
    w = desk_world
    shot = Shots(artifacts_dir, prefix="e2e-handover")
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server.url, "foreign", reverse("workbench:agency-handover-desk"))

    expect(page.get_by_role("heading", name=re.compile("统一出件台"))).to_be_visible()
    table = page.locator(".handover-table tbody tr")
    expect(table).to_have_count(1)
    expect(table.first).to_contain_text(w.ready_a.number)
    expect(page.locator("body")).not_to_contain_text(w.ready_b.number)
    expect(page.locator("body")).not_to_contain_text(APPLICANT_ID)
    shot(page, "desk")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "desk-phone")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_role("link", name=f"为 {w.ready_a.number} 办理出件").click()
    expect(page.get_by_role("heading", name="办理出件")).to_be_visible()
    page.get_by_label("窗口领取").check()
    page.get_by_label("领取核验").select_option("id_check")
    page.get_by_label("领取人证件号码").fill("110101199001010000")
    shot(page, "form")
    page.get_by_role("button", name="确认出件").click()
    expect(page.locator(".error-summary")).to_contain_text("不一致")
    expect(page.locator(".error-summary")).to_contain_text("1101**********1234")
    shot(page, "wrong-id")
    assert Case.objects.get(pk=w.ready_a.pk).delivered_at is None

    page.get_by_label("领取人证件号码").fill(APPLICANT_ID)
    page.get_by_role("button", name="确认出件").click()
    expect(page.locator(".msg-success")).to_contain_text("已出件")
    expect(page.locator(".handover-table")).to_have_count(0)
    shot(page, "done")
    case = Case.objects.get(pk=w.ready_a.pk)
    assert case.delivery_method == "counter_pickup"
    assert case.handover.identity_check == "id_check"
