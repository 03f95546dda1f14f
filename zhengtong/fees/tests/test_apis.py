"""The HTTP contract of the fee doors: permission matrix and bad input."""

import pytest

from zhengtong.fees import services
from zhengtong.fees.models import Charge, Payment, Refund

from .conftest import client_for

DENIED = (401, 403)


def _statuses(w, method, url, body=None, users=None):
    """Return {user name: status} for one request made by each user."""
    out = {}
    for name in users:
        user = None if name == "anonymous" else getattr(w, name)
        client = client_for(user)
        call = getattr(client, method)
        response = call(url, body, format="json") if method == "post" else call(url)
        assert response.status_code != 500
        out[name] = response.status_code
    return out


OUTSIDERS = {"other_applicant": 404, "foreign_reviewer": 404, "other_head": 404}
NOT_RECORDERS = {
    "applicant": 403,
    "reviewer": 403,
    "head": 403,
    "admin": 403,
    "supervisor": 403,
}


def test_charge_permission_matrix_and_contract(fworld):
    w = fworld
    url = f"/api/v1/cases/{w.case.pk}/charges/"
    body = {"fee": w.fixed.pk, "quantity": 1}
    expected = {**OUTSIDERS, **NOT_RECORDERS, "counter": 201, "counter2": 201}
    got = _statuses(w, "post", url, body, [*expected, "anonymous"])
    assert got.pop("anonymous") in DENIED
    assert got == expected
    assert Charge.objects.count() == 2
    data = client_for(w.counter).post(url, body, format="json").json()
    assert (data["standard_fen"], data["due_fen"], data["fee"]) == (
        1000,
        1000,
        w.fixed.pk,
    )


def test_fee_above_standard_answers_400_with_its_code(fworld):
    w = fworld
    response = client_for(w.counter).post(
        f"/api/v1/cases/{w.case.pk}/charges/",
        {"fee": w.tiered.pk, "quantity": 11, "amount_fen": 5301},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "fee_above_standard"
    assert "公示标准" in response.json()["message"]
    assert not Charge.objects.exists()


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"fee": 999999, "quantity": 1}, "fee_not_published"),
        ({"fee": "unpublished", "quantity": 1}, "fee_not_published"),
        ({"fee": "fixed", "quantity": 0}, "invalid_input"),
        ({"fee": "fixed", "quantity": -3}, "invalid_input"),
        ({"fee": "fixed", "quantity": 10**30}, "invalid_input"),
        ({"fee": "fixed", "quantity": "十"}, "invalid_input"),
        ({"fee": "fixed", "quantity": 1.5}, "invalid_input"),
        ({"fee": "fixed", "quantity": True}, "invalid_input"),
        ({"fee": "fixed"}, "invalid_input"),
        ({"fee": 2**70, "quantity": 1}, "invalid_input"),
        ({"fee": "fixed", "quantity": 1, "amount_fen": -1}, "invalid_input"),
        ({"fee": "fixed", "quantity": 1, "amount_fen": "abc"}, "invalid_input"),
        ({"fee": "fixed", "quantity": 1, "amount_fen": 10**20}, "invalid_input"),
        (
            {"fee": "fixed", "quantity": 1, "reduction_basis": 999999},
            "reduction_basis_unknown",
        ),
        ({"fee": "fixed", "quantity": 1, "counter": 999999}, "invalid_input"),
        ([], "invalid_input"),
        ("fee", "invalid_input"),
        (None, "invalid_input"),
    ],
)
def test_bad_charge_input_is_refused_in_chinese_and_writes_nothing(fworld, body, code):
    w = fworld
    if isinstance(body, dict) and isinstance(body.get("fee"), str):
        body = {**body, "fee": getattr(w, body["fee"]).pk}
    response = client_for(w.counter).post(
        f"/api/v1/cases/{w.case.pk}/charges/", body, format="json"
    )
    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in data["message"])
    assert not Charge.objects.exists()


def _charged(w, fen_fee="fixed", quantity=1):
    return services.charge_record(
        case=w.case,
        fee_item_id=getattr(w, fen_fee).pk,
        quantity=quantity,
        actor=w.counter,
    )


def test_payment_permission_matrix_and_bad_input(fworld):
    w = fworld
    _charged(w, "per_unit", 100)  # 50.00 元
    url = f"/api/v1/cases/{w.case.pk}/payments/"
    numbers = iter(range(1, 100))

    def body():
        return {
            "method": "cash",
            "amount_fen": 100,
            "receipt_number": f"N{next(numbers)}",
        }

    expected = {**OUTSIDERS, **NOT_RECORDERS, "counter": 201, "counter2": 201}
    for name, status in expected.items():
        response = client_for(getattr(w, name)).post(url, body(), format="json")
        assert response.status_code == status, name
    assert Payment.objects.count() == 2
    used = Payment.objects.first().receipt_number
    for bad, code in [
        (
            {"method": "bitcoin", "amount_fen": 100, "receipt_number": "X1"},
            "invalid_input",
        ),
        ({"method": "cash", "amount_fen": 0, "receipt_number": "X1"}, "invalid_input"),
        (
            {"method": "cash", "amount_fen": 4801, "receipt_number": "X1"},
            "payment_above_outstanding",
        ),
        ({"method": "cash", "amount_fen": 100, "receipt_number": ""}, "invalid_input"),
        (
            {"method": "cash", "amount_fen": 100, "receipt_number": "票据１"},
            "invalid_input",
        ),
        (
            {"method": "cash", "amount_fen": 100, "receipt_number": used},
            "receipt_duplicate",
        ),
    ]:
        response = client_for(w.counter).post(url, bad, format="json")
        assert (response.status_code, response.json()["code"]) == (400, code), bad
    assert Payment.objects.count() == 2


