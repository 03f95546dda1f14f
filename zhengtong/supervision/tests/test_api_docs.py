"""Each supervision API operation has its own summary and description."""

from collections import Counter

from rest_framework.test import APIClient


def test_every_supervision_operation_is_documented_apart(db):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    ops = [
        op
        for path, methods in schema["paths"].items()
        if path.startswith("/api/v1/supervision/")
        for op in methods.values()
    ]
    assert len(ops) >= 15
    summaries = Counter(op["summary"] for op in ops)
    assert [s for s, n in summaries.items() if n > 1] == []
    decide = next(op for op in ops if op["operationId"].endswith("decide_create"))
    assert "breach_decide" in decide["description"]
