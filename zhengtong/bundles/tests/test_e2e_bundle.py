"""
End to end in Chromium: a 一件事 application from questionnaire to the
combined status page.

The applicant opens 一件事 → 新生儿出生一件事, answers the questionnaire
(医保参保 yes, 社保卡 no, 灵活就业) → 3 of 5 items → fills the combined form
once, uploads 户口簿 once, chooses 邮寄送达 once → submits once → the status
page lists three sub-cases in three departments and the one shared file.
Then at phone width the status page again. Screenshots go to
test-artifacts/e2e-bundles-NN-*.png, each page checked with axe first.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from zhengtong.bundles.models import BundleApplication
from zhengtong.cases.models import Case, CaseMaterial
from zhengtong.cases.tests.conftest import PDF_BYTES
from zhengtong.cases.tests.test_e2e import Shots

from .conftest import World

pytestmark = pytest.mark.e2e


@pytest.mark.django_db(transaction=True)
def test_questionnaire_form_upload_submit_status(
    django_db_setup, live_server, frozen_today, page: Page, artifacts_dir
):
    World()
    base = live_server.url
    shot = Shots(artifacts_dir, prefix="e2e-bundles")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.on("dialog", lambda dialog: dialog.accept())

    page.goto(f"{base}/accounts/login/?next=/bundles/")
    page.fill("#id_username", "mother")
    page.fill("#id_password", "pw-123456")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile("/bundles/$"))
    shot(page, "list")

    page.get_by_role("link", name=re.compile("开始办理")).first.click()
    expect(
        page.get_by_role("heading", name="新生儿出生一件事", level=1)
    ).to_be_visible()
    page.get_by_role("group", name=re.compile("医保参保")).get_by_label("是").check()
    page.get_by_role("group", name=re.compile("社保卡")).get_by_label("否").check()
    page.get_by_label("灵活就业或无业").check()
    page.get_by_role("button", name="确定办理事项").click()
    expect(
        page.get_by_role("heading", name=re.compile("需要办理 3 个事项"))
    ).to_be_visible()
    shot(page, "questionnaire")

    page.get_by_role("link", name="填写合并申请表").click()
    page.get_by_label("新生儿姓名").fill("王小宝")
    page.get_by_label("联系电话").fill("13800001111")
    page.get_by_role("radio", name="邮寄送达", exact=True).check()
    page.get_by_label(re.compile("邮寄地址")).fill("广安区建设路1号")
    page.get_by_label("户口簿").set_input_files(
        files=[
            {"name": "户口簿.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        ]
    )
    shot(page, "combined-form")
    page.get_by_role("button", name="一次提交全部申请").click()

    expect(
        page.get_by_role("heading", name=re.compile("各事项办理进度"))
    ).to_be_visible()
    application = BundleApplication.objects.get()
    expect(page.get_by_text(application.number)).to_be_visible()
    rows = page.locator("table.bundle-cases tbody tr")
    expect(rows).to_have_count(3)
    expect(page.get_by_text("用于 3 个办件")).to_be_visible()
    shot(page, "status")
    assert Case.objects.count() == 3
    assert len({m.file.name for m in CaseMaterial.objects.all()}) == 1

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(rows.first).to_be_visible()
    shot(page, "status-phone")
