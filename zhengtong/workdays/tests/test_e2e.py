"""Admin month view in a real Chromium; the calendar survives ``flush``."""

from datetime import date

from django.core.management import call_command

import pytest

from zhengtong.core.tests.axe import assert_accessible
from zhengtong.workdays.models import CalendarYear
from zhengtong.workdays.selectors import add_working_days


@pytest.mark.django_db(transaction=True)
def test_flush_reloads_the_shipped_calendar():
    call_command("flush", interactive=False, verbosity=0)
    assert set(CalendarYear.objects.values_list("year", flat=True)) == {
        2024,
        2025,
        2026,
    }
    assert add_working_days(date(2026, 2, 10), 20) == date(2026, 3, 16)


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_admin_month_view_in_browser(
    page, live_server, django_user_model, artifacts_dir
):
    django_user_model.objects.create_superuser("root", password="pw-123456")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/workdays/calendarday/month/")
    page.fill("input[name=username]", "root")
    page.fill("input[name=password]", "pw-123456")
    page.click("input[type=submit]")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/workdays/calendarday/month/?year=2025&month=10")
    assert page.locator(".wd-title").inner_text() == "2025 年 10 月"
    assert page.locator("td.wd-holiday").count() == 8
    assert page.locator("td.wd-makeup").count() == 1  # 10-11 (09-28 is off-grid)
    assert_accessible(page)
    page.screenshot(
        path=str(artifacts_dir / "workdays-month-2025-10.png"), full_page=True
    )

    page.click("text=下月 ›")
    assert page.locator(".wd-title").inner_text() == "2025 年 11 月"

    page.goto(f"{live_server.url}/admin/workdays/calendarday/month/?year=2026&month=2")
    page.screenshot(
        path=str(artifacts_dir / "workdays-month-2026-02.png"), full_page=True
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(
        path=str(artifacts_dir / "workdays-month-2026-02-phone.png"), full_page=True
    )
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 420

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/admin/workdays/calendarday/?date__year=2025")
    assert page.locator("text=月历视图").count() == 1
    page.screenshot(path=str(artifacts_dir / "workdays-day-list.png"))
    page.goto(f"{live_server.url}/admin/workdays/calendaryear/")
    assert page.locator("text=查看月历").count() == 3
    page.screenshot(path=str(artifacts_dir / "workdays-year-list.png"))

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/admin/workdays/calendarday/month/?year=2027&month=1")
    assert "尚未导入" in page.locator(".wd-warn").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "workdays-month-2027-01-missing.png"))
