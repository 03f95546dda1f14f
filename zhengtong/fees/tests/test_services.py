"""Charges, payments and refunds: the legal rules of 收费 and who may not."""

import pytest

from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.fees import services
from zhengtong.fees.models import Charge, Payment, Refund, RefundState
from zhengtong.fees.selectors import case_fees


def _code(exc) -> str:
    return exc.value.code


def test_amount_above_the_published_standard_is_refused_and_nothing_written(fworld):
    w = fworld
    with pytest.raises(ApplicationError) as exc:
        services.charge_record(
            case=w.case,
            fee_item_id=w.fixed.pk,
            quantity=1,
            amount_fen=1001,
            actor=w.counter,
        )
    assert _code(exc) == "fee_above_standard"
    assert "超过公示标准" in exc.value.message
    assert not Charge.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="fees.").exists()


def test_charge_at_the_standard_is_recorded_and_audited(fworld):
    w = fworld
    charge = services.charge_record(
        case=w.case, fee_item_id=w.tiered.pk, quantity=11, actor=w.counter
    )
    assert (charge.standard_fen, charge.reduction_fen, charge.due_fen) == (
        5300,
        0,
        5300,
    )
    assert charge.counter == w.desk  # the clerk's only counter
    event = AuditEvent.objects.get(action="fees.charge_record")
    assert event.details["due_fen"] == 5300


@pytest.mark.parametrize("which", ["unpublished", "other_version", "missing"])
def test_only_published_items_of_the_case_version_may_be_charged(fworld, which):
    from zhengtong.catalog.tests.factories import ServiceItemFactory
    from zhengtong.fees.models import FeeItem

    w = fworld
    if which == "unpublished":
        fee_id = w.unpublished.pk
    elif which == "other_version":
        other = ServiceItemFactory(department=w.dept).current_version
        fee_id = FeeItem.objects.create(
            version=other, name="别项", legal_basis="—", standard="1元", amount_fen=100
        ).pk
    else:
        fee_id = 999_999
    with pytest.raises(ApplicationError) as exc:
        services.charge_record(
            case=w.case, fee_item_id=fee_id, quantity=1, actor=w.counter
        )
    assert _code(exc) == "fee_not_published"
    assert not Charge.objects.exists()


def test_reductions_need_a_basis_of_the_region(fworld):
    w = fworld
    kw = {"case": w.case, "fee_item_id": w.fixed.pk, "quantity": 1, "actor": w.counter}
    with pytest.raises(ApplicationError) as exc:
        services.charge_record(**kw, amount_fen=500)  # 擅自减收
    assert _code(exc) == "reduction_basis_required"
    with pytest.raises(ApplicationError) as exc:
        services.charge_record(**kw, reduction_basis_id=w.foreign_basis.pk)
    assert _code(exc) == "reduction_basis_unknown"
    assert not Charge.objects.exists()

    half = services.charge_record(**kw, reduction_basis_id=w.half.pk)
    assert (half.reduction_fen, half.due_fen, half.reduction_basis) == (
        500,
        500,
        w.half,
    )
    free = services.charge_record(**kw, reduction_basis_id=w.exempt.pk)
    assert free.due_fen == 0
    later = services.charge_record(**kw, reduction_basis_id=w.defer.pk)
    assert (later.due_fen, later.deferred) == (1000, True)
    lower = services.charge_record(**kw, amount_fen=300, reduction_basis_id=w.half.pk)
    assert (lower.reduction_fen, lower.due_fen) == (700, 300)


def test_payment_cannot_exceed_what_is_outstanding(fworld):
    w = fworld
    services.charge_record(
        case=w.case, fee_item_id=w.fixed.pk, quantity=1, actor=w.counter
    )
    kw = {"case": w.case, "method": "cash", "actor": w.counter}
    with pytest.raises(ApplicationError) as exc:
        services.payment_record(**kw, amount_fen=1001, receipt_number="A-1")
    assert _code(exc) == "payment_above_outstanding"
    services.payment_record(**kw, amount_fen=600, receipt_number="A-1")
    services.payment_record(**kw, amount_fen=400, receipt_number="A-2")
    with pytest.raises(ApplicationError) as exc:
        services.payment_record(**kw, amount_fen=1, receipt_number="A-3")
    assert _code(exc) == "payment_above_outstanding"
    assert case_fees(case=w.case).outstanding == 0


