"""作废收费, 缴费通知书 and 收费办结: the rules and who may not."""

import subprocess

from django.urls import reverse

import pytest

from zhengtong.cases import services as case_services
from zhengtong.cases.models import Case
from zhengtong.cases.tests.conftest import to_deciding_step
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.fees import notices, services
from zhengtong.fees.corrections import charge_void
from zhengtong.fees.models import Charge, FeeItem, PaymentNotice
from zhengtong.fees.selectors import case_fees, fee_totals

from .conftest import client_for


def _charge(w, fee=None, quantity=1):
    return services.charge_record(
        case=w.case, fee_item_id=(fee or w.fixed).pk, quantity=quantity, actor=w.counter
    )


def _pay(w, amount, receipt="R-1"):
    return services.payment_record(
        case=w.case,
        method="cash",
        amount_fen=amount,
        receipt_number=receipt,
        actor=w.counter,
    )


# -- 作废 ---------------------------------------------------------------------


def test_void_keeps_the_charge_and_sums_leave_it_out(fworld):
    w = fworld
    keep = _charge(w)
    wrong = _charge(w, w.per_unit, quantity=10)
    voided = charge_void(charge=wrong, actor=w.counter, reason="数量登记错误")
    assert voided.voided_by == w.counter and voided.void_reason == "数量登记错误"
    assert Charge.objects.filter(pk=wrong.pk).exists()  # the row stays
    fees = case_fees(case=w.case)
    assert fees.due == keep.due_fen == services.case_outstanding_fen(case_id=w.case.pk)
    rows = fee_totals(
        date_from=keep.charged_on, date_to=keep.charged_on, group="department"
    )
    assert rows[0]["charged"] == keep.standard_fen
    assert AuditEvent.objects.get(action="fees.charge_void").reason == "数量登记错误"


def test_the_department_head_may_void_others_may_not(fworld):
    w = fworld
    charge = _charge(w)
    for user in (w.counter2, w.reviewer, w.other_head, w.applicant, w.admin):
        with pytest.raises(ApplicationError) as exc:
            charge_void(charge=charge, actor=user, reason="错")
        assert exc.value.status == 403
    charge_void(charge=charge, actor=w.head, reason="重复登记")
    with pytest.raises(ApplicationError) as exc:  # once only
        charge_void(charge=charge, actor=w.head, reason="重复登记")
    assert exc.value.code == "charge_voided"


