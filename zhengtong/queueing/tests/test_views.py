"""Hall pages and the counter desk: rendering, permissions, form errors."""

import datetime as dt

from django.utils import timezone

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.queueing.models import Appointment, OpeningHours, Ticket

from .factories import hall_setup, open_all_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    s = hall_setup()
    open_all_day(s.hall)
    return s


class TestKiosk:
    def test_kiosk_issues_and_shows_a_printable_ticket(self, client, setup):
        r = client.get(f"/queue/kiosk/?hall={setup.hall.pk}")
        assert r.status_code == 200
        assert "综合受理" in r.content.decode()
        r = client.post(
            f"/queue/kiosk/?hall={setup.hall.pk}",
            {"category": "general", "priority": "pregnant"},
        )
        assert r.status_code == 302
        ticket = Ticket.objects.get()
        assert ticket.priority == "pregnant" and ticket.channel == "kiosk"
        page = client.get(r["Location"]).content.decode()
        assert "A001" in page
        assert "data:image/png;base64," in page
        # printed by a static script (the Content-Security-Policy allows no inline one)
        assert "queueing/kiosk_ticket.js" in page and "data-print" in page
        assert "window.print()" not in page

    def test_kiosk_when_closed_shows_the_reason(self, client):
        s = hall_setup()
        OpeningHours.objects.filter(hall=s.hall).update(
            morning_start=None,
            morning_end=None,
            afternoon_start=None,
            afternoon_end=None,
        )
        r = client.post(f"/queue/kiosk/?hall={s.hall.pk}", {"category": "general"})
        assert r.status_code == 400
        assert "办公时间" in r.content.decode()
        assert not Ticket.objects.exists()

    def test_kiosk_unknown_category_and_bad_code(self, client, setup):
        r = client.post(f"/queue/kiosk/?hall={setup.hall.pk}", {"category": "x"})
        assert r.status_code == 400
        r = client.post(f"/queue/kiosk/?hall={setup.hall.pk}", {"check_in_code": "1"})
        assert r.status_code == 400 and "签到码" in r.content.decode()


class TestDisplaysAndTracking:
    def test_hall_and_counter_display(self, client, setup):
        r = client.get(f"/queue/display/?hall={setup.hall.pk}")
        assert r.status_code == 200
        assert f"/ws/queue/hall/{setup.hall.pk}/" in r.content.decode()
        r = client.get(f"/queue/counter-display/{setup.counters[0].pk}/")
        assert r.status_code == 200
        assert client.get("/queue/counter-display/999999/").status_code == 404

    def test_track_page_and_partial(self, client, setup):
        client.post(f"/queue/kiosk/?hall={setup.hall.pk}", {"category": "general"})
        client.post(f"/queue/kiosk/?hall={setup.hall.pk}", {"category": "general"})
        ticket = Ticket.objects.order_by("seq").last()
        r = client.get(f"/queue/tickets/{ticket.token}/")
        assert r.status_code == 200 and "前面还有" in r.content.decode()
        r = client.get(f"/queue/tickets/{ticket.token}/", HTTP_HX_REQUEST="true")
        assert "<html" not in r.content.decode()
        assert client.get("/queue/tickets/not-a-token/").status_code == 404


class TestApplicantPages:
    def test_remote_ticket_needs_login(self, client, setup):
        r = client.get("/queue/take/")
        assert r.status_code == 302 and "/accounts/login/" in r["Location"]
        client.force_login(setup.applicant)
        r = client.post(f"/queue/take/?hall={setup.hall.pk}", {"category": "business"})
        assert r.status_code == 302
        ticket = Ticket.objects.get()
        assert ticket.applicant == setup.applicant and ticket.channel == "mobile"
        page = client.get(f"/queue/take/?hall={setup.hall.pk}").content.decode()
        assert "B001" in page

    def test_book_and_cancel_an_appointment(self, client, setup):
        client.force_login(setup.applicant)
        free = []
        for offset in range(1, 12):  # the next working day
            day = timezone.localdate() + dt.timedelta(days=offset)
            r = client.get(
                f"/queue/appointments/?hall={setup.hall.pk}&category=general&date={day}"
            )
            assert r.status_code == 200
            free = [s for s in r.context["slots"] if s["available"]]
            if free:
                break
        assert free
        r = client.post(
            "/queue/appointments/book/",
            {"category": "general", "slot_start": free[0]["start"].isoformat()},
        )
        assert r.status_code == 302
        appointment = Appointment.objects.get()
        r = client.post(f"/queue/appointments/{appointment.pk}/cancel/")
        appointment.refresh_from_db()
        assert appointment.status == "cancelled"

    def test_cannot_cancel_someone_elses_appointment(self, client, setup):
        other = user_create(username="o", password="pw-123456", roles=[Role.APPLICANT])
        client.force_login(other)
        client.post(
            "/queue/appointments/book/", {"category": "general", "slot_start": "x"}
        )
        assert not Appointment.objects.exists()


class TestDesk:
    def test_who_may_open_the_desk(self, client, setup):
        client.force_login(setup.applicant)
        assert client.get("/workbench/queue/").status_code == 403
        unassigned = user_create(
            username="u",
            password="pw-123456",
            roles=[Role.COUNTER_STAFF],
            is_staff=True,
        )
        client.force_login(unassigned)
        assert client.get("/workbench/queue/").status_code == 403
        client.force_login(setup.staff)
        r = client.get("/workbench/queue/")
        assert r.status_code == 200 and "叫下一位" in r.content.decode()

    def test_desk_calls_and_finishes_through_htmx(self, client, setup):
        client.post(f"/queue/kiosk/?hall={setup.hall.pk}", {"category": "general"})
        client.force_login(setup.staff)
        url = f"/workbench/queue/{setup.counters[0].pk}/action/"
        r = client.post(url, {"action": "call-next"}, HTTP_HX_REQUEST="true")
        assert r.status_code == 200
        html = r.content.decode()
        assert "A001" in html and "已呼叫 A001" in html
        ticket = Ticket.objects.get()
        r = client.post(
            url,
            {"action": "finish", "ticket": ticket.pk, "matter": ""},
            HTTP_HX_REQUEST="true",
        )
        assert "请填写本次办理的事项" in r.content.decode()
        r = client.post(
            url,
            {"action": "finish", "ticket": ticket.pk, "matter": "户籍咨询"},
            HTTP_HX_REQUEST="true",
        )
        ticket.refresh_from_db()
        assert ticket.status == "finished" and ticket.matter == "户籍咨询"

    def test_desk_of_another_counter_is_refused(self, client, setup):
        client.force_login(setup.other_staff)
        r = client.post(
            f"/workbench/queue/{setup.counters[0].pk}/action/",
            {"action": "call-next"},
            HTTP_HX_REQUEST="true",
        )
        assert r.status_code == 403


@pytest.mark.django_db
def test_windows_are_listed_in_number_order_not_text_order():
    from zhengtong.catalog.tests.factories import CounterFactory, HallFactory
    from zhengtong.queueing.selectors import counter_list

    hall = HallFactory()
    for number in ("11", "2", "1", "10"):
        CounterFactory(hall=hall, number=number)
    assert [c.number for c in counter_list(hall=hall)] == ["1", "2", "10", "11"]
