"""The HTTP contract of /api/v1/queue/: payloads, permissions, bad input."""

import datetime as dt

from django.utils import timezone

import pytest
from rest_framework.test import APIClient

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.queueing.models import OpeningHours, Ticket

from .factories import hall_setup, open_all_day

pytestmark = pytest.mark.django_db

BASE = "/api/v1/queue"


@pytest.fixture
def setup():
    s = hall_setup()
    open_all_day(s.hall)
    return s


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def take(client, category="general", **extra):
    return client.post(
        f"{BASE}/tickets/", {"category": category, **extra}, format="json"
    )


class TestIssue:
    def test_kiosk_takes_a_ticket_by_code_or_id(self, setup):
        r = take(client_for())
        assert r.status_code == 201, r.json()
        body = r.json()
        assert body["number"] == "A001"
        assert body["category"] == "general"
        assert body["waiting_ahead"] == 0
        assert body["channel"] == "kiosk"
        r = take(
            client_for(), category=str(setup.categories["A"].pk), priority="elderly"
        )
        assert r.status_code == 201
        assert r.json()["number"] == "A002"
        assert r.json()["priority"] == "elderly"
        third = take(client_for()).json()
        assert third["waiting_ahead"] == 2
        assert third["estimated_wait_minutes"] == 10  # 2 × 10 min ÷ 2 counters

    def test_signed_in_applicant_gets_a_mobile_ticket_with_masked_phone(self, setup):
        r = take(client_for(setup.applicant))
        assert r.status_code == 201
        assert r.json()["channel"] == "mobile"
        assert r.json()["phone"] != "13800138000"

    @pytest.mark.parametrize(
        "payload",
        [
            {"category": "nope"},
            {"category": "999999"},
            {"category": "general", "priority": "vip"},
            {"category": "general", "phone": "12345"},
            {},
        ],
    )
    def test_bad_input_is_400_and_changes_nothing(self, setup, payload):
        r = client_for().post(f"{BASE}/tickets/", payload, format="json")
        assert r.status_code == 400
        assert r.json()["code"] in ("invalid_input", "unknown_category")
        assert r.json()["message"]
        assert not Ticket.objects.exists()

    def test_outside_opening_hours_is_409(self):
        s = hall_setup()
        OpeningHours.objects.filter(hall=s.hall).update(
            morning_start=None,
            morning_end=None,
            afternoon_start=None,
            afternoon_end=None,
        )
        r = take(client_for())
        assert r.status_code == 409
        assert r.json()["code"] == "outside_opening_hours"
        assert "办公时间" in r.json()["message"]

    def test_track_by_token_not_by_id(self, setup):
        token = take(client_for()).json()["token"]
        r = client_for().get(f"{BASE}/tickets/track/{token}/")
        assert r.status_code == 200 and r.json()["number"] == "A001"
        assert client_for().get(f"{BASE}/tickets/track/guess/").status_code == 404


class TestCalling:
    def test_staff_calls_next_then_204_when_empty(self, setup):
        take(client_for())
        staff = client_for(setup.staff)
        url = f"{BASE}/counters/{setup.counters[0].pk}/call-next/"
        r = staff.post(url)
        assert r.status_code == 200
        ticket = r.json()
        assert ticket["number"] == "A001" and ticket["status"] == "called"
        assert ticket["counter"] == "1"
        r = staff.post(
            f"{BASE}/tickets/{ticket['id']}/finish/", {"matter": "咨询"}, format="json"
        )
        assert r.status_code == 200 and r.json()["status"] == "finished"
        assert staff.post(url).status_code == 204

    def test_applicant_cannot_call(self, setup):
        take(client_for())
        r = client_for(setup.applicant).post(
            f"{BASE}/counters/{setup.counters[0].pk}/call-next/"
        )
        assert r.status_code == 403
        assert Ticket.objects.get().status == "waiting"

    def test_unknown_or_huge_ids_are_404_not_500(self, setup):
        staff = client_for(setup.staff)
        huge = 10**30
        for url in (
            f"{BASE}/counters/{huge}/call-next/",
            f"{BASE}/counters/999999/call-next/",
            f"{BASE}/tickets/{huge}/recall/",
            f"{BASE}/tickets/{huge}/finish/",
        ):
            r = staff.post(url, {"matter": "咨询"}, format="json")
            assert r.status_code == 404, (url, r.content)
            assert r.json()["code"] == "not_found"

    def test_anonymous_cannot_call(self, setup):
        r = client_for().post(f"{BASE}/counters/{setup.counters[0].pk}/call-next/")
        assert r.status_code in (401, 403)

    def test_staff_of_another_counter_cannot_call_or_act(self, setup):
        take(client_for())
        other = client_for(setup.other_staff)
        r = other.post(f"{BASE}/counters/{setup.counters[0].pk}/call-next/")
        assert r.status_code == 403
        ticket = (
            client_for(setup.staff)
            .post(f"{BASE}/counters/{setup.counters[0].pk}/call-next/")
            .json()
        )
        for action in ("recall", "finish", "no-show", "hold"):
            r = other.post(f"{BASE}/tickets/{ticket['id']}/{action}/", {"matter": "x"})
            assert r.status_code == 404, action
        assert Ticket.objects.get().status == "called"

    def test_unknown_counter_is_404(self, setup):
        r = client_for(setup.staff).post(f"{BASE}/counters/999999/call-next/")
        assert r.status_code == 404

    def test_recall_no_show_transfer_contract(self, setup):
        take(client_for())
        staff = client_for(setup.staff)
        ticket = staff.post(f"{BASE}/counters/{setup.counters[0].pk}/call-next/").json()
        tid = ticket["id"]
        r = staff.post(f"{BASE}/tickets/{tid}/no-show/")
        assert r.status_code == 409 and r.json()["code"] == "recalls_required"
        assert staff.post(f"{BASE}/tickets/{tid}/recall/").json()["recall_count"] == 1
        r = staff.post(
            f"{BASE}/tickets/{tid}/transfer/", {"category": "business"}, format="json"
        )
        assert r.status_code == 200
        assert r.json()["category"] == "business" and r.json()["status"] == "waiting"
        assert r.json()["arrival_at"] == ticket["arrival_at"]
        r = staff.post(
            f"{BASE}/tickets/{tid}/transfer/", {"category": "zzz"}, format="json"
        )
        assert r.status_code == 400

    def test_finish_without_matter_is_400(self, setup):
        take(client_for())
        staff = client_for(setup.staff)
        tid = staff.post(f"{BASE}/counters/{setup.counters[0].pk}/call-next/").json()[
            "id"
        ]
        r = staff.post(f"{BASE}/tickets/{tid}/finish/", {}, format="json")
        assert r.status_code == 400 and r.json()["code"] == "matter_required"