def test_case_fees_are_seen_by_whoever_sees_the_case(fworld):
    w = fworld
    _charged(w)
    url = f"/api/v1/cases/{w.case.pk}/fees/"
    expected = {
        **OUTSIDERS,
        "applicant": 200,
        "counter": 200,
        "reviewer": 200,
        "head": 200,
        "admin": 200,
        "supervisor": 200,
    }
    got = _statuses(w, "get", url, users=[*expected, "anonymous"])
    assert got.pop("anonymous") in DENIED
    assert got == expected
    mine = client_for(w.applicant).get(url).json()
    assert mine["due_fen"] == 1000 and mine["charges"][0]["fee_name"] == "证书工本费"
    assert mine["reduction_bases"] == []  # the list is for the counter


def test_refund_request_and_decision_matrix(fworld):
    w = fworld
    _charged(w)
    payment = services.payment_record(
        case=w.case,
        method="card",
        amount_fen=1000,
        receipt_number="R9",
        actor=w.counter,
    )
    url = f"/api/v1/cases/{w.case.pk}/refunds/"
    body = {"payment": payment.pk, "amount_fen": 100, "reason": "多收"}
    expected = {**OUTSIDERS, **NOT_RECORDERS, "counter": 201}
    got = _statuses(w, "post", url, body, [*expected, "anonymous"])
    assert got.pop("anonymous") in DENIED
    assert got == expected
    too_much = {"payment": payment.pk, "amount_fen": 901, "reason": "多收"}
    response = client_for(w.counter).post(url, too_much, format="json")
    assert response.json()["code"] == "refund_above_paid"
    refund = Refund.objects.get()

    approve = f"/api/v1/cases/refunds/{refund.pk}/approve/"
    got = _statuses(
        w,
        "post",
        approve,
        {},
        [
            "anonymous",
            "applicant",
            "other_applicant",
            "reviewer",
            "counter2",
            "other_head",
            "counter",
        ],
    )
    assert got.pop("anonymous") in DENIED
    assert got == {
        "applicant": 403,
        "other_applicant": 404,
        "reviewer": 403,
        "counter2": 403,
        "other_head": 404,
        "counter": 403,  # the requester
    }
    listed = client_for(w.finance).get("/api/v1/cases/refunds/?state=requested").json()
    assert [r["id"] for r in listed] == [refund.pk]
    assert client_for(w.counter).get("/api/v1/cases/refunds/").status_code == 403
    response = client_for(w.finance).post(approve, {"note": "同意"}, format="json")
    assert (response.status_code, response.json()["state"]) == (200, "approved")
    again = client_for(w.head).post(approve, {}, format="json")
    assert again.status_code == 409
    huge = client_for(w.head).post("/api/v1/cases/refunds/" + "9" * 30 + "/approve/")
    assert huge.status_code == 404
    huge = client_for(w.counter).post("/api/v1/cases/" + "9" * 30 + "/charges/", {})
    assert huge.status_code == 404


def test_reconciliation_doors_are_scoped(fworld):
    w = fworld
    _charged(w)
    for path in ("fees/reconciliation/", "fees/totals/?group=counter"):
        url = "/api/v1/cases/" + path
        got = _statuses(
            w,
            "get",
            url,
            users=[
                "anonymous",
                "applicant",
                "reviewer",
                "counter",
                "head",
                "finance",
                "admin",
            ],
        )
        assert got.pop("anonymous") in DENIED
        assert got == {
            "applicant": 403,
            "reviewer": 403,
            "counter": 200,
            "head": 200,
            "finance": 200,
            "admin": 200,
        }
    sep = "&" if "?" in url else "?"
    own = client_for(w.foreign_reviewer).get(f"{url}{sep}department={w.dept.pk}")
    assert own.status_code == 403
    for bad in (
        "date_from=2026-13-01",
        "date_from=x",
        "date_from=2026-03-05&date_to=2026-03-01",
        "group=week",
        "department=abc",
        "date_from=2020-01-01&date_to=2026-01-01",
    ):
        response = client_for(w.admin).get(f"/api/v1/cases/fees/totals/?{bad}")
        assert (response.status_code, response.json()["code"]) == (
            400,
            "invalid_input",
        ), bad
