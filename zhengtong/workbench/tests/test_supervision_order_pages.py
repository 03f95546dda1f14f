"""
Workbench pages of supervision orders and cards: the 「督办」 button, open,
reply with an attachment, return, accept, print; breaches decided and
stated; who sees which form.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest

from zhengtong.cases.tests.conftest import PDF_BYTES
from zhengtong.supervision.constants import BreachState, OrderState
from zhengtong.supervision.models import Breach, BreachKind, SupervisionOrder
from zhengtong.supervision.services.breaches import breach_propose
from zhengtong.supervision.tests.order_world import OrderWorld, at

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def ow(db) -> OrderWorld:
    return OrderWorld()


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_case_page_offers_the_order_button_to_supervisors_only(ow):
    case = ow.accepted_case(at(2026, 3, 2))
    url = f"/workbench/cases/{case.pk}/"
    new = f"/workbench/supervision/orders/new/?case={case.pk}"
    assert new in login(ow.supervisor).get(url).content.decode()
    assert new not in login(ow.reviewer).get(url).content.decode()
    assert login(ow.head).get(new).status_code == 403
    assert login(ow.counter).get(new).status_code == 403


def test_open_reply_return_accept_through_the_pages(ow):
    case = ow.accepted_case(at(2026, 3, 2))
    sup, head = login(ow.supervisor), login(ow.head)
    r = sup.post(
        "/workbench/supervision/orders/new/",
        {
            "case": case.pk,
            "step": "",
            "reason": "办件临近超期。",
            "action": "请立即办理。",
            "reply_days": 3,
        },
    )
    assert r.status_code == 302, r.content.decode()
    order = SupervisionOrder.objects.get()
    url = f"/workbench/supervision/orders/{order.pk}/"
    assert r["Location"] == url
    page = head.get(url).content.decode()
    assert "回复督办单" in page and "审核回复" not in page
    assert login(ow.other_head).get(url).status_code == 404
    # a blank reply stays on the page with the message
    r = head.post(url + "reply/", {"text": ""})
    assert r.status_code == 400
    attachment = SimpleUploadedFile(
        "说明.pdf", PDF_BYTES, content_type="application/pdf"
    )
    r = head.post(url + "reply/", {"text": "已督促办理。", "attachment": attachment})
    assert r.status_code == 302
    page = sup.get(url).content.decode()
    assert "审核回复" in page and "附件：说明.pdf" in page
    reply = order.replies.get()
    r = sup.get(f"{url}replies/{reply.pk}/attachment/")
    assert r.status_code == 200
    # returning needs a note
    r = sup.post(url + "return/", {"note": ""})
    assert r.status_code == 400 and "退回理由" in r.content.decode()
    assert sup.post(url + "return/", {"note": "请说明原因。"}).status_code == 302
    assert head.post(url + "reply/", {"text": "原因：材料待核。"}).status_code == 302
    assert sup.post(url + "accept/", {"note": "同意"}).status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED
    r = head.get(url + "pdf/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"


def test_breach_pages_decide_and_statement(ow):
    breach = breach_propose(
        actor=ow.supervisor,
        kind=BreachKind.objects.get(code="first_question_dropped"),
        person=ow.reviewer,
        evidence_kind="first_question",
        evidence_text="首问后未转交。",
    )
    url = f"/workbench/supervision/breaches/{breach.pk}/"
    admin, person = login(ow.admin), login(ow.reviewer)
    assert "认定理由" in admin.get(url).content.decode()
    assert "认定理由" not in login(ow.supervisor).get(url).content.decode()
    assert "提交申辩" in person.get(url).content.decode()
    assert login(ow.other_head).get(url).status_code == 404
    r = admin.post(url + "decide/", {"measure": "", "reason": "属实"})
    assert r.status_code == 400
    measure = breach.proposed_measure.pk
    assert (
        admin.post(url + "decide/", {"measure": measure, "reason": "属实"}).status_code
        == 302
    )
    assert person.post(url + "statement/", {"text": "有异议。"}).status_code == 302
    breach.refresh_from_db()
    assert breach.state == BreachState.DECIDED and "有异议" in breach.statement
    listing = login(ow.head).get("/workbench/supervision/breaches/").content.decode()
    assert breach.number in listing
    assert (
        breach.number
        not in login(ow.other_head)
        .get("/workbench/supervision/breaches/")
        .content.decode()
    )


def test_breach_proposed_from_the_page_by_a_head_for_own_staff(ow):
    head = login(ow.head)
    assert head.get("/workbench/supervision/breaches/new/").status_code == 200
    kind = BreachKind.objects.get(code="notice_not_once")
    r = head.post(
        "/workbench/supervision/breaches/new/",
        {
            "kind": kind.pk,
            "person": ow.foreign_reviewer.pk,  # not in the head's list
            "evidence_kind": "case",
            "evidence_text": "两次补正。",
        },
    )
    assert r.status_code == 400 and not Breach.objects.exists()
    r = head.post(
        "/workbench/supervision/breaches/new/",
        {
            "kind": kind.pk,
            "person": ow.reviewer.pk,
            "evidence_kind": "case",
            "evidence_text": "两次补正。",
        },
    )
    assert r.status_code == 302
    assert Breach.objects.get().proposed_by_id == ow.head.pk
    assert (
        login(ow.counter).get("/workbench/supervision/breaches/new/").status_code == 403
    )
