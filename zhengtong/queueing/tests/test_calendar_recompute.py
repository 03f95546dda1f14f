"""Booked appointments on a provisional day that the notice makes a holiday."""

import datetime as dt

import pytest
import time_machine

from zhengtong.core.models import AuditEvent
from zhengtong.core.sms import ConsoleSmsBackend
from zhengtong.queueing import services
from zhengtong.queueing.models import Appointment
from zhengtong.workdays.services import DayEntry, calendar_year_load
from zhengtong.workdays.statutory import statutory_days

from .factories import at, hall_setup

pytestmark = pytest.mark.django_db

TODAY = at(dt.date(2026, 12, 28), 10)
MONDAY = dt.date(2027, 1, 4)  # a working day on the provisional 2027 calendar


def _book(setup, day):
    return services.appointment_book(
        applicant=setup.applicant,
        category=setup.categories["A"],
        slot_start=at(day, 9, 20),
        now=TODAY,
    )


def test_a_day_that_becomes_a_holiday_cancels_its_appointments_and_tells():
    with time_machine.travel(TODAY, tick=False):
        setup = hall_setup()
        monday = _book(setup, MONDAY)
        tuesday = _book(setup, MONDAY + dt.timedelta(days=1))
        ConsoleSmsBackend.sent.clear()
        result = calendar_year_load(
            2027,
            source="notice",
            days=[
                *(DayEntry(d, "holiday", n) for d, n in statutory_days(2027)),
                DayEntry(MONDAY, "holiday", "元旦"),
            ],
            source_notice="2027 年放假通知（测试）",
        )
    monday.refresh_from_db()
    tuesday.refresh_from_db()
    assert monday.status == Appointment.Status.CANCELLED
    assert tuesday.status == Appointment.Status.BOOKED
    event = AuditEvent.objects.get(action="appointment_calendar_cancel")
    assert "2027 年放假通知（测试）" in event.reason
    assert any("已取消，请重新预约" in text for _phone, text in ConsoleSmsBackend.sent)
    counts = {c.label: c for c in result.recompute.counts}
    assert counts["预约（当日不再办公而取消）"].moved == 1


def test_loading_the_same_notice_twice_cancels_nothing_more():
    days = [DayEntry(d, "holiday", n) for d, n in statutory_days(2027)]
    with time_machine.travel(TODAY, tick=False):
        setup = hall_setup()
        booked = _book(setup, MONDAY)
        calendar_year_load(2027, source="notice", days=days)
        calendar_year_load(2027, source="notice", days=days)
    booked.refresh_from_db()
    assert booked.status == Appointment.Status.BOOKED
    assert not AuditEvent.objects.filter(action="appointment_calendar_cancel").exists()
