"""
End to end in Chromium: the counter's rater (评价器).

The tablet is paired with counter 7 and idles → the clerk finishes a
ticket → the tablet shows it, nothing pre-selected → the citizen rates it
非常不满意 → thanks → the clerk's department finds the bad rating in its
rectification queue.

Screenshots go to test-artifacts/e2e-rater-NN-*.png (each page checked
with axe first).
"""

import re

from django.urls import reverse

import pytest
from playwright.sync_api import Browser, Page, expect

from zhengtong.cases.tests.test_e2e import Shots
from zhengtong.feedback.models_ratings import Rating, Rectification

from .ratings_world import RatingsWorld, at

pytestmark = pytest.mark.e2e
PASSWORD = "pw-123456"  # the cases tests' World


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(next_path)))


@pytest.fixture
def frozen_moment():
    return at(2026, 6, 15, 10)


@pytest.mark.django_db(transaction=True)
def test_ticket_finished_tablet_rates_bad_rating_reaches_the_queue(
    django_db_setup,
    live_server,
    frozen_today,
    page: Page,
    browser: Browser,
    artifacts_dir,
):
    w = RatingsWorld()
    base = live_server.url
    shot = Shots(artifacts_dir, prefix="e2e-rater")
    tablet = browser.new_page(viewport={"width": 1024, "height": 768})
    tablet.goto(f"{base}{reverse('portal:feedback-rater')}?device={w.device.token}")
    expect(tablet).to_have_url(re.compile(r"/feedback/rater/$"))
    expect(tablet.get_by_role("heading", name="欢迎评价我们的服务")).to_be_visible()
    shot(tablet, "idle")

    ticket = w.ticket()  # the clerk finishes the service at counter 7
    expect(tablet.get_by_role("heading", name="请您为本次服务评价")).to_be_visible(
        timeout=10_000
    )
    expect(tablet.locator('[data-field="number"]')).to_have_text(ticket.number)
    assert tablet.locator('input[name="level"]:checked').count() == 0
    shot(tablet, "shows-ticket")
    tablet.locator(".rater-levels").get_by_text("非常不满意", exact=True).click()
    tablet.get_by_role("button", name="提交评价").click()
    expect(tablet.get_by_role("heading", name="感谢您的评价！")).to_be_visible()
    shot(tablet, "thanks")
    # the tablet polls the server every 2 s: close it, or it keeps reading the
    # test database while later tests of this worker write to it
    tablet.close()
    rating = Rating.objects.get(event_kind="ticket", event_id=ticket.pk)
    assert rating.level == 1 and rating.channel == "device"
    rect = Rectification.objects.get(rating=rating)

    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, base, "counter", reverse("workbench:feedback-rectifications"))
    row = page.locator("table tbody tr", has_text="非常不满意")
    expect(row).to_have_count(1)
    shot(page, "queue")
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("差评整改"))).to_be_visible()
    expect(page.get_by_role("heading", name="核实差评")).to_be_visible()
    shot(page, "detail")
    assert rect.department_id == w.dept.pk
