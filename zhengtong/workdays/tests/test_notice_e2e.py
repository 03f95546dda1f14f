"""「导入放假通知」 in a real Chromium: paste → preview → confirm."""

from pathlib import Path

import pytest

from zhengtong.core.tests.axe import assert_accessible
from zhengtong.workdays.models import CalendarDay, CalendarYear
from zhengtong.workdays.selectors import calendar_cache_clear, calendar_year_status

NOTICE = (Path(__file__).parent / "notices" / "2026.txt").read_text("utf-8")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_paste_preview_confirm_in_browser(
    page, live_server, django_user_model, artifacts_dir
):
    # 2026 as if its notice were not loaded yet: derived from the law (推定).
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    calendar_cache_clear()
    django_user_model.objects.create_superuser("root", password="pw-123456")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/workdays/calendaryear/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "pw-123456")
    page.click("input[type=submit]")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.click(".object-tools a:has-text('导入放假通知')")
    page.fill("textarea[name=text]", NOTICE.replace("共5天", "共6天"))
    page.click("input[value=预览]")
    error = page.locator("#nt-parse-error")
    assert "第 8 行" in error.inner_text()
    assert page.locator("#nt-parse-error mark").inner_text() == "共6天"
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "workdays-notice-1-error.png"))

    page.fill("textarea[name=text]", NOTICE)
    page.click("input[value=预览]")
    assert page.locator("h1").inner_text() == "导入放假通知：2026 年预览"
    changed = page.locator("td.nt-changed")
    assert changed.count() == page.locator("#nt-changes tbody tr").count() > 10
    assert "推定" in page.locator("#nt-summary").inner_text()
    assert page.locator(".nt-month").count() == 12
    assert_accessible(page)
    page.screenshot(
        path=str(artifacts_dir / "workdays-notice-2-preview.png"), full_page=True
    )

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 420
    assert_accessible(page)
    page.screenshot(
        path=str(artifacts_dir / "workdays-notice-2-preview-phone.png"), full_page=True
    )
    page.set_viewport_size({"width": 1366, "height": 900})

    page.click("#nt-confirm")
    assert (
        "已按国务院通知导入 2026 年放假安排" in page.locator("#nt-result").inner_text()
    )
    assert page.locator("#nt-recompute").is_visible()
    assert_accessible(page)
    page.screenshot(
        path=str(artifacts_dir / "workdays-notice-3-result.png"), full_page=True
    )
    calendar_cache_clear()
    assert CalendarYear.objects.get(year=2026, region_code="").source == "notice"
    assert calendar_year_status(2026) == "official"

    page.click("text=查看 2026 年月历")
    assert page.locator(".wd-title").inner_text() == "2026 年 1 月"
    assert page.locator("td.wd-makeup").count() == 1  # 1月4日 上班
