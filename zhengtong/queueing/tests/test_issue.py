"""Ticket numbers, opening hours (holidays, 调休, extra days), daily caps."""

import datetime as dt

import pytest

from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.queueing import services
from zhengtong.queueing.models import ExtraServiceDay, Ticket

from .factories import MONDAY, at, hall_setup

pytestmark = pytest.mark.django_db

KIOSK = Ticket.Channel.KIOSK


def issue(setup, code="A", when=None, **kwargs):
    return services.ticket_issue(
        category=setup.categories[code],
        channel=kwargs.pop("channel", KIOSK),
        now=when or at(MONDAY, 9, 30),
        **kwargs,
    )


class TestNumbers:
    def test_numbers_run_per_category_and_restart_each_day(self):
        setup = hall_setup()
        assert issue(setup, "A").number == "A001"
        assert issue(setup, "A").number == "A002"
        assert issue(setup, "B").number == "B001"
        tuesday = MONDAY + dt.timedelta(days=1)
        assert issue(setup, "A", at(tuesday, 9)).number == "A001"

    def test_issue_is_audited_with_masked_phone(self):
        setup = hall_setup()
        ticket = issue(setup, "A", phone="13912345678")
        event = AuditEvent.objects.get(action="ticket_issue", object_id=str(ticket.pk))
        assert event.details["phone"] != "13912345678"
        assert "5678" in event.details["phone"]

    def test_daily_cap_refuses_and_does_not_burn_numbers(self):
        setup = hall_setup()
        category = setup.categories["A"]
        category.daily_cap = 2
        category.save()
        issue(setup)
        issue(setup)
        with pytest.raises(ApplicationError) as exc:
            issue(setup)
        assert exc.value.code == "daily_cap_reached" and exc.value.status == 409
        category.daily_cap = 3
        category.save()
        assert issue(setup).number == "A003"

    def test_token_is_unguessable_and_unique(self):
        setup = hall_setup()
        a, b = issue(setup), issue(setup)
        assert a.token != b.token and len(a.token) >= 20


class TestOpeningHours:
    @pytest.mark.parametrize(
        "when",
        [
            at(MONDAY, 8, 59),
            at(MONDAY, 12, 0),
            at(MONDAY, 13, 30),
            at(MONDAY, 17, 0),
            at(dt.date(2026, 11, 21), 10),  # Saturday
            at(dt.date(2026, 10, 1), 10),  # National Day
            at(dt.date(2026, 10, 7), 10),  # holiday (Wednesday)
        ],
    )
    def test_closed_times_refuse_with_409(self, when):
        setup = hall_setup()
        with pytest.raises(ApplicationError) as exc:
            issue(setup, when=when)
        assert exc.value.code == "outside_opening_hours"
        assert exc.value.status == 409
        assert "办公时间" in exc.value.message
        assert not Ticket.objects.exists()

    @pytest.mark.parametrize(
        "when",
        [
            at(MONDAY, 9, 0),
            at(MONDAY, 16, 59),
            at(dt.date(2026, 10, 10), 10),  # 调休 Saturday: a working day
            at(dt.date(2026, 10, 8), 9, 30),
        ],
    )
    def test_open_times_issue(self, when):
        setup = hall_setup()
        assert issue(setup, when=when).service_date == when.date()

    def test_extended_service_and_appointment_only_weekend(self):
        setup = hall_setup()
        ExtraServiceDay.objects.create(
            hall=setup.hall,
            date=MONDAY,
            kind=ExtraServiceDay.Kind.EXTENDED,
            start=dt.time(17),
            end=dt.time(18, 30),
        )
        saturday = dt.date(2026, 11, 28)
        ExtraServiceDay.objects.create(
            hall=setup.hall,
            date=saturday,
            kind=ExtraServiceDay.Kind.WEEKEND,
            start=dt.time(9),
            end=dt.time(12),
            appointments_only=True,
        )
        assert issue(setup, when=at(MONDAY, 17, 30)).number == "A001"
        with pytest.raises(ApplicationError) as exc:
            issue(setup, when=at(saturday, 10))
        assert exc.value.code == "appointments_only"


class TestChannels:
    def test_mobile_may_not_claim_priority(self):
        setup = hall_setup()
        with pytest.raises(ApplicationError) as exc:
            issue(
                setup,
                channel=Ticket.Channel.MOBILE,
                applicant=setup.applicant,
                priority="elderly",
            )
        assert exc.value.code == "priority_needs_presence"

    def test_mobile_one_open_ticket_per_category(self):
        setup = hall_setup()
        issue(setup, channel=Ticket.Channel.MOBILE, applicant=setup.applicant)
        with pytest.raises(ApplicationError) as exc:
            issue(setup, channel=Ticket.Channel.MOBILE, applicant=setup.applicant)
        assert exc.value.code == "ticket_already_open"
        assert (
            issue(
                setup, "B", channel=Ticket.Channel.MOBILE, applicant=setup.applicant
            ).number
            == "B001"
        )

    def test_unknown_priority_is_refused(self):
        setup = hall_setup()
        with pytest.raises(ApplicationError) as exc:
            issue(setup, priority="vip")
        assert exc.value.code == "invalid_priority"
