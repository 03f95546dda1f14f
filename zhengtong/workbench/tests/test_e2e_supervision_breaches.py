"""
End to end in Chromium, on a phone (390 px): a card from proposal to statement.

A department head proposes a 效能告诫 for one of the department's staff
→ the centre administrator decides it (黄牌) → the person files a
statement (申辩) after the decision, which keeps the decision.

Screenshots go to test-artifacts/e2e-breach-NN-*.png (one per page, each
page checked with axe first).
"""

import re

from django.urls import reverse

import pytest
from playwright.sync_api import Browser, Page, expect

from zhengtong.cases.tests.test_e2e import Shots
from zhengtong.supervision.constants import BreachState
from zhengtong.supervision.models import Breach
from zhengtong.supervision.tests.order_world import OrderWorld

pytestmark = pytest.mark.e2e
PASSWORD = "pw-123456"  # the cases tests' World
PHONE = {"width": 390, "height": 844}


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(next_path.split("?")[0])))


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"page is {width}px wide on a phone"


@pytest.mark.django_db(transaction=True)
def test_head_proposes_admin_decides_person_states_on_a_phone(
    django_db_setup, live_server, frozen_today, browser: Browser, artifacts_dir
):
    w = OrderWorld()
    base = live_server.url
    shot = Shots(artifacts_dir, prefix="e2e-breach")

    head = browser.new_context(viewport=PHONE).new_page()
    login(head, base, w.head.username, reverse("workbench:supervision-breach-new"))
    head.get_by_label("失职情形").select_option(label="首问转交未确认或推诿")
    head.get_by_label("责任人").select_option(value=str(w.reviewer.pk))
    head.get_by_label("证据类型").select_option(value="first_question")
    head.get_by_label("事实与证据").fill("3月2日上午群众首问咨询，未登记、未转交。")
    fits(head)
    shot(head, "propose")
    head.get_by_role("button", name="提出", exact=True).click()
    expect(head.locator(".msg-success")).to_contain_text("待有权人员认定")
    breach = Breach.objects.get()
    assert breach.state == BreachState.PROPOSED
    fits(head)
    shot(head, "proposed")

    admin = browser.new_context(viewport=PHONE).new_page()
    detail = reverse("workbench:supervision-breach-detail", args=[breach.pk])
    login(admin, base, w.admin.username, detail)
    admin.get_by_label("认定措施").select_option(label="黄牌（效能告诫）")
    admin.get_by_label("认定理由").fill("经调取首问登记和监控核实属实。")
    admin.get_by_role("button", name="认定", exact=True).click()
    expect(admin.locator(".msg-success")).to_contain_text("已认定")
    fits(admin)
    shot(admin, "decided")

    person = browser.new_context(viewport=PHONE).new_page()
    login(person, base, w.reviewer.username, detail)
    expect(person.get_by_text("黄牌（效能告诫）").first).to_be_visible()
    person.get_by_label("申辩内容").fill("当时正在办理急件，已向群众致歉。")
    person.get_by_role("button", name="提交申辩").click()
    expect(person.locator(".msg-success")).to_be_visible()
    expect(person.locator(".statement")).to_contain_text("认定后申辩")
    fits(person)
    shot(person, "statement")
    breach.refresh_from_db()
    assert breach.state == BreachState.DECIDED
    assert breach.measure.code == "yellow_card"
    for opened in (head, admin, person):
        opened.context.close()
