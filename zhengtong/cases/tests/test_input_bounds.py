"""
No 500 from what a client can send (issue 17, each finding a test): ids
beyond 64 bits are 404, NUL in a query parameter or an address is 400
``invalid_input``, and every API error — the 500 included — is JSON with a
``request_id`` that is also the ``X-Request-ID`` header and in the log line.
"""

import logging

from django.http import HttpRequest
from django.test import override_settings
from django.urls import path

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

BIG = "18446744073709551616"  # 2**64


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/cases/{BIG}/",
        f"/api/v1/cases/{2**63}/",
        f"/api/v1/catalog/items/{BIG}/",
    ],
)
def test_an_id_beyond_64_bits_is_not_found(world, url):
    r = client_for(world.applicant).get(url)
    assert r.status_code == 404
    assert r.json()["code"] == "not_found"
    assert r.json()["request_id"] == r["X-Request-ID"]


def test_the_largest_64_bit_id_is_an_ordinary_miss(world):
    r = client_for(world.applicant).get(f"/api/v1/cases/{2**63 - 1}/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_a_hall_number_beyond_64_bits_is_refused(world):
    r = APIClient().get(f"/api/v1/queue/categories/?hall={BIG}")
    assert r.status_code == 400 and r.json()["code"] == "invalid_hall"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/?q=%00",
        "/api/v1/catalog/items/?code=%00",
        "/api/v1/cases/lookup/?number=%00&code=1",
        "/api/v1/queue/tickets/track/%00/",
        "/api/v1/cases/?%00=1",
    ],
)
def test_nul_in_a_parameter_or_address_is_refused(world, url):
    r = client_for(world.reviewer).get(url)
    assert r.status_code == 400
    assert r["Content-Type"] == "application/json"
    assert r.json()["code"] == "invalid_input"
    assert r.json()["request_id"] == r["X-Request-ID"]


def test_nul_in_a_page_parameter_is_a_400_page(world, client):
    client.force_login(world.reviewer)
    r = client.get("/workbench/?q=%00")
    assert r.status_code == 400
    assert "请求无法处理" in r.content.decode()


def test_a_page_id_beyond_64_bits_is_not_found(world, client):
    client.force_login(world.reviewer)
    assert client.get(f"/workbench/?before={BIG}").status_code == 200


def _boom(request: HttpRequest):
    raise RuntimeError("boom")


urlpatterns = [path("api/v1/boom/", _boom)]
handler500 = "zhengtong.core.views.server_error"


@override_settings(ROOT_URLCONF=__name__)
def test_an_api_500_is_json_with_the_request_id_of_the_log(db, caplog):
    client = APIClient(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        r = client.get("/api/v1/boom/")
    assert r.status_code == 500
    body = r.json()
    assert body["code"] == "server_error"
    assert body["request_id"] == r["X-Request-ID"]
    assert [rec.request_id for rec in caplog.records] == [body["request_id"]]


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(db):
    r = APIClient().get("/api/v1/nope/", HTTP_X_REQUEST_ID="proxy-1234abcd")
    assert r["X-Request-ID"] == "proxy-1234abcd" == r.json()["request_id"]
    r = APIClient().get("/api/v1/nope/", HTTP_X_REQUEST_ID="<script>")
    assert r["X-Request-ID"] != "<script>"


def test_request_data_too_big_on_the_api_is_json_413(world):
    """Issue 17: ``RequestDataTooBig`` came back as an HTML page."""
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        r = client_for(world.applicant).post(
            "/api/v1/cases/",
            {"item_code": world.item.item_code, "note": "x" * 500},
            format="multipart",
        )
    assert r.status_code == 413
    assert r.json()["code"] == "request_too_large"
    assert r.json()["request_id"] == r["X-Request-ID"]
