"""
Idempotency-Key done right (issue 17): the same key with the same request
answers with the first case; with another body it is 422
``idempotency_key_reused`` (the old case was silently returned before); a key
older than ``CASES_IDEMPOTENCY_KEY_HOURS`` is 422 ``idempotency_key_expired``.
"""

import datetime as dt

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.cases.models import Case


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def body(world):
    return {"item_code": world.item.item_code, "form_data": {"申请事由": "开办"}}


def test_the_same_request_again_answers_with_the_first_case(world, body):
    c = client_for(world.applicant)
    r1 = c.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # the same content in another key order and spacing is the same request
    raw = '{"form_data": {"申请事由": "开办"},   "item_code": "CODE"}'.replace(
        "CODE", body["item_code"]
    )
    r2 = c.post(
        "/api/v1/cases/",
        raw,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["id"] == r2.json()["id"]
    assert Case.objects.count() == 1


def test_a_key_reused_with_another_body_is_refused(world, body):
    c = client_for(world.applicant)
    r1 = c.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = {**body, "form_data": {"申请事由": "变更"}}
    r2 = c.post("/api/v1/cases/", other, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert r1.status_code == 201
    assert r2.status_code == 422
    assert r2.json()["code"] == "idempotency_key_reused"
    assert Case.objects.get().form_data == {"申请事由": "开办"}


def test_a_key_expires_after_the_kept_period(world, body, settings):
    settings.CASES_IDEMPOTENCY_KEY_HOURS = 24
    c = client_for(world.applicant)
    start = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        r1 = c.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-9")
    with time_machine.travel(start + dt.timedelta(hours=23), tick=False):
        r2 = c.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-9")
    with time_machine.travel(start + dt.timedelta(hours=25), tick=False):
        r3 = c.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-9")
    assert r1.status_code == r2.status_code == 201
    assert r1.json()["id"] == r2.json()["id"]
    assert r3.status_code == 422
    assert r3.json()["code"] == "idempotency_key_expired"
    assert Case.objects.count() == 1
