"""
The OpenAPI schema documents both bodies of ``POST /api/v1/cases/``: one item
(``item_code``) or a 一件事 (``bundle_code`` + ``answers``), and both 201
answers — and the bundle answer really has the documented shape.
"""

from django.test import Client

import pytest

from .conftest import client_for


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def test_case_submission_documents_the_bundle_variant(schema, world):
    operation = schema["paths"]["/api/v1/cases/"]["post"]
    body = _resolve(
        schema, operation["requestBody"]["content"]["application/json"]["schema"]
    )
    variants = [_resolve(schema, v) for v in body["oneOf"]]
    assert [sorted(v["required"]) for v in variants] == [
        ["item_code"],
        ["answers", "bundle_code"],
    ]
    created = _resolve(
        schema, operation["responses"]["201"]["content"]["application/json"]["schema"]
    )
    shapes = [_resolve(schema, v) for v in created["oneOf"]]
    bundle_shape = next(s for s in shapes if "sub_cases" in s["properties"])
    sub_case = _resolve(schema, bundle_shape["properties"]["sub_cases"]["items"])

    w = world
    r = client_for(w.applicant).post(
        "/api/v1/cases/",
        {"bundle_code": "newborn", "answers": w.answers, "form_data": w.form},
        format="json",
    )
    assert r.status_code == 201, r.content
    data = r.json()
    assert set(data) == set(bundle_shape["required"]) == set(bundle_shape["properties"])
    assert set(data["sub_cases"][0]) == set(sub_case["required"])
    assert "bundle_code" in operation["description"]
