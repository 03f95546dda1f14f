"""
End to end in Chromium: a branch department works on its branch of a 联办件.

A case of three departments accepted on Mon 2026-09-14. The reviewer of
区消防救援大队 opens 联办与转办 → the case's joint panel (three branches, the
other branches' internal notes hidden) → records 同意 with an opinion → the
branch shows 同意. Screenshots in test-artifacts/e2e-joint-NN-*.png, each
page checked with axe first.
"""

import re

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect

from zhengtong.cases import services

from .conftest import at, complete_case
from .joint_world import JointWorld
from .test_e2e import Shots

pytestmark = pytest.mark.e2e
PASSWORD = "pw-123456"  # the cases tests' World


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


@pytest.fixture
def frozen_moment():
    return at(2026, 9, 14)


@pytest.fixture
def joint_world(transactional_db, frozen_today):
    jw = JointWorld()
    case = complete_case(jw, at(2026, 9, 14))
    jw.case = services.case_accept(case=case, actor=jw.counter, now=at(2026, 9, 14))
    services.branch_decide(
        branch=jw.branch_of(jw.case, jw.other_dept),
        actor=jw.rev_other,
        outcome="approve",
        opinion="同意。",
        internal_note="市监内部：已核",
    )
    return jw


@pytest.mark.django_db(transaction=True)
def test_a_branch_department_records_its_decision(
    django_db_setup, live_server, joint_world, page: Page, artifacts_dir
):
    jw = joint_world
    base = live_server.url
    shot = Shots(artifacts_dir, prefix="e2e-joint")
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, base, "rev_third", reverse("workbench:joint-inbox"))
    expect(page.get_by_role("heading", name="联办与转办")).to_be_visible()
    shot(page, "inbox")
    page.get_by_role("link", name=jw.case.number).click()
    table = page.locator("table").first
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table).not_to_contain_text("市监内部：已核")  # another branch's note
    expect(table).to_contain_text("仅该部门可见")
    shot(page, "case")
    page.get_by_label("同意", exact=True).check()
    page.get_by_label(re.compile("^意见")).fill("消防设施符合要求。")
    page.get_by_role("button", name="登记本部门意见").click()
    expect(page.locator(".msg-success")).to_be_visible()
    row = page.locator("table").first.locator("tr", has_text=jw.third_dept.name)
    expect(row).to_contain_text("同意")
    expect(row).to_contain_text("消防设施符合要求。")
    shot(page, "decided")
