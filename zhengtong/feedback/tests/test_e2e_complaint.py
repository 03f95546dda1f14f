"""
End to end in Chromium: a complaint from the portal to its reply (投诉).

The applicant opens 我的投诉 → 我要投诉, picks “超公示标准收取费用”, writes
the complaint and submits it (网上 = written: a written reply is due within 5
working days) → the complaint office (监察人员) finds it in the register,
opens it and replies in writing → the applicant sees the reply and
downloads the written reply (PDF).

Screenshots go to test-artifacts/e2e-complaint-NN-*.png (one per page, each
page checked with axe first).
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

import pytest
from playwright.sync_api import Browser, Page, expect

from zhengtong.cases.tests.test_e2e import Shots
from zhengtong.feedback.models import Complaint

from .complaint_world import ComplaintWorld

TZ = ZoneInfo("Asia/Shanghai")
PASSWORD = "pw-123456"

pytestmark = pytest.mark.e2e


@pytest.fixture
def frozen_moment() -> datetime:
    return datetime(2026, 3, 2, 10, 0, tzinfo=TZ)


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(next_path.split("?")[0])))


@pytest.mark.django_db(transaction=True)
def test_complaint_from_portal_to_written_reply(
    django_db_setup,
    live_server,
    frozen_today,
    page: Page,
    browser: Browser,
    artifacts_dir,
):
    ComplaintWorld()
    base = live_server.url
    shot = Shots(artifacts_dir, prefix="e2e-complaint")
    page.set_viewport_size({"width": 390, "height": 844})

    # The applicant, on a phone: 我的投诉 → 我要投诉.
    login(page, base, "zhang", reverse("portal:feedback-complaints"))
    page.get_by_role("link", name="我要投诉").first.click()
    page.get_by_label("超公示标准收取费用").check()
    page.get_by_label("投诉内容").fill(
        "3月2日在3号窗口办理登记，被收取了公示标准以外的费用。"
    )
    shot(page, "form")
    page.get_by_role("button", name="提交投诉").click()
    expect(page.locator(".messages .msg")).to_contain_text("投诉已受理")
    complaint = Complaint.objects.get()
    assert complaint.written and complaint.reply_due.isoformat() == "2026-03-09"
    expect(page.get_by_text("正在办理")).to_be_visible()
    shot(page, "submitted")

    # The complaint office replies in writing.
    office = browser.new_context(viewport={"width": 1366, "height": 900})
    office_page = office.new_page()
    login(office_page, base, "super", reverse("workbench:feedback-complaints"))
    office_page.get_by_role("link", name=complaint.number).click()
    expect(
        office_page.get_by_role("heading", name=re.compile("不按规定收费"))
    ).to_be_visible()
    office_page.get_by_label("答复内容").fill(
        "经核查，窗口误收材料复印费10元，已退还并对当事人批评教育。"
    )
    office_page.get_by_label("核实结论").select_option("yes")
    shot(office_page, "office-reply")
    office_page.get_by_role("button", name="答复", exact=True).click()
    # the written reply renders its PDF in the request: slow on a busy machine
    expect(office_page.locator(".messages .msg")).to_be_visible(timeout=30_000)
    expect(office_page.locator("dl.kv")).to_contain_text("已退还并对当事人批评教育")
    shot(office_page, "office-replied")
    office.close()

    # The applicant sees the reply and downloads the written reply.
    page.reload()
    expect(page.get_by_text("已答复").first).to_be_visible()
    expect(page.get_by_text("已退还并对当事人批评教育")).to_be_visible()
    shot(page, "reply")
    pdf = page.request.get(
        base + reverse("portal:feedback-complaint-pdf", args=[complaint.pk])
    )
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
