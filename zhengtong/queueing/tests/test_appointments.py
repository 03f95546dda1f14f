"""Slots around holidays and 调休, booking rules, check-in, no-show policy."""

import datetime as dt

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.accounts.models import User
from zhengtong.accounts.services import user_create
from zhengtong.core.errors import ApplicationError, PermissionDeniedError
from zhengtong.core.sms import ConsoleSmsBackend
from zhengtong.queueing import selectors, services
from zhengtong.queueing.models import Appointment, Ticket

from .factories import MONDAY, at, hall_setup

pytestmark = pytest.mark.django_db

BEFORE_HOLIDAY = at(dt.date(2026, 9, 25), 10)


class TestSlots:
    @pytest.mark.parametrize(
        ("day", "expected"),
        [
            (dt.date(2026, 9, 30), 36),  # Wednesday before National Day
            (dt.date(2026, 10, 1), 0),
            (dt.date(2026, 10, 5), 0),  # Monday inside the holiday
            (dt.date(2026, 10, 7), 0),
            (dt.date(2026, 10, 8), 36),
            (dt.date(2026, 10, 10), 36),  # 调休 Saturday works
            (dt.date(2026, 10, 11), 0),  # ordinary Sunday
        ],
    )
    def test_slot_count_follows_the_calendar(self, day, expected):
        setup = hall_setup()
        slots = selectors.appointment_slots(
            category=setup.categories["A"], day=day, now=BEFORE_HOLIDAY
        )
        assert len(slots) == expected
        if slots:
            # 9:00–12:00 and 14:00–17:00 in 10-minute slots, 2 counters each.
            assert slots[0]["start"] == at(day, 9)
            assert slots[-1]["end"] == at(day, 17)
            assert {s["capacity"] for s in slots} == {2}

    def test_booking_a_holiday_slot_is_refused(self):
        setup = hall_setup()
        with pytest.raises(ApplicationError) as exc:
            services.appointment_book(
                applicant=setup.applicant,
                category=setup.categories["A"],
                slot_start=at(dt.date(2026, 10, 2), 9),
                now=BEFORE_HOLIDAY,
            )
        assert exc.value.code == "invalid_slot"

    def test_booking_the_adjusted_saturday(self):
        setup = hall_setup()
        appointment = services.appointment_book(
            applicant=setup.applicant,
            category=setup.categories["A"],
            slot_start=at(dt.date(2026, 10, 10), 9, 20),
            now=at(dt.date(2026, 9, 28), 10),
        )
        assert appointment.status == Appointment.Status.BOOKED
        assert len(appointment.code) == 8


def another_applicant(setup, n: int):
    """Return applicant number ``n`` besides ``setup.applicant`` (only they book)."""
    user = User.objects.filter(username=f"app{n}_{setup.applicant.pk}").first()
    return user or user_create(
        username=f"app{n}_{setup.applicant.pk}",
        password="pw-123456",
        roles=[Role.APPLICANT],
    )


def book(setup, slot, now, user=None, code="A"):
    return services.appointment_book(
        applicant=user or setup.applicant,
        category=setup.categories[code],
        slot_start=slot,
        now=now,
    )


