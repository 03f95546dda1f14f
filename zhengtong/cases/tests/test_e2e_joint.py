"""
End to end in Chromium: a branch department works on its branch of a 联办件.

A case of three departments accepted on Mon 2026-09-14. The reviewer of
区消防救援大队 opens 联办与转办 → the case's joint panel (three branches, the
other branches' internal notes hidden) → completes its 承办 step → at the
last step (审核批准) records 同意 with an opinion → the branch shows 同意. Screenshots in test-artifacts/e2e-joint-NN-*.png, each
page checked with axe first.
"""

import re

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect

from zhengtong.accounts.constants import Role
from zhengtong.cases import services
from zhengtong.cases.models_joint import JointBranchTemplate, JointStepTemplate

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
    tpl = JointBranchTemplate.objects.get(department=jw.third_dept)
    for order, name in enumerate(("承办", "审核批准"), start=1):
        JointStepTemplate.objects.create(
            branch=tpl, order=order, name=name, role=Role.REVIEWER
        )
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
    expect(table).to_contain_text("审核批准")  # the branch's own steps
    shot(page, "case")
    with page.expect_navigation():
        page.get_by_role("button", name="完成“承办”，转下一环节").click()
    expect(page.locator(".msg-success")).to_be_visible()
    with page.expect_navigation():
        page.get_by_label("同意", exact=True).check()
        page.get_by_label(re.compile("^意见")).fill("消防设施符合要求。")
        page.get_by_role("button", name=re.compile("^登记本部门意见")).click()
    expect(page.locator(".msg-success")).to_have_text("本部门意见已登记。")
    row = page.locator("table").first.locator("tr", has_text=jw.third_dept.name)
    expect(row).to_contain_text("同意")
    expect(row).to_contain_text("消防设施符合要求。")
    shot(page, "decided")
