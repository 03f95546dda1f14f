"""
The HTTP contract of /api/v1/supervision/orders/ and …/breaches/: status
codes, payloads, the permission matrix, bad input (400 with stable codes).
"""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from pypdf import PdfReader
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.cases.tests.conftest import PDF_BYTES
from zhengtong.supervision.constants import OrderState
from zhengtong.supervision.models import Breach, SupervisionOrder
from zhengtong.supervision.tests.order_world import OrderWorld, at

pytestmark = pytest.mark.usefixtures("frozen_today")
ORDERS = "/api/v1/supervision/orders/"
BREACHES = "/api/v1/supervision/breaches/"


@pytest.fixture
def ow(db) -> OrderWorld:
    return OrderWorld()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _body(case, **kw) -> dict:
    return {
        "case": case.pk,
        "reason": "办件已超期两个工作日。",
        "action": "请立即办结并书面说明原因。",
        "reply_days": 3,
        **kw,
    }


@pytest.fixture
def opened(ow):
    """An order opened through the API on an accepted case."""
    case = ow.accepted_case(at(2026, 3, 2))
    r = client_for(ow.supervisor).post(ORDERS, _body(case), format="json")
    assert r.status_code == 201, r.content
    return SupervisionOrder.objects.get(pk=r.json()["id"])


def test_open_returns_id_number_and_due_date(ow):
    case = ow.accepted_case(at(2026, 3, 2))
    r = client_for(ow.supervisor).post(ORDERS, _body(case), format="json")
    assert r.status_code == 201, r.content
    data = r.json()
    assert set(data) >= {"id", "number", "due_date"}
    assert data["number"] == "督〔2026〕0001号"
    assert data["due_date"] == "2026-03-05"


@pytest.mark.parametrize(
    "who, status",
    [("applicant", 403), ("counter", 403), ("reviewer", 403), ("head", 403)],
)
def test_only_supervisors_open(ow, who, status):
    case = ow.accepted_case(at(2026, 3, 2))
    r = client_for(getattr(ow, who)).post(ORDERS, _body(case), format="json")
    assert r.status_code == status
    assert r.json()["code"] == "not_permitted"
    assert not SupervisionOrder.objects.exists()


def test_anonymous_is_401(ow):
    assert client_for(None).post(ORDERS, {}, format="json").status_code == 401


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"reason": "x", "action": "y"}, 400, "invalid_input"),  # no target
        ({"case": 999999, "reason": "x", "action": "y"}, 404, "not_found"),
        ({"case": "abc", "reason": "x", "action": "y"}, 400, "invalid_input"),
        ({"case": 1, "action": "y"}, 400, "invalid_input"),  # no reason
        (
            {"case": 1, "reason": "x", "action": "y", "reply_days": 0},
            400,
            "invalid_input",
        ),
        (
            {"case": 1, "reason": "x", "action": "y", "reply_days": 99},
            400,
            "invalid_input",
        ),
        (
            {"case": 1, "reason": "x", "action": "y", "reply_days": "3天"},
            400,
            "invalid_input",
        ),
        ({"case": 1, "reason": "   ", "action": "y"}, 400, "invalid_input"),
        ({"person": 999999, "reason": "x", "action": "y"}, 404, "not_found"),
        ([1, 2], 400, "invalid_input"),
    ],
)
def test_bad_input_is_400_or_404_never_500(ow, body, status, code):
    case = ow.accepted_case(at(2026, 3, 2))
    if isinstance(body, dict) and body.get("case") == 1:
        body = {**body, "case": case.pk}
    r = client_for(ow.supervisor).post(ORDERS, body, format="json")
    assert (r.status_code, r.json()["code"]) == (status, code), r.content


def test_malformed_json_is_400(ow):
    r = client_for(ow.supervisor).post(
        ORDERS, data='{"case": NaN}', content_type="application/json"
    )
    assert (r.status_code, r.json()["code"]) == (400, "invalid_input")


def test_other_department_head_gets_404_own_head_replies(ow, opened):
    url = f"{ORDERS}{opened.pk}/"
    other = client_for(ow.other_head)
    assert other.get(url).status_code == 404
    assert other.get(url + "pdf/").status_code == 404
    r = other.post(url + "reply/", {"text": "已办理"}, format="json")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")
    assert client_for(ow.applicant).get(url).status_code == 403
    r = client_for(ow.counter).post(url + "reply/", {"text": "已办理"}, format="json")
    assert r.status_code == 403
    # listing: each head sees their department only
    assert [o["id"] for o in client_for(ow.head).get(ORDERS).json()["results"]] == [
        opened.pk
    ]
    assert client_for(ow.other_head).get(ORDERS).json()["results"] == []
    for supervisor in (ow.supervisor, ow.admin):
        listed = client_for(supervisor).get(ORDERS).json()["results"]
        assert [o["id"] for o in listed] == [opened.pk]
    assert client_for(ow.applicant).get(ORDERS).status_code == 403
    # the person addressed (a reviewer) sees it in their list
    mine = client_for(ow.reviewer).get(ORDERS).json()["results"]
    assert [o["id"] for o in mine] == [opened.pk]