class TestLists:
    def test_categories_and_counters(self, setup):
        r = client_for().get(f"{BASE}/categories/")
        assert r.status_code == 200
        assert [c["prefix"] for c in r.json()] == ["A", "B"]
        r = client_for().get(f"{BASE}/counters/")
        counter = next(c for c in r.json() if c["id"] == setup.counters[1].pk)
        assert [c["code"] for c in counter["categories"]] == ["business", "general"]
        assert client_for().get(f"{BASE}/categories/?hall=x").status_code == 400


class TestAppointments:
    def test_slots_book_list_cancel(self, setup):
        slots = []
        for offset in range(1, 12):  # the next working day
            day = timezone.localdate() + dt.timedelta(days=offset)
            r = client_for().get(
                f"{BASE}/appointments/slots/?category=general&date={day}"
            )
            assert r.status_code == 200
            slots = r.json()
            if slots:
                break
        assert slots
        applicant = client_for(setup.applicant)
        r = applicant.post(
            f"{BASE}/appointments/",
            {"category": "general", "slot_start": slots[0]["start"]},
            format="json",
        )
        assert r.status_code == 201, r.json()
        appointment = r.json()
        assert appointment["status"] == "booked" and len(appointment["code"]) == 8
        assert len(applicant.get(f"{BASE}/appointments/").json()) == 1
        # Another applicant sees none of it.
        other = user_create(
            username="other", password="pw-123456", roles=[Role.APPLICANT]
        )
        assert client_for(other).get(f"{BASE}/appointments/").json() == []
        r = client_for(other).post(f"{BASE}/appointments/{appointment['id']}/cancel/")
        assert r.status_code == 404
        r = applicant.post(f"{BASE}/appointments/{appointment['id']}/cancel/")
        assert r.status_code == 200 and r.json()["status"] == "cancelled"

    @pytest.mark.parametrize(
        "query",
        [
            "",
            "?category=general",
            "?category=general&date=2026-13-01",
            "?category=x&date=2026-10-10",
        ],
    )
    def test_bad_slot_queries_are_400(self, setup, query):
        r = client_for().get(f"{BASE}/appointments/slots/{query}")
        assert r.status_code == 400 and r.json()["message"]

    def test_booking_needs_login_and_valid_input(self, setup):
        assert client_for().post(f"{BASE}/appointments/", {}).status_code in (401, 403)
        r = client_for(setup.applicant).post(
            f"{BASE}/appointments/",
            {"category": "general", "slot_start": "soon"},
            format="json",
        )
        assert r.status_code == 400

    def test_check_in_bad_code_is_400(self, setup):
        r = client_for().post(
            f"{BASE}/appointments/check-in/", {"code": "abc"}, format="json"
        )
        assert r.status_code == 400
        r = client_for().post(
            f"{BASE}/appointments/check-in/", {"code": "00000000"}, format="json"
        )
        assert r.status_code == 400 and r.json()["code"] == "unknown_appointment"


class TestStatsApi:
    def test_staff_only(self, setup):
        assert (
            client_for(setup.applicant).get(f"{BASE}/stats/daily/").status_code == 403
        )
        r = client_for(setup.staff).get(f"{BASE}/stats/daily/")
        assert r.status_code == 200 and "by_category" in r.json()
        assert (
            client_for(setup.staff).get(f"{BASE}/stats/daily/?date=x").status_code
            == 400
        )


def test_schema_lists_queue_endpoints_with_summaries(db):
    from django.urls import include, path

    from drf_spectacular.generators import SchemaGenerator

    patterns = [path("api/v1/queue/", include("zhengtong.queueing.api_urls"))]
    schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    paths = schema["paths"]
    for ops in paths.values():
        for op in ops.values():
            assert op.get("summary"), op["operationId"]
    for p in (
        "/api/v1/queue/tickets/",
        "/api/v1/queue/counters/{counter_id}/call-next/",
        "/api/v1/queue/appointments/slots/",
        "/api/v1/queue/appointments/",
        "/api/v1/queue/categories/",
        "/api/v1/queue/counters/",
    ):
        assert p in paths, p
