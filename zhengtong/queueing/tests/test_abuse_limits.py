"""
Abuse limits of the ticket issue (issue 17): 279 anonymous requests took all
300 of a day's tickets in 8 s. One client is now limited while another still
gets a ticket; a registered kiosk has its own, higher budget; a phone number
holds at most ``QUEUE_OPEN_TICKETS_PER_PHONE`` open tickets a day.
"""

from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

import pytest
from rest_framework.test import APIClient

from zhengtong.queueing.models import Ticket

from .factories import hall_setup, open_all_day

pytestmark = pytest.mark.django_db

URL = "/api/v1/queue/tickets/"
RATES = {
    **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
    "ticket_anon": "3/hour",
    "ticket_kiosk": "6/hour",
}


@pytest.fixture
def setup():
    cache.clear()
    s = hall_setup()
    open_all_day(s.hall)
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES},
        QUEUE_KIOSK_DEVICES={"kiosk-secret-1": "一楼取号机"},
    ):
        yield s
    cache.clear()


def _issue(client: APIClient, **extra):
    return client.post(URL, {"category": "general"}, format="json", **extra)


def test_a_flood_from_one_address_is_limited_and_another_still_gets_a_ticket(setup):
    flood = APIClient(REMOTE_ADDR="203.0.113.7")
    answers = [_issue(flood).status_code for _ in range(10)]
    assert answers == [201] * 3 + [429] * 7
    refused = _issue(flood)
    assert refused.json()["code"] == "throttled"
    assert refused.json()["message"]
    assert int(refused["Retry-After"]) > 0
    assert Ticket.objects.count() == 3

    other = _issue(APIClient(REMOTE_ADDR="198.51.100.20"))
    assert other.status_code == 201
    assert Ticket.objects.count() == 4


def test_a_registered_kiosk_has_its_own_higher_budget(setup):
    kiosk = APIClient(REMOTE_ADDR="203.0.113.7", HTTP_X_KIOSK_DEVICE="kiosk-secret-1")
    answers = [_issue(kiosk).status_code for _ in range(8)]
    assert answers == [201] * 6 + [429] * 2
    # An unknown token is an anonymous client like any other.
    guess = APIClient(REMOTE_ADDR="203.0.113.8", HTTP_X_KIOSK_DEVICE="guess")
    assert [_issue(guess).status_code for _ in range(4)] == [201] * 3 + [429]


def test_the_kiosk_page_is_limited_too(setup, client):
    url = f"/queue/kiosk/?hall={setup.hall.pk}"
    answers = [
        client.post(url, {"category": "general"}, REMOTE_ADDR="203.0.113.9")
        for _ in range(4)
    ]
    assert [r.status_code for r in answers] == [302, 302, 302, 429]
    assert int(answers[-1]["Retry-After"]) > 0
    assert "取号过于频繁" in answers[-1].content.decode()


def test_a_phone_number_holds_a_bounded_number_of_open_tickets(setup):
    limit = settings.QUEUE_OPEN_TICKETS_PER_PHONE
    answers = [
        APIClient(REMOTE_ADDR=f"198.51.100.{i}").post(
            URL, {"category": "general", "phone": "13800000000"}, format="json"
        )
        for i in range(limit + 1)
    ]
    assert [r.status_code for r in answers] == [201] * limit + [409]
    assert answers[-1].json()["code"] == "phone_ticket_limit"
