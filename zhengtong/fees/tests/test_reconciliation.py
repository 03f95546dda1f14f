"""Reconciliation: the sums equal payments minus refunds, per day × counter × department."""

from datetime import date, timedelta

from django.db.models import Sum

from zhengtong.catalog.tests.factories import CounterFactory
from zhengtong.fees import services
from zhengtong.fees.models import Charge, Payment, Refund, RefundState
from zhengtong.fees.selectors import fee_totals, reconciliation_rows, totals_sum

MONDAY = date(2026, 3, 2)


def test_reconciliation_sums_equal_payments_minus_refunds(fworld, frozen_today):
    w = fworld
    second_desk = CounterFactory(name="收费窗口")
    w.counter2.counters.add(second_desk)
    services.charge_record(
        case=w.case, fee_item_id=w.tiered.pk, quantity=60, actor=w.counter
    )
    services.charge_record(
        case=w.case,
        fee_item_id=w.fixed.pk,
        quantity=1,
        reduction_basis_id=w.half.pk,
        actor=w.counter2,
    )
    # Monday: 180.00 + 10.00 − 5.00 due = 185.00; 100 cash at desk 1, 50 card at desk 2
    p1 = services.payment_record(
        case=w.case,
        method="cash",
        amount_fen=10000,
        receipt_number="D1",
        actor=w.counter,
    )
    services.payment_record(
        case=w.case,
        method="card",
        amount_fen=5000,
        receipt_number="D2",
        actor=w.counter2,
    )
    refund = services.refund_request(
        payment=p1, amount_fen=2500, reason="多收", actor=w.counter
    )
    pending = services.refund_request(
        payment=p1, amount_fen=100, reason="待批", actor=w.counter
    )
    frozen_today.shift(timedelta(days=1))  # Tuesday: refund approved, rest paid
    services.refund_approve(refund=refund, actor=w.head)
    services.payment_record(
        case=w.case,
        method="transfer",
        amount_fen=6000,
        receipt_number="D3",
        actor=w.counter,
    )

    rows = reconciliation_rows(date_from=MONDAY, date_to=MONDAY + timedelta(days=1))
    paid = Payment.objects.aggregate(s=Sum("amount_fen"))["s"]
    refunded = Refund.objects.filter(state=RefundState.APPROVED).aggregate(
        s=Sum("amount_fen")
    )["s"]
    total = totals_sum(rows)
    assert (total["paid"], total["refunded"]) == (paid, refunded) == (21000, 2500)
    assert total["net"] == paid - refunded == 18500
    assert total["charged"] == 19000 and total["reduced"] == 500
    assert total["paid_cash"] + total["paid_card"] + total["paid_transfer"] == paid
    for row in rows:
        assert row["net"] == row["paid"] - row["refunded"]
    by = {(r["day"], r["counter"]): r for r in rows}
    assert by[(MONDAY, w.desk.pk)]["paid_cash"] == 10000
    assert by[(MONDAY, second_desk.pk)]["paid_card"] == 5000
    assert by[(MONDAY, second_desk.pk)]["reduced"] == 500
    tuesday = by[(MONDAY + timedelta(days=1), w.desk.pk)]
    assert (tuesday["paid_transfer"], tuesday["refunded"], tuesday["net"]) == (
        6000,
        2500,
        3500,
    )
    assert pending.state == RefundState.REQUESTED  # a pending refund counts nowhere

    # every grouping of fee_totals gives the same sums
    for group in ("department", "counter", "item", "day", "month"):
        grouped = fee_totals(
            date_from=MONDAY, date_to=MONDAY + timedelta(days=1), group=group
        )
        assert {k: v for k, v in totals_sum(grouped).items()} == total, group
        assert all(
            {"key", "label", "charged", "reduced", "paid", "refunded", "net"} <= set(r)
            for r in grouped
        )
    months = fee_totals(date_from=MONDAY, date_to=MONDAY, group="month")
    assert [m["key"] for m in months] == ["2026-03-01"]
    # another department's scope sees nothing of this one
    assert (
        reconciliation_rows(
            date_from=MONDAY, date_to=MONDAY, department_id=w.other_dept.pk
        )
        == []
    )
    assert Charge.objects.count() == 2