def test_void_after_a_payment_is_refused_409_and_changes_nothing(fworld):
    w = fworld
    charge = _charge(w)
    _pay(w, 500)
    response = client_for(w.counter).post(
        f"/api/v1/cases/{w.case.pk}/charges/{charge.pk}/void/",
        {"reason": "错"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "charge_paid"
    assert "退费" in response.json()["message"]
    charge.refresh_from_db()
    assert charge.voided_at is None


def test_void_api_bad_input_and_strangers(fworld):
    w = fworld
    charge = _charge(w)
    url = f"/api/v1/cases/{w.case.pk}/charges/{charge.pk}/void/"
    assert (
        client_for(w.counter).post(url, {"reason": " "}, format="json").status_code
        == 400
    )
    assert (
        client_for(w.counter2).post(url, {"reason": "x"}, format="json").status_code
        == 403
    )
    # a case the user may not see: 404, nothing said about it
    assert (
        client_for(w.other_applicant)
        .post(url, {"reason": "x"}, format="json")
        .status_code
        == 404
    )
    other = f"/api/v1/cases/{w.case.pk}/charges/999999/void/"
    assert (
        client_for(w.counter).post(other, {"reason": "x"}, format="json").status_code
        == 404
    )
    ok = client_for(w.counter).post(url, {"reason": "登记错误"}, format="json")
    assert ok.status_code == 200 and ok.json()["voided_at"]


# -- 缴费通知书 -----------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    )
    return out.stdout.decode()


def test_payment_notice_is_numbered_audited_and_readable(fworld, client):
    w = fworld
    services.charge_record(
        case=w.case,
        fee_item_id=w.tiered.pk,
        quantity=11,
        reduction_basis_id=w.half.pk,
        actor=w.counter,
    )
    response = client_for(w.counter).post(f"/api/v1/cases/{w.case.pk}/payment-notices/")
    assert response.status_code == 201
    body = response.json()
    assert body["number"].startswith("缴〔2026〕") and body["due_fen"] == 2650
    second = notices.payment_notice_issue(case=w.case, actor=w.counter)
    assert second.number != body["number"]
    assert AuditEvent.objects.filter(action="fees.payment_notice_issue").count() == 2
    # the applicant prints it from their case
    client.force_login(w.applicant)
    pdf = client.get(body["pdf"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(pdf.content)
    text = "".join(text.split())
    for words in (
        "缴费通知书",
        body["number"],
        w.case.number,
        "登记费",
        "26.50",
        "财政票据",
    ):
        assert words in text
    client.force_login(w.other_applicant)
    assert client.get(body["pdf"]).status_code == 404


def test_payment_notice_who_may_not_and_nothing_due(fworld):
    w = fworld
    url = f"/api/v1/cases/{w.case.pk}/payment-notices/"
    response = client_for(w.counter).post(url)
    assert response.status_code == 409 and response.json()["code"] == "nothing_due"
    _charge(w)
    for user in (w.reviewer, w.applicant, w.head):
        assert client_for(user).post(url).status_code in (403, 404)
    assert not PaymentNotice.objects.exists()


# -- 收费办结 -----------------------------------------------------------------


def _decided(w) -> Case:
    case = case_services.case_accept(case=w.case, actor=w.counter)
    decider = to_deciding_step(case)
    case = case_services.case_decide(case=case, actor=decider, outcome="approve")
    w.case = case
    return case


def _deliver(w):
    return case_services.case_deliver(
        case=Case.objects.get(pk=w.case.pk), actor=w.counter, method="download"
    )


@pytest.fixture
def settle(fworld):
    FeeItem.objects.filter(pk=fworld.fixed.pk).update(settle_before_delivery=True)
    return fworld


def test_settle_flag_refuses_delivery_and_conclusion_while_owing(settle):
    w = settle
    _charge(w)
    _decided(w)
    with pytest.raises(ApplicationError) as exc:
        _deliver(w)
    assert exc.value.code == "fees_outstanding" and exc.value.status == 409
    assert "10.00 元未缴" in exc.value.message
    assert Case.objects.get(pk=w.case.pk).delivered_at is None
    response = client_for(w.counter).get(f"/api/v1/cases/{w.case.pk}/")
    assert "deliver" not in response.json().get("allowed_actions", [])
    # 登记无需送达 then 办结: still refused while owing
    case = case_services.case_delivery_not_needed(
        case=Case.objects.get(pk=w.case.pk), actor=w.counter, reason="当场交付"
    )
    with pytest.raises(ApplicationError) as exc:
        case_services.case_conclude(case=case, actor=w.counter)
    assert exc.value.code == "fees_outstanding"
    _pay(w, 1000)
    case = case_services.case_conclude(
        case=Case.objects.get(pk=w.case.pk), actor=w.counter
    )
    assert case.concluded_at is not None


def test_settle_flag_allows_delivery_once_paid(settle):
    w = settle
    _charge(w)
    _decided(w)
    _pay(w, 1000)
    assert _deliver(w).delivered_at is not None


def test_without_the_flag_an_owing_case_is_delivered_as_before(fworld):
    w = fworld
    _charge(w)
    _decided(w)
    assert _deliver(w).delivered_at is not None


def test_the_workbench_fee_page_voids_and_issues_a_notice(fworld, client):
    w = fworld
    charge = _charge(w)
    client.force_login(w.counter)
    page = reverse("workbench:fees-case", args=[w.case.pk])
    assert "开具缴费通知书" in client.get(page).content.decode()
    response = client.post(
        reverse("workbench:fees-case-action", args=[w.case.pk, "notice"])
    )
    assert response.status_code == 302
    assert PaymentNotice.objects.filter(case=w.case).count() == 1
    bad = client.post(
        reverse("workbench:fees-case-action", args=[w.case.pk, "void"]),
        {"charge": charge.pk, "reason": ""},
    )
    assert bad.status_code == 400 and "作废" in bad.content.decode()
    ok = client.post(
        reverse("workbench:fees-case-action", args=[w.case.pk, "void"]),
        {"charge": charge.pk, "reason": "登记错误"},
    )
    assert ok.status_code == 302
    html = client.get(page).content.decode()
    assert "已作废" in html and "登记错误" in html


def test_huge_ids_are_404_not_500(fworld, client):
    w = fworld
    huge = "99999999999999999999"
    url = f"/api/v1/cases/{w.case.pk}/charges/{huge}/void/"
    response = client_for(w.counter).post(url, {"reason": "x"}, format="json")
    assert response.status_code == 404
    client.force_login(w.applicant)
    assert client.get(f"/fees/cases/{w.case.pk}/notices/{huge}.pdf").status_code == 404
    assert client.get(f"/fees/cases/{w.case.pk}/notices/0.pdf").status_code == 404


def test_the_staff_case_page_says_when_payment_comes_first(settle, client):
    w = settle
    _charge(w)
    client.force_login(w.counter)
    html = client.get(f"/workbench/cases/{w.case.pk}/").content.decode()
    assert "须缴清费用方可出件、办结" in html and "10.00 元未缴" in html


def test_the_cases_deliver_api_answers_409_fees_outstanding(settle):
    w = settle
    _charge(w)
    _decided(w)
    url = f"/api/v1/cases/{w.case.pk}/deliver/"
    body = {"method": "mail", "tracking": "SF1", "recipient": "张三"}
    response = client_for(w.counter).post(url, body, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "fees_outstanding"
    assert "未缴" in response.json()["message"]
    _pay(w, 1000)
    assert client_for(w.counter).post(url, body, format="json").status_code == 200


def test_the_fee_page_offers_no_void_of_a_charge_a_payment_may_have_paid(
    fworld, client
):
    w = fworld
    _charge(w)
    client.force_login(w.counter)
    page = reverse("workbench:fees-case", args=[w.case.pk])
    assert "作废收费" in client.get(page).content.decode()
    _pay(w, 500)
    assert "作废收费" not in client.get(page).content.decode()
