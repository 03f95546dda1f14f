"""The fee pages: staff record and approve, applicants see what they paid."""

import io

from django.test import Client

from openpyxl import load_workbook

from zhengtong.fees import services
from zhengtong.fees.models import Charge, Payment, Refund, RefundState


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_counter_records_charge_payment_and_refund_on_the_case_page(fworld):
    w = fworld
    page = f"/workbench/fees/cases/{w.case.pk}/"
    counter = _client(w.counter)
    assert "登记收费</h2>" in counter.get(page).content.decode()
    response = counter.post(
        page + "charge/", {"fee": w.fixed.pk, "quantity": 1, "amount": "10.01"}
    )
    assert response.status_code == 400
    assert "超过公示标准" in response.content.decode()
    assert not Charge.objects.exists()
    response = counter.post(page + "charge/", {"fee": w.fixed.pk, "quantity": 1})
    assert response.status_code == 302 and Charge.objects.get().due_fen == 1000
    response = counter.post(
        page + "payment/",
        {"method": "cash", "amount": "10.00", "receipt_number": "P-1"},
    )
    assert response.status_code == 302 and Payment.objects.get().amount_fen == 1000
    payment = Payment.objects.get()
    response = counter.post(
        page + "refund/", {"payment": payment.pk, "amount": "2.5", "reason": "多收"}
    )
    assert response.status_code == 302 and Refund.objects.get().amount_fen == 250
    # the staff case page shows the panel with the sums
    detail = counter.get(f"/workbench/cases/{w.case.pk}/").content.decode()
    assert "登记收费与缴费" in detail and "10.00 元" in detail


def test_who_may_not_record_or_see(fworld):
    w = fworld
    page = f"/workbench/fees/cases/{w.case.pk}/"
    reviewer = _client(w.reviewer)
    assert "登记收费</h2>" not in reviewer.get(page).content.decode()
    response = reviewer.post(page + "charge/", {"fee": w.fixed.pk, "quantity": 1})
    assert response.status_code == 403
    assert _client(w.foreign_reviewer).get(page).status_code == 404
    assert _client(w.applicant).get(page).status_code == 403  # not staff
    assert not Charge.objects.exists()


def test_head_approves_on_the_refund_page_and_counter_may_not(fworld):
    w = fworld
    services.charge_record(
        case=w.case, fee_item_id=w.fixed.pk, quantity=1, actor=w.counter
    )
    payment = services.payment_record(
        case=w.case,
        method="card",
        amount_fen=1000,
        receipt_number="Q1",
        actor=w.counter,
    )
    refund = services.refund_request(
        payment=payment, amount_fen=300, reason="多收", actor=w.counter
    )
    assert _client(w.counter).get("/workbench/fees/refunds/").status_code == 403
    head = _client(w.head)
    assert "批准退费" in head.get("/workbench/fees/refunds/").content.decode()
    assert (
        _client(w.other_head)
        .post("/workbench/fees/refunds/", {"refund": refund.pk, "decision": "approve"})
        .status_code
        == 404
    )
    response = head.post(
        "/workbench/fees/refunds/", {"refund": refund.pk, "decision": "approve"}
    )
    assert response.status_code == 302
    refund.refresh_from_db()
    assert refund.state == RefundState.APPROVED


def test_reconciliation_page_and_excel_export(fworld):
    w = fworld
    services.charge_record(
        case=w.case, fee_item_id=w.fixed.pk, quantity=1, actor=w.counter
    )
    services.payment_record(
        case=w.case,
        method="transfer",
        amount_fen=1000,
        receipt_number="X9",
        actor=w.counter,
    )
    counter = _client(w.counter)
    page = counter.get("/workbench/fees/reconciliation/")
    assert page.status_code == 200 and "10.00" in page.content.decode()
    export = counter.get("/workbench/fees/reconciliation/?export=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "日期" and rows[-1][0] == "合计" and rows[-1][7] == "10.00"
    assert _client(w.reviewer).get("/workbench/fees/reconciliation/").status_code == 403
    bad = counter.get("/workbench/fees/reconciliation/?date_from=2026-02-30")
    assert bad.status_code == 400 and "日期" in bad.content.decode()


def test_applicant_sees_what_they_paid_and_why(fworld):
    w = fworld
    services.charge_record(
        case=w.case,
        fee_item_id=w.fixed.pk,
        quantity=1,
        reduction_basis_id=w.half.pk,
        actor=w.counter,
    )
    services.payment_record(
        case=w.case,
        method="cash",
        amount_fen=500,
        receipt_number="Z-77",
        actor=w.counter,
    )
    text = _client(w.applicant).get(f"/cases/{w.case.pk}/").content.decode()
    for shown in ("收费明细", "证书工本费", "小微企业减半", "Z-77", "测试收费依据"):
        assert shown in text
    assert _client(w.other_applicant).get(f"/cases/{w.case.pk}/").status_code == 404


def test_guide_shows_the_published_fee_items_only(fworld):
    w = fworld
    text = Client().get(f"/items/{w.item.pk}/").content.decode()
    assert "证书工本费" in text and "每页0.50元" in text
    assert "未公示项目" not in text


def test_fee_statement_pdf_for_whoever_sees_the_case(fworld):
    from pypdf import PdfReader

    w = fworld
    services.charge_record(
        case=w.case, fee_item_id=w.fixed.pk, quantity=1, actor=w.counter
    )
    services.payment_record(
        case=w.case,
        method="cash",
        amount_fen=1000,
        receipt_number="PDF-1",
        actor=w.counter,
    )
    url = f"/fees/cases/{w.case.pk}/statement.pdf"
    response = _client(w.applicant).get(url)
    assert response["Content-Type"] == "application/pdf"
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "PDF-1" in text and "10.00" in text
    assert _client(w.other_applicant).get(url).status_code == 404
    assert _client(w.counter).get(url).status_code == 200
