"""
In Chromium: the site's frame on a desk and a phone — the footer sits at the
bottom of a short page, the 404 page is Chinese and no request for an icon
fails, the phone home page lists a few departments and 展开全部, file inputs
read 选择文件 and keep the material as their accessible name.
"""

from pathlib import Path

from django.conf import settings

import pytest

from zhengtong.catalog.tests.factories import DepartmentFactory, ServiceItemFactory
from zhengtong.core.tests.axe import assert_accessible

pytestmark = pytest.mark.e2e
STATIC = Path(settings.BASE_DIR) / "static"


@pytest.mark.django_db(transaction=True)
def test_short_page_footer_at_the_bottom_and_no_missing_icon(
    django_db_setup, live_server, page, artifacts_dir
):
    failed: list[str] = []
    page.on(
        "response",
        lambda r: (
            failed.append(r.url)
            if r.status >= 400 and "no-such-page" not in r.url
            else None
        ),
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    response = page.goto(live_server.url + "/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "页面不存在"
    page.goto(live_server.url + "/favicon.ico")
    page.goto(live_server.url + "/no-such-page/")
    box = page.locator("footer.site-footer").bounding_box()
    assert abs(box["y"] + box["height"] - 900) <= 1  # at the bottom, not mid-screen
    assert failed == []
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "error-404-desk.png"))


@pytest.mark.django_db(transaction=True)
def test_phone_home_page_lists_eight_departments_and_expands(
    django_db_setup, live_server, page, artifacts_dir
):
    for n in range(34):
        ServiceItemFactory(department=DepartmentFactory(name=f"区第{n + 1:02d}局"))
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/")
    depts = page.locator("a[href^='/departments/']")
    visible = [i for i in range(depts.count()) if depts.nth(i).is_visible()]
    assert len(visible) == 8
    assert page.evaluate("document.documentElement.scrollHeight") < 3000
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "portal-home-phone.png"), full_page=True)
    page.click("summary:has-text('展开全部部门')")
    visible = [i for i in range(depts.count()) if depts.nth(i).is_visible()]
    assert len(visible) == 34


def test_file_input_reads_in_chinese_and_keeps_its_name(page):
    page.set_content(
        '<html lang="zh-Hans"><body><form>'
        '<label class="file-label" for="f">选择文件'
        '<span class="sr-only">：身份证明</span></label>'
        '<input type="file" id="f" name="f">'
        "</form></body></html>"
    )
    page.add_style_tag(path=str(STATIC / "css" / "site.css"))
    page.add_script_tag(path=str(STATIC / "js" / "file-input.js"))
    assert page.locator(".file-pick-btn").inner_text() == "选择文件"
    assert page.locator(".file-pick-name").inner_text() == "未选择文件"
    field = page.get_by_label("选择文件：身份证明")
    assert field.count() == 1  # the material name stays the accessible name
    field.set_input_files(
        {"name": "身份证.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4"}
    )
    assert page.locator(".file-pick-name").inner_text() == "已选择：身份证.pdf"
    # the transparent input covers the button: a click on the words opens it
    with page.expect_file_chooser() as chooser:
        page.locator(".file-pick-btn").click(force=True)
    assert chooser.value.element.get_attribute("id") == "f"
