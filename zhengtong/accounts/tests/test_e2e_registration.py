"""
End to end in Chromium on a phone: a citizen alone finds the public doors,
registers with an SMS code, reaches 实名认证, logs out and back in by SMS
code, and turns on high contrast (remembered). Every page: 0 axe violations.

Screenshots go to test-artifacts/e2e-accounts-NN-*.png.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from zhengtong.accounts.constants import IdentityStatus
from zhengtong.accounts.models import User
from zhengtong.core.tests.axe import assert_accessible

pytestmark = pytest.mark.e2e
PHONE = "13912345678"


class Shots:
    def __init__(self, folder) -> None:
        self.folder = folder
        self.n = 0

    def __call__(self, page: Page, name: str) -> None:
        assert_accessible(page)
        self.n += 1
        page.screenshot(
            path=str(self.folder / f"e2e-accounts-{self.n:02d}-{name}.png"),
            full_page=True,
        )


def code_on_page(page: Page) -> str:
    text = page.locator("[role=status]").inner_text()
    return re.search(r"验证码：(\d{6})", text).group(1)


@pytest.mark.django_db(transaction=True)
def test_a_citizen_registers_and_logs_in_by_sms_on_a_phone(
    django_db_setup, live_server, page: Page, artifacts_dir, frozen_today, settings
):
    settings.ACCOUNTS_SMS_CODE_ON_PAGE = True  # no SMS gateway in the test
    base = live_server.url
    shot = Shots(artifacts_dir)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(f"{base}/")
    menu = page.get_by_role("navigation", name="主导航")
    for door in ("办事指南", "办件查询", "预约", "手机取号", "我的办件"):
        expect(menu.get_by_role("link", name=door, exact=True)).to_be_visible()
    shot(page, "home-phone")

    page.get_by_role("link", name="注册", exact=True).click()
    page.fill("#id_display_name", "周小梅")
    page.fill("#id_id_number", "110105194912310021")  # wrong check character
    page.fill("#id_phone", PHONE)
    page.get_by_role("button", name="获取短信验证码").click()
    page.fill("#id_code", code_on_page(page))
    page.fill("#id_password1", "a-long-pass-1")
    page.fill("#id_password2", "a-long-pass-1")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page.locator("[data-error-summary]")).to_contain_text("校验不通过")
    shot(page, "register-bad-id")

    frozen_today.shift(timedelta(seconds=61))  # one code a minute per phone
    page.fill("#id_id_number", "11010519491231002X")
    page.get_by_role("button", name="获取短信验证码").click()
    page.fill("#id_code", code_on_page(page))
    page.fill("#id_password1", "a-long-pass-1")
    page.fill("#id_password2", "a-long-pass-1")
    shot(page, "register-code-sent")
    page.get_by_role("button", name="注册", exact=True).click()
    expect(page).to_have_url(re.compile(r"/accounts/verify/$"))
    expect(page.locator(".tag")).to_have_text("自我声明")
    shot(page, "verify")
    page.get_by_role("button", name="进行实名认证").click()
    expect(page.locator(".msg")).to_contain_text("自我声明")
    user = User.objects.get(username=PHONE)
    assert user.identity_status == IdentityStatus.SELF_DECLARED

    page.get_by_role("button", name=re.compile("退出")).click()
    frozen_today.shift(timedelta(seconds=61))
    page.goto(f"{base}/accounts/login/")
    page.get_by_role("link", name="短信验证码登录").click()
    page.fill("#id_phone", PHONE)
    page.get_by_role("button", name="获取短信验证码").click()
    page.fill("#id_code", code_on_page(page))
    shot(page, "login-sms")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/cases/mine/$"))

    page.get_by_role("button", name="高对比度").click()
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\bhigh-contrast\b"))
    expect(page.get_by_role("button", name="高对比度")).to_have_attribute(
        "aria-pressed", "true"
    )
    shot(page, "mine-high-contrast")
