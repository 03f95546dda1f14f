"""OpenAPI schema and browsable docs are served and list the catalogue."""

import pytest

pytestmark = pytest.mark.django_db


def test_schema_lists_catalogue_endpoints(client):
    resp = client.get("/api/schema/", {"format": "json"})
    assert resp.status_code == 200
    schema = resp.json()
    assert schema["info"]["title"] == "政通 Zhengtong API"
    paths = schema["paths"]
    for path in (
        "/api/v1/catalog/items/",
        "/api/v1/catalog/items/{item_id}/",
        "/api/v1/catalog/items/{item_id}/versions/",
        "/api/v1/catalog/items/{item_id}/versions/{version}/",
        "/api/v1/catalog/departments/",
        "/api/v1/catalog/item-types/",
        "/api/v1/catalog/regions/",
        "/api/v1/catalog/halls/",
        "/api/v1/catalog/counters/",
    ):
        assert path in paths, path
        assert set(paths[path]) == {"get"}, path  # read-only
    params = {p["name"] for p in paths["/api/v1/catalog/items/"]["get"]["parameters"]}
    assert {"q", "code", "department", "type", "online", "page"} <= params


def test_docs_page_is_served_without_cdn(client):
    resp = client.get("/api/docs/")
    assert resp.status_code == 200
    page = resp.content.decode()
    assert "swagger" in page.lower()
    assert "cdn.jsdelivr" not in page and "unpkg.com" not in page


def test_schema_covers_every_stable_interface(client):
    """The whole schema builds and lists the stable endpoints of every area."""
    resp = client.get("/api/schema/", {"format": "json"})
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    for path, method in (
        ("/api/v1/auth/token/", "post"),
        ("/api/v1/workdays/deadline/", "get"),
        ("/api/v1/workdays/is-working-day/", "get"),
        ("/api/v1/cases/", "post"),
        ("/api/v1/cases/{case_id}/", "get"),
        ("/api/v1/cases/{case_id}/documents/", "get"),
        ("/api/v1/queue/tickets/", "post"),
        ("/api/v1/queue/categories/", "get"),
        ("/api/v1/queue/counters/", "get"),
        ("/api/v1/queue/appointments/slots/", "get"),
        ("/api/v1/queue/appointments/", "post"),
    ):
        assert method in paths.get(path, {}), path
    actions = [p for p in paths if p.startswith("/api/v1/cases/{case_id}/")]
    for action in (
        "accept",
        "request-supplement",
        "refuse",
        "suspend",
        "extension-request",
        "extension-approve",
        "decide",
    ):
        assert any(p.endswith(f"/{action}/") for p in actions), action


def test_submission_and_ticket_issue_keep_their_documented_operations(client):
    """Case submission and ticket issue are described from their serializers."""
    paths = client.get("/api/schema/", {"format": "json"}).json()["paths"]
    create = paths["/api/v1/cases/"]["post"]
    assert create["summary"] == "提交申请（创建办件）"
    assert "Idempotency-Key" in [p["name"] for p in create.get("parameters", [])]
    assert "201" in create["responses"]
    assert paths["/api/v1/queue/tickets/"]["post"]["summary"] == "取号"
