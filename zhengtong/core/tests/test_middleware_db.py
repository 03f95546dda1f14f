"""
A request that loses its database connection (a PostgreSQL restart) is run
again when that cannot do its work twice, else answered 503 with
Retry-After; never a 500 (issue 17 item 8).
"""

from django.test import Client

import pytest

from zhengtong.core.models import AuditEvent
from zhengtong.core.tests import urls_db_retry

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("zhengtong.core.tests.urls_db_retry"),
]


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch):
    monkeypatch.setattr("zhengtong.core.middleware_db.time.sleep", lambda s: None)


@pytest.fixture
def client():
    # the server answers; the test client must not re-raise the logged error
    return Client(raise_request_exception=False)


def _written() -> int:
    return AuditEvent.objects.filter(stream="test.retry:1").count()


def test_a_post_with_idempotency_key_is_run_again_and_writes_once(client):
    urls_db_retry.FAILS_LEFT["n"] = 1
    response = client.post(
        "/api/write/",
        data='{"a": 1}',
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert response.status_code == 201
    # the second run parsed the same body
    assert response.json() == {"body": '{"a": 1}'}
    assert _written() == 1


def test_a_get_is_run_again(client):
    urls_db_retry.FAILS_LEFT["n"] = 2
    assert client.get("/api/write/").status_code == 201
    assert _written() == 1


def test_a_post_without_key_is_not_run_again_and_gets_503(client):
    urls_db_retry.FAILS_LEFT["n"] = 1
    response = client.post("/api/write/", data="{}", content_type="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["code"] == "service_unavailable"
    assert _written() == 0


def test_still_lost_after_the_attempts_gives_503_page(client, settings):
    settings.DB_RETRY_ATTEMPTS = 2
    urls_db_retry.FAILS_LEFT["n"] = 5
    response = client.get("/page/write/")
    assert response.status_code == 503
    assert "服务暂时不可用" in response.content.decode()
    assert _written() == 0
    urls_db_retry.FAILS_LEFT["n"] = 0
