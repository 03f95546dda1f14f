"""
The assessment API: who sees which rows, sign-off, frozen months, revisions.
"""

from datetime import date, datetime

import pytest
from rest_framework.test import APIClient

from zhengtong.core.models import AuditEvent
from zhengtong.stats.models_assessment import AssessmentRevision

from .assessment_world import AssessmentWorld, daily, moment

URL = "/api/v1/stats/assessment/"

pytestmark = pytest.mark.usefixtures("frozen_today")  # 2026-05-15, see below


@pytest.fixture
def frozen_moment() -> datetime:
    return moment(2026, 5, 15)


@pytest.fixture
def aw(db) -> AssessmentWorld:
    w = AssessmentWorld()
    w.april()
    return w


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def names(body, kind="counters"):
    return [r["name"] for r in body[kind]]


def test_rows_carry_the_stable_fields(aw):
    body = client_for(aw.supervisor).get(URL, {"month": "2026-04"}).json()
    assert body["state"] == "draft"
    row = body["counters"][0]
    for field in ("score", "rank", "red_flag", "stars", "reasons"):
        assert field in row
    assert 1 <= row["stars"] <= 5
    assert {r["name"] for r in body["staff"]} == {
        "赵审批",
        "王窗口",
        "孙备岗",
        "外部门",
    }


def test_department_head_sees_only_own_department_with_centre_ranks(aw):
    body = client_for(aw.head).get(URL, {"month": "2026-04"}).json()
    assert names(body) == ["1 号窗口", "3 号窗口", "2 号窗口"]
    assert "外部门" not in names(body, "staff")
    other = client_for(aw.other_head).get(URL, {"month": "2026-04"}).json()
    assert names(other) == ["9 号窗口"]
    assert other["counters"][0]["rank"] == 3  # the centre-wide rank
    assert names(other, "staff") == ["外部门"]


@pytest.mark.parametrize("who", ["applicant", "anonymous"])
def test_applicant_and_anonymous_are_refused(aw, who):
    client = client_for(aw.applicant) if who == "applicant" else APIClient()
    response = client.get(URL, {"month": "2026-04"})
    assert response.status_code in (401, 403)
    assert "code" in response.json()


@pytest.mark.parametrize(
    "month", ["", "2026-4", "2026-13", "abcd-ef", "2026-06", "１２"]
)
def test_bad_or_future_month_is_400_in_chinese(aw, month):
    response = client_for(aw.supervisor).get(URL, {"month": month})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_month"
    assert "月" in response.json()["message"]


def test_only_the_leader_signs_and_only_a_finished_month(aw):
    for user in (aw.supervisor, aw.head, aw.counter):
        r = client_for(user).post(
            URL + "sign-off/", {"month": "2026-04"}, format="json"
        )
        assert r.status_code == 403, user
    r = client_for(aw.admin).post(
        URL + "sign-off/", {"month": "2026-05"}, format="json"
    )
    assert r.status_code == 409
    assert r.json()["code"] == "month_not_ended"
    r = client_for(aw.admin).post(
        URL + "sign-off/", {"month": "2026-04"}, format="json"
    )
    assert r.status_code == 201
    r = client_for(aw.admin).post(
        URL + "sign-off/", {"month": "2026-04"}, format="json"
    )
    assert r.status_code == 409
    assert r.json()["code"] == "already_signed"


def test_frozen_month_does_not_change_when_late_events_arrive(aw):
    admin = client_for(aw.admin)
    before = admin.get(URL, {"month": "2026-04"}).json()
    assert (
        admin.post(URL + "sign-off/", {"month": "2026-04"}, format="json").status_code
        == 201
    )
    signed = admin.get(URL, {"month": "2026-04"}).json()
    assert signed["state"] == "signed" and signed["revision"] == 1
    assert signed["counters"] == before["counters"]

    # late events: an overdue case of 1 号 counted in April, a card, an entry
    daily(
        day=date(2026, 4, 30),
        dept=aw.dept,
        counter=aw.counter_a,
        concluded=1,
        overdue=1,
    )
    aw.card(person=aw.reviewer, when=moment(2026, 4, 29))
    r = client_for(aw.supervisor).post(
        URL + "entries/",
        {
            "month": "2026-04",
            "category": "discipline",
            "points": "-3",
            "evidence_text": "4 月 28 日擅自离岗（监控截图）",
            "person": aw.counter.pk,
        },
        format="json",
    )
    assert r.status_code == 201
    assert admin.get(URL, {"month": "2026-04"}).json()["counters"] == signed["counters"]
    assert admin.get(URL, {"month": "2026-04"}).json()["staff"] == signed["staff"]

    # a correction is a new recorded revision; the first is kept as it was
    r = admin.post(
        URL + "revisions/",
        {"month": "2026-04", "reason": "补录迟到的办结数据"},
        format="json",
    )
    assert r.status_code == 201 and r.json()["revision"] == 2
    revised = admin.get(URL, {"month": "2026-04"}).json()
    assert revised["revision"] == 2
    a = next(row for row in revised["counters"] if row["name"] == "1 号窗口")
    assert a["score"] < 100.0
    first = AssessmentRevision.objects.get(number=1)
    assert first.results["counters"] == signed["counters"]
    event = AuditEvent.objects.filter(action="assessment_revised").get()
    assert event.reason == "补录迟到的办结数据"
    assert any(c["name"] == "1 号窗口" for c in event.details["changes"])


def test_revision_needs_a_reason_and_a_signed_month(aw):
    admin = client_for(aw.admin)
    r = admin.post(
        URL + "revisions/", {"month": "2026-04", "reason": "更正数据"}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "not_signed"
    admin.post(URL + "sign-off/", {"month": "2026-04"}, format="json")
    r = admin.post(
        URL + "revisions/", {"month": "2026-04", "reason": " "}, format="json"
    )
    assert r.status_code == 400
    assert AssessmentRevision.objects.count() == 1


def test_entries_need_evidence_and_a_subject_and_a_supervisor(aw):
    client = client_for(aw.supervisor)
    good = {
        "month": "2026-04",
        "category": "political",
        "points": "2",
        "evidence_text": "获评优秀党员（文件）",
        "counter": aw.counter_a.pk,
    }
    bad = [
        {**good, "evidence_text": ""},
        {**good, "points": "0"},
        {**good, "points": "NaN"},
        {**good, "category": "nope"},
        {k: v for k, v in good.items() if k != "counter"},
        {**good, "counter": 10**9},
        {**good, "month": "2027-01"},
    ]
    for body in bad:
        r = client.post(URL + "entries/", body, format="json")
        assert r.status_code == 400, body
    r = client_for(aw.head).post(URL + "entries/", good, format="json")
    assert r.status_code == 403
    assert client.post(URL + "entries/", good, format="json").status_code == 201
    assert client.post(URL + "entries/", [1], format="json").status_code == 400
