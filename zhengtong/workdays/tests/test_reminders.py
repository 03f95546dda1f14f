"""The banner and the daily reminder while next year's notice is missing."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core import mail

import pytest
import time_machine

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.workdays.reminders import (
    calendar_notice_reminder_get,
    calendar_notice_reminder_send,
)

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def test_no_reminder_before_october():
    assert calendar_notice_reminder_get(date(2026, 9, 30)) is None


def test_from_october_next_year_provisional_is_reminded():
    reminder = calendar_notice_reminder_get(date(2026, 10, 1))
    assert reminder is not None
    assert reminder.year == 2027 and reminder.status == "provisional"
    assert not reminder.urgent
    assert "推定" in reminder.text


def test_a_year_that_has_begun_without_notice_is_urgent():
    reminder = calendar_notice_reminder_get(date(2027, 1, 5))
    assert reminder.year == 2027 and reminder.urgent


def test_no_reminder_when_next_year_is_official(settings):
    # 2025 in October 2024: 2025 is loaded (official)
    assert calendar_notice_reminder_get(date(2024, 10, 15)) is None


@pytest.fixture
def centre_admin():
    user = user_create(
        username="centre",
        password="pw-123456",
        roles=[Role.CENTRE_ADMIN],
        display_name="中心管理员",
        is_staff=True,
    )
    user.email = "centre@example.com"
    user.save(update_fields=["email"])
    return user


def test_the_daily_job_mails_administrators_once_a_day(centre_admin):
    assert calendar_notice_reminder_send(today=date(2026, 12, 4)) == 1
    assert mail.outbox[0].to == ["centre@example.com"]
    assert "2027" in mail.outbox[0].subject
    assert calendar_notice_reminder_send(today=date(2026, 12, 4)) == 0
    assert calendar_notice_reminder_send(today=date(2026, 12, 5)) == 1


def test_staff_pages_show_the_banner_public_pages_do_not(client, centre_admin):
    with time_machine.travel(datetime(2026, 12, 4, 10, tzinfo=TZ), tick=False):
        assert "推定" not in client.get("/").content.decode()
        client.force_login(centre_admin)
        page = client.get("/workbench/").content.decode()
        assert "2027 年国务院放假安排尚未导入" in page
        assert 'class="calendar-banner no-print' in page  # not on printed pages
        admin = client.get("/admin/").content.decode()
        assert "2027 年国务院放假安排尚未导入" in admin
