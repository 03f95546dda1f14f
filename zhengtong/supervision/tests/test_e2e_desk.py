"""
End to end in Chromium: the supervision desk's flow (电子监察台).

A case accepted on Tue 2026-02-24 with a 5-working-day promise was due on
Mon 03-02 (Sat 02-28 is a 调休 working day); on Mon 2026-03-16 the sweep
has it red.  The supervisor logs in
→ the desk shows the red count of 区行政审批局 → its list → the case page →
opens a supervision order → the department head replies → the supervisor
accepts the reply and the order is closed.

Screenshots go to test-artifacts/e2e-supervision-NN-*.png (one per page,
each page checked with axe first).
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

import pytest
from playwright.sync_api import Browser, Page, expect

from zhengtong.cases import services as case_services
from zhengtong.cases.tests.conftest import complete_case
from zhengtong.cases.tests.test_e2e import Shots
from zhengtong.supervision.constants import ClockKind, Lamp, OrderState
from zhengtong.supervision.models import Clock, SupervisionOrder
from zhengtong.supervision.services.sweep import supervision_sweep

from .conftest import SupervisionWorld

TZ = ZoneInfo("Asia/Shanghai")
PASSWORD = "pw-123456"  # the cases tests' World

pytestmark = pytest.mark.e2e


@pytest.fixture
def frozen_moment() -> datetime:
    return datetime(2026, 3, 16, 10, 0, tzinfo=TZ)


@pytest.fixture
def red_case(transactional_db, frozen_today):
    w = SupervisionWorld()
    accepted_on = datetime(2026, 2, 24, 10, tzinfo=TZ)
    case = complete_case(w, accepted_on)
    case = case_services.case_accept(case=case, actor=w.counter, now=accepted_on)
    supervision_sweep()
    clock = Clock.objects.get(kind=ClockKind.CASE, object_id=case.pk)
    assert clock.lamp == Lamp.RED
    w.case = case
    return w


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(next_path.split("?")[0])))


@pytest.mark.django_db(transaction=True)
def test_red_count_list_case_order_reply_accept(
    django_db_setup, live_server, red_case, page: Page, browser: Browser, artifacts_dir
):
    w = red_case
    base = live_server.url
    shot = Shots(artifacts_dir, prefix="e2e-supervision")
    page.set_viewport_size({"width": 1366, "height": 900})

    # Supervisor: the desk → the red count of 区行政审批局.
    login(page, base, "super", reverse("workbench:supervision-desk"))
    expect(page.get_by_role("heading", name=re.compile("电子监察台"))).to_be_visible()
    expect(page.locator("#lamp-chart svg")).to_be_visible()  # ECharts drew
    row = page.locator(".count-table tbody tr", has_text="区行政审批局").first
    red = row.locator("a[data-count=red]")
    expect(red).to_have_text(re.compile(r"^\d+$"))
    red_count = int(red.inner_text())
    assert (
        red_count
        == Clock.objects.filter(
            department=w.dept, lamp=Lamp.RED, state__in=("running", "suspended")
        ).count()
    )
    shot(page, "desk")
    red.click()

    # The list behind the count: the same number, the case among the rows.
    expect(page.locator("[data-list-total]")).to_have_text(str(red_count))
    expect(page.locator(".clock-table tbody tr")).to_have_count(red_count)
    shot(page, "red-list")
    page.locator(".clock-table").get_by_role("link", name=w.case.number).first.click()

    # The case page (timeline) → open an order on the case.
    expect(page).to_have_url(
        re.compile(re.escape(reverse("workbench:case-detail", args=[w.case.pk])))
    )
    expect(page.get_by_text(w.case.number).first).to_be_visible()
    shot(page, "case")
    page.get_by_role("link", name="督办", exact=True).click()
    page.get_by_label("督办事由").fill("办件已超过承诺办结日（3月2日）仍未办结。")
    page.get_by_label("督办要求").fill("立即办结，并书面说明超期原因。")
    page.get_by_label(re.compile("回复时限")).fill("3")
    shot(page, "order-form")
    page.get_by_role("button", name="签发督办单").click()
    expect(page.locator(".msg-success")).to_contain_text("已开具督办单")
    order = SupervisionOrder.objects.filter(auto=False).get()
    assert order.state == OrderState.OPEN
    shot(page, "order-open")

    # The department head replies.
    head = browser.new_context(viewport={"width": 1366, "height": 900})
    head_page = head.new_page()
    detail = reverse("workbench:supervision-order-detail", args=[order.pk])
    login(head_page, base, "head", detail)
    head_page.get_by_label("办理情况").fill(
        "已于今日办结，超期原因为材料核验延误，已整改。"
    )
    head_page.get_by_role("button", name="提交回复").click()
    expect(head_page.locator(".msg-success")).to_be_visible()
    shot(head_page, "head-replied")
    head.close()
    order.refresh_from_db()
    assert order.state == OrderState.REPLIED

    # The supervisor accepts the reply: the order is closed.
    page.goto(base + detail)
    page.get_by_role("button", name="审核通过，办结").click()
    expect(page.locator(".msg-success")).to_be_visible()
    shot(page, "accepted")
    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED
