"""
POST /api/v1/queue/tickets/ refuses JSON outside the standard with 400
``invalid_input`` and issues no ticket; issue and call-next pass every
middleware.
"""

from django.conf import settings
from django.test import override_settings

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.api.tests.test_middleware import SEEN
from zhengtong.queueing.models import Ticket

from .factories import hall_setup, open_all_day

pytestmark = pytest.mark.django_db

URL = "/api/v1/queue/tickets/"


@pytest.fixture
def setup():
    s = hall_setup()
    open_all_day(s.hall)
    return s


@pytest.mark.parametrize(
    "body",
    [
        '{"category": "general", "note": Infinity}',
        '{"category": "general", "note": NaN}',
        '{"category": "general", "note": -Infinity}',
        '{"category": "general", "note": 1e999}',
        '{"category": "nope", "category": "general"}',
        '{"category": "general", "phone": "\\udc00"}',
        '{"category": "general\\u0000"}',
        '{"category": "general", "x": ' + "{" * 40 + "}" * 40 + "}",
    ],
)
def test_ticket_issue_outside_strict_json_is_refused(setup, body):
    r = APIClient().post(URL, body, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_input"
    assert r.json()["message"].startswith("请求内容不是有效的 JSON")
    assert Ticket.objects.count() == 0


def test_the_same_ticket_in_strict_json_is_issued(setup):
    r = APIClient().post(
        URL, '{"category": "general"}', content_type="application/json"
    )
    assert r.status_code == 201 and Ticket.objects.count() == 1


def test_issue_and_call_next_pass_every_middleware(setup):
    SEEN.clear()
    token, _ = Token.objects.get_or_create(user=setup.staff)
    staff = APIClient()
    staff.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    counter = setup.counters[0]
    recorder = "zhengtong.api.tests.test_middleware.Recorder"
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, recorder]):
        issued = APIClient().post(URL, {"category": "general"}, format="json")
        called = staff.post(f"/api/v1/queue/counters/{counter.pk}/call-next/")
    assert issued.status_code == 201
    assert called.status_code == 200, called.content
    assert called.json()["id"] == issued.json()["id"]
    call_next = f"/api/v1/queue/counters/{counter.pk}/call-next/"
    assert [URL, call_next] == SEEN
