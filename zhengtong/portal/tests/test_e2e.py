"""End to end in Chromium: search an item, open its guide, download the PDF."""

import io

import pytest
from pypdf import PdfReader

from zhengtong.catalog.tests.factories import ServiceItemFactory
from zhengtong.catalog.tests.helpers import FULL_CODE, full_item
from zhengtong.core.tests.axe import assert_accessible


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_search_open_guide_download_pdf(
    django_db_setup, live_server, page, artifacts_dir
):
    item = full_item()
    ServiceItemFactory(name="采矿权延续登记")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    assert_accessible(page)
    page.fill("input[name=q]", "节能")
    page.click("button[type=submit]")
    page.wait_for_url("**/items/?q=*")
    assert page.locator(".p-item").count() == 1
    assert_accessible(page)
    page.click("text=固定资产投资项目节能审查")
    page.wait_for_url(f"**/items/{item.pk}/")
    assert page.locator("h1").inner_text() == "固定资产投资项目节能审查"
    assert FULL_CODE in page.inner_text("body")
    assert page.locator("table.p-materials tbody tr").count() == 2
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "portal-guide-phone.png"), full_page=True)

    with page.expect_download() as info:
        page.click("text=下载 PDF")
    pdf_path = info.value.path()
    reader = PdfReader(io.BytesIO(open(pdf_path, "rb").read()))  # noqa: SIM115
    content = "".join(p.extract_text() for p in reader.pages)
    assert "固定资产投资项目节能审查" in content
    assert "节能报告" in content
    assert "办事指南" in content


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_filters_work_without_javascript_and_large_text_enlarges(
    django_db_setup, live_server, browser, artifacts_dir
):
    ServiceItemFactory(name="社会保障卡申领", online_available=True)
    ServiceItemFactory(name="社会保障卡挂失", online_available=False)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/items/?q=社保卡")
    assert page.locator(".p-item").count() == 2
    page.check("input[name=online]")
    page.click(".p-search button[type=submit]")
    page.wait_for_url("**online=true*")
    assert page.locator(".p-item").count() == 1
    context.close()

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(live_server.url + "/")
    normal = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('main')).fontSize)"
    )
    page.click("[data-large-text-toggle]")
    large = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('main')).fontSize)"
    )
    assert large >= normal * 1.2
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "portal-home-large.png"), full_page=True)
    context.close()
