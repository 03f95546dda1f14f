"""The figures API: who may see what (permission matrix) and bad input."""

from datetime import date

import pytest

from zhengtong.cases.tests.conftest import World
from zhengtong.stats.models_facts import CaseDaily
from zhengtong.stats.services.facts import CASES
from zhengtong.stats.services.rollup import rollup_upsert

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/cases/?from=2026-03-01&to=2026-03-31&group=department"


@pytest.fixture
def w():
    world = World()
    day = date(2026, 3, 2)
    rollup_upsert(
        CASES,
        {
            (day, world.dept.pk, 0, 0, 0, ""): {"received": 3, "accepted": 2},
            (day, world.other_dept.pk, 0, 0, 0, ""): {"received": 5, "accepted": 5},
        },
    )
    return world


def depts(client, user, url=URL):
    client.force_login(user)
    r = client.get(url)
    return r.status_code, (
        {row["key"]: row["received"] for row in r.json()["results"]}
        if r.status_code == 200
        else r.json()
    )


def test_supervisor_and_admin_see_the_centre(client, w):
    both = {w.dept.pk: 3, w.other_dept.pk: 5}
    assert depts(client, w.supervisor) == (200, both)


@pytest.mark.parametrize("who", ["head", "counter", "reviewer"])
def test_department_staff_see_their_own_department_only(client, w, who):
    assert depts(client, getattr(w, who)) == (200, {w.dept.pk: 3})
    status, body = depts(
        client, getattr(w, who), URL + f"&department={w.other_dept.pk}"
    )
    assert status == 403 and body["code"] == "not_permitted"


def test_centre_admin_sees_the_centre(client, w):
    # the centre administrator belongs to a department yet sees every one
    assert depts(client, w.admin)[1] == {w.dept.pk: 3, w.other_dept.pk: 5}


def test_applicants_and_visitors_are_refused(client, w):
    status, body = depts(client, w.applicant)
    assert status == 403 and body["code"] == "not_permitted"
    client.logout()
    assert client.get(URL).status_code in (401, 403)


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("from=2026-03-01&group=department", "invalid_period"),
        ("from=2026-3-1&to=2026-03-31", "invalid_date"),
        ("from=2026-02-30&to=2026-03-31", "invalid_date"),
        ("from=2026-03-31&to=2026-03-01", "invalid_period"),
        ("from=2020-01-01&to=2026-03-31", "period_too_long"),
        ("from=2026-03-01&to=2026-03-31&group=planet", "invalid_group"),
        ("from=2026-03-01&to=2026-03-31&department=abc", "invalid_input"),
        (
            "from=2026-03-01&to=2026-03-31&department=99999999999999999999",
            "invalid_input",
        ),
        ("from=2026-03-01&to=2026-03-31&channel=fax", "invalid_input"),
        ("period=fortnight", "invalid_period"),
        ("period=month&date=9999-12-15", "invalid_date"),
        ("from=9999-12-01&to=9999-12-31", "invalid_date"),
        ("from=0001-01-01&to=0001-01-31", "invalid_date"),
        ("from=%00&to=2026-03-31", "invalid_input"),  # refused by the middleware
    ],
)
def test_bad_input_is_a_400_with_a_code(client, w, query, code):
    client.force_login(w.supervisor)
    r = client.get("/api/v1/stats/cases/?" + query)
    assert r.status_code == 400, r.content
    body = r.json()
    assert body["code"] == code and body["message"]
    assert CaseDaily.objects.count() == 6  # day, week and month rows, unchanged


def test_periods(client, w):
    client.force_login(w.supervisor)
    for period, expected in [
        ("day", ("2026-03-02", "2026-03-02")),
        ("week", ("2026-03-02", "2026-03-08")),
        ("month", ("2026-03-01", "2026-03-31")),
        ("quarter", ("2026-01-01", "2026-03-31")),
        ("year", ("2026-01-01", "2026-12-31")),
    ]:
        r = client.get(
            f"/api/v1/stats/cases/?period={period}&date=2026-03-02&group=none"
        )
        body = r.json()
        assert (body["from"], body["to"]) == expected
        assert body["results"][0]["received"] == 8
    r = client.get("/api/v1/stats/tickets/?period=month&date=2026-03-02&group=hour")
    assert r.status_code == 200 and r.json()["results"] == []
    r = client.get("/api/v1/stats/waiting-by-hour/?period=month&date=2026-03-02")
    assert r.status_code == 200
