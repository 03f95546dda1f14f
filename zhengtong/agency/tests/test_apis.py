"""The HTTP contract of /api/v1/agency/: who may not, bad input, codes."""

import pytest
from rest_framework.test import APIClient

from zhengtong.agency import services
from zhengtong.agency.models import AgencyAssignment, MajorProject, PriorityMark
from zhengtong.cases.models import Case
from zhengtong.queueing import services as queue_services

from .conftest import APPLICANT_ID, complete_case

BASE = "/api/v1/agency/"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def ready(aworld):
    return aworld.case_received_at(aworld.hall_a)


@pytest.fixture
def project(aworld):
    return services.major_project_register(
        actor=aworld.admin,
        name="产业园",
        enterprise="某实业公司",
        sector="industry",
        registered_capital_wan=1000,
        follow_up_officer=aworld.officer_user,
    )


def _status(user, method, url, data=None):
    client = client_for(user)
    call = getattr(client, method)
    response = call(url, data, format="json") if method == "post" else call(url)
    return response.status_code


def test_permission_matrix_of_every_endpoint(aworld, ready, project):
    case = complete_case(aworld, None)
    assignment = services.assignment_request(
        case=case, actor=aworld.applicant, kind="agency"
    )
    ticket = queue_services.ticket_issue(
        category=aworld.hall_a.categories["A"], channel="kiosk"
    )
    w = aworld
    # (who, method, url, data, allowed status) — the refused ones
    refused = [
        (None, "get", "officers/", None, 401),
        (w.applicant, "get", "officers/", None, 403),
        (w.counter, "post", "officers/", {"user": w.counter.pk}, 403),
        (w.other_applicant, "get", f"assignments/{assignment.pk}/", None, 404),
        (
            w.other_applicant,
            "post",
            "assignments/",
            {"case": case.pk, "kind": "agency"},
            404,
        ),
        (w.counter, "post", "assignments/", {"case": case.pk, "kind": "agency"}, 403),
        (
            w.applicant,
            "post",
            f"assignments/{assignment.pk}/assign/",
            {"officer": w.officer.pk},
            403,
        ),
        (
            w.applicant,
            "post",
            f"assignments/{assignment.pk}/authorise/",
            {"method": "online"},
            409,
        ),
        (
            w.officer_user,
            "post",
            f"assignments/{assignment.pk}/supplement/",
            {"note": "x"},
            404,
        ),
        (
            w.other_applicant,
            "post",
            f"cases/{case.pk}/delivery-preference/",
            {"method": "download"},
            404,
        ),
        (
            w.applicant,
            "post",
            f"cases/{case.pk}/mark/",
            {"kind": "elderly", "basis": "x"},
            403,
        ),
        (
            w.desk_b,
            "post",
            f"cases/{case.pk}/mark/",
            {"kind": "elderly", "basis": "x"},
            404,
        ),
        (
            w.reviewer,
            "post",
            f"tickets/{ticket.pk}/mark/",
            {"kind": "elderly", "basis": "x"},
            403,
        ),
        (
            w.desk_b,
            "post",
            f"tickets/{ticket.pk}/mark/",
            {"kind": "elderly", "basis": "x"},
            404,
        ),
        (
            w.applicant,
            "get",
            "marks/counts/?date_from=2026-03-01&date_to=2026-03-31",
            None,
            403,
        ),
        (w.applicant, "post", "projects/check/", {"sector": "industry"}, 403),
        (w.applicant, "get", "projects/", None, 403),
        (w.counter, "post", "projects/", {"name": "x"}, 403),
        (w.applicant, "get", f"projects/{project.pk}/", None, 404),
        (w.counter, "post", f"projects/{project.pk}/advance/", {"note": "x"}, 403),
        (w.applicant, "get", "handover/", None, 403),
        (w.reviewer, "get", "handover/", None, 403),
        (w.desk_b, "post", f"handover/{ready.pk}/", {"method": "download"}, 404),
        (w.applicant, "post", f"handover/{ready.pk}/", {"method": "download"}, 403),
        (w.desk_b, "post", f"handover/{ready.pk}/notify/", None, 404),
        (w.supervisor, "post", f"handover/{ready.pk}/", {"method": "download"}, 403),
    ]
    for user, method, url, data, expected in refused:
        got = _status(user, method, BASE + url, data)
        assert got == expected, (getattr(user, "username", None), method, url, got)
    # nothing changed
    assert AgencyAssignment.objects.get().status == "requested"
    assert not PriorityMark.objects.exists()
    assert MajorProject.objects.get().stage == "reception"
    assert Case.objects.get(pk=ready.pk).delivered_at is None
    # and the allowed ones
    allowed = [
        (w.counter, "get", "officers/", None, 200),
        (w.applicant, "get", f"assignments/{assignment.pk}/", None, 200),
        (
            w.admin,
            "post",
            f"assignments/{assignment.pk}/assign/",
            {"officer": w.officer.pk},
            200,
        ),
        (
            w.applicant,
            "post",
            f"assignments/{assignment.pk}/authorise/",
            {"method": "online"},
            200,
        ),
        (
            w.officer_user,
            "post",
            f"assignments/{assignment.pk}/delivery-preference/",
            {"method": "download"},
            200,
        ),
        (
            w.counter,
            "post",
            f"cases/{case.pk}/mark/",
            {"kind": "elderly", "basis": "持老年证"},
            201,
        ),
        (
            w.hall_a.staff,
            "post",
            f"tickets/{ticket.pk}/mark/",
            {"kind": "disabled", "basis": "残疾人证"},
            201,
        ),
        (
            w.supervisor,
            "get",
            "marks/counts/?date_from=2026-03-01&date_to=2026-03-31",
            None,
            200,
        ),
        (
            w.counter,
            "post",
            "projects/check/",
            {"sector": "industry", "total_investment_wan": "5000"},
            200,
        ),
        (w.supervisor, "get", f"projects/{project.pk}/", None, 200),
        (
            w.officer_user,
            "post",
            f"projects/{project.pk}/advance/",
            {"note": "审办完成"},
            200,
        ),
        (w.desk_other, "get", "handover/", None, 200),
        (w.desk_other, "post", f"handover/{ready.pk}/notify/", None, 200),
        (w.desk_other, "post", f"handover/{ready.pk}/", {"method": "download"}, 200),
    ]
    for user, method, url, data, expected in allowed:
        got = _status(user, method, BASE + url, data)
        assert got == expected, (user.username, method, url, got)
    assert Case.objects.get(pk=ready.pk).delivery_method == "download"
    assert PriorityMark.objects.count() == 2


