"""
End to end in Chromium: 全部出件 of a 一件事 application on the 出件 desk.

Two sub-cases of one application are decided: the desk shows them as one
row → 全部出件 → one ID check hands both over → the desk is empty.
Screenshots go to test-artifacts/e2e-bundle-handover-NN-*.png, each page
checked with axe first.
"""

import re

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect

from zhengtong.bundles.models import Bundle, BundleApplication, BundleSubCase
from zhengtong.cases.models import Case
from zhengtong.cases.tests.test_e2e import Shots
from zhengtong.queueing.tests.factories import open_all_day

from .conftest import APPLICANT_ID, AgencyWorld
from .test_e2e_handover import login

pytestmark = pytest.mark.e2e


@pytest.fixture
def bundle_world(transactional_db, frozen_today):
    w = AgencyWorld()
    open_all_day(w.hall_a.hall)
    bundle = Bundle.objects.create(code="e2e-bundle", name="新生儿出生一件事（测试）")
    w.application = BundleApplication.objects.create(
        bundle=bundle, number="YJS-2026-000009", applicant=w.applicant
    )
    w.subs = [w.case_received_at(w.hall_a) for _ in range(2)]
    for order, case in enumerate(w.subs):
        BundleSubCase.objects.create(application=w.application, case=case, order=order)
    return w


@pytest.mark.django_db(transaction=True)
def test_all_sub_cases_of_a_bundle_are_handed_over_at_once(
    django_db_setup, live_server, bundle_world, page: Page, artifacts_dir
):
    w = bundle_world
    shot = Shots(artifacts_dir, prefix="e2e-bundle-handover")
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server.url, "counter", reverse("workbench:agency-handover-desk"))
    rows = page.locator(".handover-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(w.application.number)
    expect(rows.first).to_contain_text(w.subs[1].number)
    shot(page, "desk")
    page.get_by_role("link", name=f"一件事 {w.application.number} 全部出件").click()
    expect(
        page.get_by_role("heading", name=re.compile("一件事全部出件"))
    ).to_be_visible()
    page.get_by_label("窗口领取").check()
    page.get_by_label("领取核验").select_option("id_check")
    page.get_by_label("领取人证件号码").fill(APPLICANT_ID)
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "form-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_role("button", name="全部出件").click()
    expect(page.locator(".msg-success")).to_contain_text("已全部出件")
    expect(page.locator(".handover-table")).to_have_count(0)
    shot(page, "done")
    assert Case.objects.filter(delivered_at__isnull=False).count() == 2
