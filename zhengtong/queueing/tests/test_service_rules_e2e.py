"""
Chromium: the booking page labels a Saturday opened by a rule, the admin's
month preview shows open Saturdays and closed holidays, the rule's form shows
its weekdays, the kiosk says the morning is for appointments only.
Screenshots go to test-artifacts/.

The server runs at a frozen date; the browser gets session cookies without
an expiry date, because its own clock is the real one.
"""

import datetime as dt

from django.conf import settings
from django.test import Client

import pytest
import time_machine

from zhengtong.core.tests.axe import assert_accessible
from zhengtong.queueing import rules
from zhengtong.queueing.models import ServiceRule

from .factories import SHANGHAI, hall_setup
from .test_e2e import asgi_server  # noqa: F401 - the uvicorn fixture

SATURDAY = dt.date(2026, 9, 5)


def _signed_in(browser, base: str, user, viewport: dict):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, locale="zh-CN")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base,
            }
        ]
    )
    return context


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_saturday_rule_in_the_pages(
    asgi_server,  # noqa: F811
    browser,
    artifacts_dir,
    django_user_model,
):
    from playwright.sync_api import expect

    base = asgi_server
    with time_machine.travel(dt.datetime(2026, 9, 1, 10, tzinfo=SHANGHAI)):
        setup = hall_setup()
        rule = rules.service_rule_save(
            rule=ServiceRule(
                hall=setup.hall,
                name="周六上午预约服务",
                days=ServiceRule.Days.WEEKDAYS,
                weekdays="5",
                start=dt.time(9),
                end=dt.time(12),
                valid_from=dt.date(2026, 9, 1),
                valid_until=dt.date(2026, 12, 31),
                mode=ServiceRule.Mode.APPOINTMENTS,
            ),
            actor="测试",
        )
        hall_id = setup.hall.pk

        # 1. The applicant's booking page on Saturday 5 September.
        phone = _signed_in(
            browser, base, setup.applicant, {"width": 414, "height": 900}
        )
        page = phone.new_page()
        page.goto(
            f"{base}/queue/appointments/?hall={hall_id}&category=general"
            f"&date={SATURDAY:%Y-%m-%d}"
        )
        expect(page.locator("[data-session]")).to_have_text("周六上午服务，仅限预约")
        expect(page.locator(".slots button")).to_have_count(18)
        expect(page.locator(".day-mark").first).to_have_text("周末服务")
        assert_accessible(page)
        page.screenshot(
            path=str(artifacts_dir / "queue-rules-1-appointments.png"), full_page=True
        )
        phone.close()

        # 2. The admin's month preview of October (National Day, 调休).
        root = django_user_model.objects.create_superuser("root", password="pw-1")
        desk = _signed_in(browser, base, root, {"width": 1280, "height": 900})
        admin = desk.new_page()
        admin.goto(
            f"{base}/admin/queueing/servicerule/preview/"
            f"?hall={hall_id}&year=2026&month=10"
        )
        expect(admin.locator("td[data-date='2026-10-03']")).to_contain_text(
            "法定节假日不开放"
        )
        expect(admin.locator("td[data-date='2026-10-10']")).to_contain_text(
            "调休上班日"
        )
        expect(admin.locator("td[data-date='2026-10-17']")).to_contain_text(
            "周六上午服务"
        )
        assert_accessible(admin)
        admin.screenshot(
            path=str(artifacts_dir / "queue-rules-2-admin-preview.png"),
            full_page=True,
        )
        admin.goto(f"{base}/admin/queueing/servicerule/{rule.pk}/change/")
        expect(admin.locator("#id_weekday_list_5")).to_be_checked()
        assert_accessible(admin)
        admin.screenshot(
            path=str(artifacts_dir / "queue-rules-3-admin-rule.png"), full_page=True
        )
        desk.close()

    # 3. The kiosk on that Saturday morning.
    with time_machine.travel(dt.datetime(2026, 9, 5, 10, tzinfo=SHANGHAI)):
        kiosk_context = browser.new_context(viewport={"width": 1024, "height": 768})
        kiosk = kiosk_context.new_page()
        kiosk.goto(f"{base}/queue/kiosk/?hall={hall_id}")
        expect(kiosk.locator("[data-appointments-only]")).to_contain_text(
            "周六上午服务，仅限预约"
        )
        assert_accessible(kiosk)
        kiosk.screenshot(path=str(artifacts_dir / "queue-rules-4-kiosk.png"))
        kiosk_context.close()