def test_fiscal_receipt_number_is_unique_per_region(fworld):
    from zhengtong.cases.tests.conftest import complete_case
    from zhengtong.catalog.tests.factories import ServiceItemFactory
    from zhengtong.fees.models import FeeItem

    w = fworld
    services.charge_record(
        case=w.case, fee_item_id=w.per_unit.pk, quantity=40, actor=w.counter
    )
    services.payment_record(
        case=w.case,
        method="card",
        amount_fen=1000,
        receipt_number="PJ-7",
        actor=w.counter,
    )
    with pytest.raises(ApplicationError) as exc:
        services.payment_record(
            case=w.case,
            method="card",
            amount_fen=1000,
            receipt_number="PJ-7",
            actor=w.counter,
        )
    assert _code(exc) == "receipt_duplicate"
    # the same number in another region is another receipt
    item = ServiceItemFactory(department=w.other_dept)
    fee = FeeItem.objects.create(
        version=item.current_version,
        name="费",
        legal_basis="—",
        standard="10元",
        amount_fen=1000,
    )
    case = complete_case(w, w.case.submitted_at, item=item)
    services.charge_record(
        case=case, fee_item_id=fee.pk, quantity=1, actor=w.foreign_reviewer
    )
    services.payment_record(
        case=case,
        method="cash",
        amount_fen=1000,
        receipt_number="PJ-7",
        actor=w.foreign_reviewer,
    )
    assert Payment.objects.filter(receipt_number="PJ-7").count() == 2


@pytest.mark.parametrize(
    "who", ["reviewer", "head", "admin", "applicant", "foreign_reviewer"]
)
def test_only_counter_staff_of_the_department_record_fees(fworld, who):
    w = fworld
    with pytest.raises(ApplicationError) as exc:
        services.charge_record(
            case=w.case, fee_item_id=w.fixed.pk, quantity=1, actor=getattr(w, who)
        )
    assert exc.value.status == 403
    assert not Charge.objects.exists()


def _paid(w, amount=1000):
    services.charge_record(
        case=w.case, fee_item_id=w.fixed.pk, quantity=1, actor=w.counter
    )
    return services.payment_record(
        case=w.case,
        method="cash",
        amount_fen=amount,
        receipt_number="R-1",
        actor=w.counter,
    )


def test_refund_needs_an_approver_other_than_the_requester(fworld):
    w = fworld
    payment = _paid(w)
    refund = services.refund_request(
        payment=payment, amount_fen=400, reason="多收退还", actor=w.counter
    )
    assert refund.state == RefundState.REQUESTED
    # the requester may not approve, even holding the finance permission
    from django.contrib.auth.models import Permission

    w.counter.user_permissions.add(Permission.objects.get(codename="approve_refund"))
    with pytest.raises(ApplicationError) as exc:
        services.refund_approve(refund=refund, actor=w.fresh(w.counter))
    assert _code(exc) == "refund_self_approval"
    # neither counter staff, nor a head of another department
    for who in (w.counter2, w.other_head, w.reviewer):
        with pytest.raises(ApplicationError) as exc:
            services.refund_approve(refund=refund, actor=who)
        assert exc.value.status == 403
    refund.refresh_from_db()
    assert refund.state == RefundState.REQUESTED
    done = services.refund_approve(refund=refund, actor=w.head, note="同意")
    assert (done.state, done.decided_by) == (RefundState.APPROVED, w.head)
    with pytest.raises(ApplicationError) as exc:
        services.refund_approve(refund=done, actor=w.finance)
    assert exc.value.status == 409
    assert AuditEvent.objects.filter(action="fees.refund_approve").count() == 1


def test_refunds_cannot_exceed_what_was_paid(fworld):
    w = fworld
    payment = _paid(w, 1000)
    services.refund_request(
        payment=payment, amount_fen=700, reason="退一部分", actor=w.counter
    )
    with pytest.raises(ApplicationError) as exc:  # 700 pending + 301 > 1000
        services.refund_request(
            payment=payment, amount_fen=301, reason="再退", actor=w.counter
        )
    assert _code(exc) == "refund_above_paid"
    second = services.refund_request(
        payment=payment, amount_fen=300, reason="再退", actor=w.counter2
    )
    services.refund_reject(refund=second, actor=w.finance, note="不符合退费条件")
    assert Refund.objects.filter(state=RefundState.REJECTED).count() == 1
    with pytest.raises(ApplicationError) as exc:  # rejecting needs a reason
        services.refund_reject(
            refund=services.refund_request(
                payment=payment, amount_fen=300, reason="三退", actor=w.counter
            ),
            actor=w.finance,
            note="",
        )
    assert _code(exc) == "invalid_input"


def test_an_approved_refund_reopens_the_outstanding_amount(fworld):
    w = fworld
    payment = _paid(w, 1000)
    refund = services.refund_request(
        payment=payment, amount_fen=1000, reason="办件撤回退费", actor=w.counter
    )
    services.refund_approve(refund=refund, actor=w.finance)
    fees = case_fees(case=w.case)
    assert (fees.paid, fees.refunded, fees.outstanding) == (1000, 1000, 1000)
