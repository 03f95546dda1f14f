"""
End to end in Chromium: the counter charges and takes payment (收费).

The counter clerk opens the case's fee page, tries an amount above the
published standard (refused, nothing written), records the tiered charge at
the standard, then the payment with its 财政票据 number; the sums show it
paid. Screenshots go to test-artifacts/e2e-fees-NN-*.png, each page checked
with axe first (at 1366 px, then the paid page at 390 px).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from zhengtong.cases.tests.test_e2e import Shots
from zhengtong.fees.models import Charge, Payment

from .conftest import FeeWorld

pytestmark = pytest.mark.e2e
PASSWORD = "pw-123456"  # the cases tests' World


def login(page: Page, base: str, username: str, path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^收费"))


@pytest.fixture
def fee_world(transactional_db, frozen_today):
    return FeeWorld()


def test_counter_charges_at_the_standard_and_records_the_payment(
    fee_world, live_server, page: Page, artifacts_dir
):
    w = fee_world
    base = live_server.url
    shot = Shots(artifacts_dir, prefix="e2e-fees")
    page.set_viewport_size({"width": 1366, "height": 900})
    path = f"/workbench/fees/cases/{w.case.pk}/"
    login(page, base, "counter", path)
    shot(page, "case-fees")

    page.get_by_label("收费项目").select_option(str(w.tiered.pk))
    page.get_by_label("数量").fill("11")
    page.get_by_label("实收金额（元）").fill("53.01")
    page.get_by_role("button", name="登记收费").click()
    expect(page.locator(".error-summary")).to_contain_text("超过公示标准")
    assert not Charge.objects.exists()

    # The refused form comes back with the amount kept. Wait for that page to
    # finish loading before clearing the field, so the second submit cannot
    # leave from a document that is still being replaced (a CI flake).
    amount = page.get_by_label("实收金额（元）")
    expect(amount).to_have_value("53.01")
    page.wait_for_load_state("load")
    amount.fill("")
    expect(amount).to_have_value("")
    with page.expect_navigation():
        page.get_by_role("button", name="登记收费").click()
    expect(page.locator(".msg-success")).to_contain_text("应缴 53.00 元")
    shot(page, "charged")

    page.get_by_label("缴费方式").select_option("card")
    page.get_by_label("财政票据号").fill("E2E-0001")
    page.get_by_role("button", name="登记缴费").click()
    expect(page.locator(".msg-success")).to_contain_text("E2E-0001")
    expect(page.locator(".fee-outstanding")).to_contain_text("0.00 元")
    assert Payment.objects.get().amount_fen == 5300
    page.set_viewport_size({"width": 390, "height": 800})
    shot(page, "paid-phone")