class TestBooking:
    def test_full_slot_past_slot_and_double_booking_are_refused(self):
        setup = hall_setup()
        now = at(MONDAY, 8)
        slot = at(MONDAY, 10)
        book(setup, slot, now)
        with pytest.raises(ApplicationError) as exc:
            book(setup, at(MONDAY, 11), now)
        assert exc.value.code == "already_booked"
        book(setup, slot, now, user=another_applicant(setup, 1))
        with pytest.raises(ApplicationError) as exc:
            book(setup, slot, now, user=another_applicant(setup, 2))
        assert exc.value.code == "slot_full"
        with pytest.raises(ApplicationError) as exc:
            book(
                setup,
                at(MONDAY, 9),
                at(MONDAY, 9, 30),
                user=another_applicant(setup, 2),
            )
        assert exc.value.code == "slot_in_past"
        with pytest.raises(ApplicationError) as exc:
            book(setup, at(MONDAY, 9, 5), now, user=another_applicant(setup, 2))
        assert exc.value.code == "invalid_slot"

    def test_only_applicant_accounts_book(self):
        setup = hall_setup()
        with pytest.raises(PermissionDeniedError, match="请使用申请人账号预约"):
            book(setup, at(MONDAY, 10), at(MONDAY, 8), user=setup.staff)
        assert not Appointment.objects.exists()

    def test_cancel_frees_the_slot(self):
        setup = hall_setup()
        now = at(MONDAY, 8)
        a = book(setup, at(MONDAY, 10), now)
        book(setup, at(MONDAY, 10), now, user=another_applicant(setup, 1))
        services.appointment_cancel(appointment=a, actor=setup.applicant, now=now)
        assert book(setup, at(MONDAY, 10), now, user=another_applicant(setup, 2))
        with pytest.raises(ApplicationError) as exc:
            services.appointment_cancel(appointment=a, actor=setup.applicant, now=now)
        assert exc.value.code == "invalid_appointment_state"

    def test_check_in_window_and_priority_ticket(self):
        setup = hall_setup()
        a = book(setup, at(MONDAY, 10), at(MONDAY, 8))
        with pytest.raises(ApplicationError) as exc:
            services.appointment_check_in(code=a.code, now=at(MONDAY, 8, 30))
        assert exc.value.code == "check_in_too_early"
        ticket = services.appointment_check_in(code=a.code, now=at(MONDAY, 9, 45))
        assert ticket.channel == Ticket.Channel.APPOINTMENT
        assert ticket.priority_class == 0
        assert ticket.appointment_at == at(MONDAY, 10)
        a.refresh_from_db()
        assert a.status == Appointment.Status.CHECKED_IN
        with pytest.raises(ApplicationError) as exc:
            services.appointment_check_in(code=a.code, now=at(MONDAY, 9, 46))
        assert exc.value.code == "invalid_appointment_state"

    def test_wrong_code_is_refused(self):
        hall_setup()
        with pytest.raises(ApplicationError) as exc:
            services.appointment_check_in(code="12ab", now=at(MONDAY, 9))
        assert exc.value.code == "unknown_appointment"

    def test_reminders_are_sent_once(self):
        setup = hall_setup()
        book(setup, at(MONDAY, 10), at(MONDAY - dt.timedelta(days=3), 10))
        ConsoleSmsBackend.sent.clear()
        sunday_evening = at(MONDAY - dt.timedelta(days=1), 18)
        assert services.appointment_send_reminders(now=sunday_evening) == 1
        assert services.appointment_send_reminders(now=sunday_evening) == 0
        assert len(ConsoleSmsBackend.sent) == 1
        phone, text = ConsoleSmsBackend.sent[0]
        assert phone == "13800138000" and "签到码" in text


class TestNoShowPolicy:
    def _no_shows(self, setup, days):
        """Create no-shows on the given working days (booked, then missed)."""
        for day in days:
            a = book(setup, at(day, 10), at(day, 8))
            services.appointment_mark_no_shows(now=at(day, 10, 31))
            a.refresh_from_db()
            assert a.status == Appointment.Status.NO_SHOW

    def test_three_no_shows_in_thirty_days_block_booking(self):
        setup = hall_setup()
        days = [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
        self._no_shows(setup, days)
        with pytest.raises(ApplicationError) as exc:
            book(setup, at(MONDAY, 10), at(MONDAY, 8))
        assert exc.value.code == "booking_blocked"
        assert exc.value.status == 409
        # Blocked for 30 days after the third no-show (2026-11-16 10:00).
        later = at(dt.date(2026, 12, 16), 11)
        assert book(setup, at(dt.date(2026, 12, 17), 10), later)

    def test_two_no_shows_do_not_block(self):
        setup = hall_setup()
        self._no_shows(setup, [dt.date(2026, 11, 2), dt.date(2026, 11, 9)])
        assert book(setup, at(MONDAY, 10), at(MONDAY, 8))

    def test_no_shows_spread_over_more_than_the_window_do_not_block(self):
        setup = hall_setup()
        self._no_shows(
            setup, [dt.date(2026, 9, 1), dt.date(2026, 10, 9), dt.date(2026, 11, 16)]
        )
        assert book(setup, at(MONDAY, 10), at(MONDAY, 8))

    def test_policy_is_configurable(self):
        setup = hall_setup(policy={"no_show_limit": 1, "block_days": 7})
        self._no_shows(setup, [dt.date(2026, 11, 16)])
        with pytest.raises(ApplicationError):
            book(setup, at(MONDAY, 10), at(MONDAY, 8))
        assert book(setup, at(dt.date(2026, 11, 24), 10), at(dt.date(2026, 11, 23), 11))

    def test_checked_in_appointment_is_never_a_no_show(self):
        setup = hall_setup()
        a = book(setup, at(MONDAY, 10), at(MONDAY, 8))
        services.appointment_check_in(code=a.code, now=at(MONDAY, 9, 50))
        assert services.appointment_mark_no_shows(now=at(MONDAY, 12)) == 0


@pytest.mark.django_db
def test_year_without_calendar_is_refused_not_guessed():
    """A day in a year whose holiday notice is not loaded is never guessed."""
    with pytest.raises(ApplicationError) as info:
        selectors.day_is_working(dt.date(2031, 3, 3))
    assert info.value.code == "calendar_year_missing"
    assert info.value.status == 409