def test_reply_return_reply_accept_through_the_api(ow, opened):
    url = f"{ORDERS}{opened.pk}/"
    head, sup = client_for(ow.head), client_for(ow.supervisor)
    r = head.post(url + "accept/", {}, format="json")
    assert r.status_code == 403
    r = sup.post(url + "accept/", {}, format="json")
    assert (r.status_code, r.json()["code"]) == (409, "invalid_state")
    r = head.post(url + "reply/", {"text": ""}, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "invalid_input")
    r = head.post(url + "reply/", {"text": "已督促办理。"}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == OrderState.REPLIED
    r = sup.post(url + "return/", {}, format="json")
    assert (r.status_code, r.json()["code"]) == (400, "invalid_input")
    r = sup.post(
        url + "return/", {"note": "请附说明。", "reply_days": 2}, format="json"
    )
    assert r.status_code == 200
    assert (r.json()["state"], r.json()["due_date"]) == ("returned", "2026-03-04")
    attachment = SimpleUploadedFile(
        "说明.pdf", PDF_BYTES, content_type="application/pdf"
    )
    r = head.post(
        url + "reply/",
        {"text": "附说明。", "attachment": attachment},
        format="multipart",
    )
    assert r.status_code == 200, r.content
    assert r.json()["replies"][-1]["attachment_name"] == "说明.pdf"
    r = sup.post(url + "accept/", {"note": "同意办结。"}, format="json")
    assert r.status_code == 200
    data = r.json()
    assert data["state"] == OrderState.ACCEPTED
    assert [x["verdict"] for x in data["replies"]] == ["returned", "accepted"]


def test_a_reply_attachment_of_the_wrong_kind_is_refused(ow, opened):
    bad = SimpleUploadedFile(
        "run.exe", b"MZ\x90\x00", content_type="application/x-msdownload"
    )
    r = client_for(ow.head).post(
        f"{ORDERS}{opened.pk}/reply/",
        {"text": "见附件", "attachment": bad},
        format="multipart",
    )
    assert (r.status_code, r.json()["code"]) == (400, "invalid_input")


def test_unknown_order_is_404(ow):
    r = client_for(ow.supervisor).post(f"{ORDERS}424242/accept/", {}, format="json")
    assert (r.status_code, r.json()["code"]) == (404, "not_found")


def test_pdf_for_those_who_may_see_it(ow, opened):
    r = client_for(ow.head).get(f"{ORDERS}{opened.pk}/pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "督〔2026〕0001号" in text.replace(" ", "")


# -- breaches ---------------------------------------------------------------


def _breach_body(ow, **kw) -> dict:
    return {
        "kind": "first_question_dropped",
        "person": ow.reviewer.pk,
        "evidence_kind": "first_question",
        "evidence_text": "首问后未转交。",
        **kw,
    }


def test_breach_propose_decide_statement_through_the_api(ow):
    r = client_for(ow.supervisor).post(BREACHES, _breach_body(ow), format="json")
    assert r.status_code == 201, r.content
    breach = r.json()
    assert (breach["state"], breach["proposed_measure"]) == ("proposed", "educate")
    url = f"{BREACHES}{breach['id']}/"
    r = client_for(ow.supervisor).post(
        url + "decide/", {"measure": "yellow_card", "reason": "属实"}, format="json"
    )
    assert r.status_code == 403
    assert client_for(ow.other_head).get(url).status_code == 404
    r = client_for(ow.admin).post(
        url + "decide/", {"measure": "nonsense", "reason": "属实"}, format="json"
    )
    assert (r.status_code, r.json()["code"]) == (400, "invalid_input")
    r = client_for(ow.admin).post(
        url + "decide/", {"measure": "yellow_card", "reason": "属实"}, format="json"
    )
    assert r.status_code == 200 and r.json()["measure"] == "yellow_card"
    r = client_for(ow.head).post(
        url + "statement/", {"text": "代为申辩"}, format="json"
    )
    assert r.status_code == 403
    r = client_for(ow.reviewer).post(
        url + "statement/", {"text": "有异议。"}, format="json"
    )
    assert r.status_code == 200 and "有异议" in r.json()["statement"]
    r = client_for(ow.admin).post(url + "dismiss/", {"reason": "x"}, format="json")
    assert (r.status_code, r.json()["code"]) == (409, "invalid_state")
    # the person sees their own record; another department's head does not list it
    assert client_for(ow.reviewer).get(url).status_code == 200
    assert client_for(ow.other_head).get(BREACHES).json()["results"] == []
    listed = client_for(ow.supervisor).get(BREACHES).json()["results"]
    assert [b["id"] for b in listed] == [breach["id"]]


@pytest.mark.parametrize(
    "who, body, status",
    [
        ("counter", {}, 403),
        ("applicant", {}, 403),
        ("other_head", {}, 403),  # not their staff
        ("supervisor", {"kind": "no-such-kind"}, 400),
        ("supervisor", {"evidence_kind": "gossip"}, 400),
        ("supervisor", {"person": 999999}, 404),
        ("supervisor", {"evidence_text": ""}, 400),
    ],
)
def test_breach_propose_refusals(ow, who, body, status):
    r = client_for(getattr(ow, who)).post(
        BREACHES, _breach_body(ow, **body), format="json"
    )
    assert r.status_code == status, r.content
    assert not Breach.objects.exists()
