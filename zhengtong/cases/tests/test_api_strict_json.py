"""
POST /api/v1/cases/ refuses JSON outside the standard (NaN, Infinity, huge
numbers, duplicate keys, lone surrogates, NUL, deep nesting) with 400
``invalid_input`` and stores nothing; the request passes every middleware.
"""

from django.conf import settings
from django.test import override_settings

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.api.tests.test_middleware import SEEN
from zhengtong.cases.models import Case
from zhengtong.core.models import AuditEvent

BODIES = [
    '{{"item_code": "{code}", "form_data": {{"x": NaN}}}}',
    '{{"item_code": "{code}", "form_data": {{"x": [1, Infinity]}}}}',
    '{{"item_code": "{code}", "form_data": {{"x": -Infinity}}}}',
    '{{"item_code": "{code}", "form_data": {{"x": 1e999}}}}',
    '{{"item_code": "{code}", "submit": true, "submit": false}}',
    '{{"item_code": "{code}", "form_data": {{"x": "\\ud83d"}}}}',
    '{{"item_code": "{code}", "form_data": {{"x": "a\\u0000"}}}}',
    '{{"item_code": "{code}", "form_data": ' + "[" * 40 + "]" * 40 + "}}",
]


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize("template", BODIES)
def test_submission_outside_strict_json_is_refused(world, template):
    body = template.format(code=world.item.item_code)
    events = AuditEvent.objects.count()
    r = client_for(world.applicant).post(
        "/api/v1/cases/", body, content_type="application/json"
    )
    assert r.status_code == 400
    assert r["Content-Type"] == "application/json"
    assert r.json()["code"] == "invalid_input"
    assert r.json()["message"].startswith("请求内容不是有效的 JSON")
    assert Case.objects.count() == 0 and AuditEvent.objects.count() == events


def test_case_action_bodies_are_strict_too(world):
    case = client_for(world.applicant).post(
        "/api/v1/cases/",
        {"item_code": world.item.item_code, "submit": False},
        format="json",
    )
    assert case.status_code == 201
    r = client_for(world.applicant).post(
        f"/api/v1/cases/{case.json()['id']}/withdraw/",
        '{"note": NaN}',
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    assert Case.objects.get().status == "draft"


def test_submission_passes_every_middleware(world):
    SEEN.clear()
    recorder = "zhengtong.api.tests.test_middleware.Recorder"
    with override_settings(MIDDLEWARE=[*settings.MIDDLEWARE, recorder]):
        r = client_for(world.applicant).post(
            "/api/v1/cases/", {"item_code": world.item.item_code}, format="json"
        )
    assert r.status_code == 201
    assert SEEN == ["/api/v1/cases/"]