@pytest.mark.parametrize(
    ("url", "data", "code"),
    [
        ("handover/{ready}/", {"method": "fax"}, "invalid_input"),
        ("handover/{ready}/", {"method": "mail"}, "tracking_required"),
        ("handover/{ready}/", {"method": "counter_pickup"}, "invalid_input"),
        (
            "handover/{ready}/",
            {
                "method": "counter_pickup",
                "identity_check": "id_check",
                "id_number": "110101199001011234",
            },
            "id_mismatch",
        ),
        (
            "handover/{ready}/",
            {"method": "download", "counter": 10**30},
            "invalid_input",
        ),
        ("handover/{ready}/", ["method"], "invalid_input"),
        (
            "projects/check/",
            {"sector": "industry", "total_investment_wan": "-5"},
            "invalid_input",
        ),
        (
            "projects/check/",
            {"sector": "industry", "total_investment_wan": "abc"},
            "invalid_input",
        ),
        ("projects/check/", {"sector": "farm"}, "invalid_input"),
    ],
)
def test_bad_input_answers_400_with_a_chinese_message(aworld, ready, url, data, code):
    client = client_for(aworld.counter)
    response = client.post(
        BASE + url.format(ready=ready.pk),
        data,
        format="json",
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    assert APPLICANT_ID not in body["message"]
    assert Case.objects.get(pk=ready.pk).delivered_at is None


def test_bad_query_and_mark_input_change_nothing(aworld):
    case = complete_case(aworld, None)
    client = client_for(aworld.counter)
    for query in (
        "",
        "?date_from=x&date_to=2026-01-01",
        "?date_from=2026-02-01&date_to=2026-01-01",
    ):
        response = client.get(BASE + "marks/counts/" + query)
        assert response.status_code == 400
    response = client.post(
        BASE + f"cases/{case.pk}/mark/", {"kind": "vip", "basis": "x"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert not PriorityMark.objects.exists()
    assert client.get(BASE + "handover/?hall=abc").status_code == 404
