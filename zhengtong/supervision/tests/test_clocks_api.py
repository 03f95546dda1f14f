"""GET /api/v1/supervision/clocks/: who sees which clocks, filters, bad input."""

import pytest
import time_machine
from rest_framework.test import APIClient

from zhengtong.cases import services
from zhengtong.catalog.tests.factories import ServiceItemFactory
from zhengtong.supervision.services.sweep import supervision_sweep

from .conftest import at, complete_case

URL = "/api/v1/supervision/clocks/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def red_world(sworld):
    """One red case in each department (accepted 2025-09-25, due 10-09)."""
    w = sworld
    w.case = services.case_accept(
        case=complete_case(w, at(2025, 9, 25)), actor=w.counter, now=at(2025, 9, 25)
    )
    other_item = ServiceItemFactory(
        department=w.other_dept,
        published__promised_days=5,
        published__statutory_days=20,
    )
    w.other_case = services.case_accept(
        case=complete_case(w, at(2025, 9, 25), item=other_item),
        actor=w.foreign_reviewer,
        now=at(2025, 9, 25),
    )
    with time_machine.travel(at(2025, 10, 10), tick=False):
        supervision_sweep()
    return w


def numbers(response) -> set[str]:
    return {row["number"] for row in response.json()["results"]}


def test_a_supervisor_sees_every_department(red_world):
    w = red_world
    r = client_for(w.supervisor).get(URL, {"lamp": "red", "kind": "case"})
    assert r.status_code == 200
    assert numbers(r) == {w.case.number, w.other_case.number}
    row = r.json()["results"][0]
    assert {
        "kind",
        "object_id",
        "number",
        "due_date",
        "lamp",
        "provisional",
        "owner",
    } <= set(row)
    assert row["lamp"] == "red" and row["due_date"] == "2025-10-09"
    assert r.json()["count"] == 2


def test_a_department_head_sees_only_the_own_department(red_world):
    w = red_world
    r = client_for(w.head).get(URL, {"lamp": "red"})
    assert r.status_code == 200
    assert numbers(r) == {w.case.number}
    # asking for another department gives nothing
    r = client_for(w.head).get(URL, {"department": w.other_dept.pk})
    assert r.status_code == 200 and r.json()["results"] == []


@pytest.mark.parametrize("who", ["counter", "reviewer", "applicant"])
def test_others_are_refused(red_world, who):
    r = client_for(getattr(red_world, who)).get(URL)
    assert r.status_code == 403
    assert r.json()["code"] == "not_permitted"


def test_anonymous_is_refused(red_world):
    assert APIClient().get(URL).status_code in (401, 403)


@pytest.mark.parametrize(
    "params",
    [
        {"lamp": "purple"},
        {"kind": "nothing"},
        {"department": "x"},
        {"department": "9" * 30},
        {"after": "yesterday"},
        {"due_from": "2025-13-01"},
    ],
)
def test_bad_filters_are_a_clear_400(red_world, params):
    r = client_for(red_world.supervisor).get(URL, params)
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_input"
    assert r.json()["message"]


def test_keyset_pages_cover_every_row_once(red_world):
    w = red_world
    from zhengtong.supervision import apis_clocks

    seen = []
    client = client_for(w.supervisor)
    params = {}
    old = apis_clocks.PAGE_SIZE
    apis_clocks.PAGE_SIZE = 1
    try:
        while True:
            body = client.get(URL, params).json()
            seen += [(row["kind"], row["object_id"]) for row in body["results"]]
            if not body["next"]:
                break
            params = {"after": body["next"]}
    finally:
        apis_clocks.PAGE_SIZE = old
    assert len(seen) == len(set(seen)) == body["count"]
