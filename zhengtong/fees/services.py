"""
Every write of fees: charges, payments, refunds and their approval.

Each service checks who may act (``permissions.check_*``), refuses bad input
with a stable code and a Chinese message before writing anything, and
audits what it wrote.

中文：收费业务
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from zhengtong.cases.models import Case
from zhengtong.catalog.models import Counter
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from . import permissions
from .constants import AMOUNT_MAX_FEN, QUANTITY_MAX, ErrorCode
from .formulas import fee_item_amount, fen_to_yuan
from .models import (
    Charge,
    FeeItem,
    Payment,
    PaymentMethod,
    ReductionBasis,
    ReductionKind,
    Refund,
    RefundState,
)

RECEIPT_MAX = 40


def _bad(code: str, message: str, status: int = 400) -> ApplicationError:
    return ApplicationError(code, message, status=status)


def _case_locked(case: Case) -> Case:
    """Lock the case row so that two desks cannot overpay it at once."""
    return Case.objects.select_for_update().select_related("department").get(pk=case.pk)


def _counter_for(*, actor: Any, counter_id: int | None) -> Counter | None:
    """Return the counter the actor works at (the one named, or their only one)."""
    counters = list(actor.counters.all())
    if counter_id is not None:
        for counter in counters:
            if counter.pk == counter_id:
                return counter
        raise _bad(ErrorCode.INVALID_INPUT, "所选窗口不是您所在的窗口。")
    return counters[0] if len(counters) == 1 else None


def _round_half_up(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def charge_record(
    *,
    case: Case,
    fee_item_id: int,
    quantity: int,
    actor: Any,
    amount_fen: int | None = None,
    reduction_basis_id: int | None = None,
    note: str = "",
    counter_id: int | None = None,
) -> Charge:
    """
    Record a charge on ``case`` from a published fee item of its version.

    The standard amount comes from the item's formula. An explicit
    ``amount_fen`` above it is refused (``fee_above_standard``); below it
    only with a reduction basis of the case's region (减免 are never at
    the counter's discretion). With a basis: 减收 takes its percentage off
    (or the difference to the explicit amount), 免收 everything, 缓收
    nothing (the charge is marked deferred).

    中文：登记收费
    """
    permissions.check_record(user=actor, case=case)
    if type(quantity) is not int or not 1 <= quantity <= QUANTITY_MAX:
        raise _bad(ErrorCode.INVALID_INPUT, f"数量须为1至{QUANTITY_MAX}之间的整数。")
    fee = FeeItem.objects.filter(
        pk=fee_item_id, version_id=case.item_version_id, is_published=True
    ).first()
    if fee is None:
        raise _bad(
            ErrorCode.FEE_NOT_PUBLISHED,
            "只能从本办件事项公示的收费项目中收费，该收费项目不存在或未公示。",
        )
    standard = fee_item_amount(fee, quantity)
    if amount_fen is not None:
        if type(amount_fen) is not int or amount_fen < 0 or amount_fen > AMOUNT_MAX_FEN:
            raise _bad(ErrorCode.INVALID_INPUT, "金额须为不小于0的整数（分）。")
        if amount_fen > standard:
            raise _bad(
                ErrorCode.FEE_ABOVE_STANDARD,
                f"收费金额 {fen_to_yuan(amount_fen)} 元超过公示标准 "
                f"{fen_to_yuan(standard)} 元（{fee.standard}），不得超标准收费。",
            )
    basis = None
    region_id = case.department.region_id
    if reduction_basis_id is not None:
        basis = ReductionBasis.objects.filter(
            pk=reduction_basis_id,
            region_id=region_id or 0,
            is_active=True,
        ).first()
        if basis is None:
            raise _bad(
                ErrorCode.REDUCTION_BASIS_UNKNOWN,
                "减免缓依据不在本区划公布的目录中。",
            )
    reduction, deferred = 0, False
    if amount_fen is not None and amount_fen < standard:
        if basis is None or basis.kind == ReductionKind.DEFER:
            raise _bad(
                ErrorCode.REDUCTION_BASIS_REQUIRED,
                "低于公示标准收费须选择减收或免收依据，不得擅自减免。",
            )
        reduction = standard - amount_fen
    elif basis is not None:
        if basis.kind == ReductionKind.EXEMPT:
            reduction = standard
        elif basis.kind == ReductionKind.REDUCE:
            reduction = _round_half_up(standard * basis.percent, 100)
        else:
            deferred = True
    now = timezone.now()
    with transaction.atomic():
        locked = _case_locked(case)
        charge = Charge.objects.create(
            case=locked,
            fee_item=fee,
            department_id=locked.department_id,
            counter=_counter_for(actor=actor, counter_id=counter_id),
            quantity=quantity,
            standard_fen=standard,
            amount_fen=standard,
            reduction_basis=basis,
            reduction_fen=reduction,
            due_fen=standard - reduction,
            deferred=deferred,
            note=note.strip()[:500],
            charged_by=actor,
            charged_at=now,
            charged_on=timezone.localdate(now),
        )
        audit_record(
            action="fees.charge_record",
            obj=charge,
            actor=actor,
            to_state="deferred" if deferred else "due",
            reason=basis.name if basis else "",
            details={
                "case": locked.pk,
                "fee_item": fee.pk,
                "quantity": quantity,
                "standard_fen": standard,
                "reduction_fen": reduction,
                "due_fen": charge.due_fen,
                "reduction_basis": basis.code if basis else "",
            },
            new_stream=True,
        )
    return charge


def case_outstanding_fen(*, case_id: int) -> int:
    """
    Return what is still to pay on a case: charges in force (not voided)
    due less payments, plus approved refunds (one definition, used by the checks and the pages).

    中文：未缴金额
    """
    due = (
        Charge.objects.filter(case_id=case_id)
        .in_force()
        .aggregate(s=Sum("due_fen"))["s"]
        or 0
    )
    paid = (
        Payment.objects.filter(case_id=case_id).aggregate(s=Sum("amount_fen"))["s"] or 0
    )
    refunded = (
        Refund.objects.filter(case_id=case_id, state=RefundState.APPROVED).aggregate(
            s=Sum("amount_fen")
        )["s"]
        or 0
    )
    return int(due) - int(paid) + int(refunded)


def _receipt_clean(receipt_number: str) -> str:
    number = (receipt_number or "").strip()
    if (
        not number
        or len(number) > RECEIPT_MAX
        or not number.isascii()
        or not all(c.isalnum() or c in "-_/" for c in number)
    ):
        raise _bad(
            ErrorCode.INVALID_INPUT,
            "财政票据号须填写，由字母、数字和“-”组成，最多40位。",
        )
    return number


def payment_record(
    *,
    case: Case,
    method: str,
    amount_fen: int,
    receipt_number: str,
    actor: Any,
    counter_id: int | None = None,
) -> Payment:
    """
    Record money received for ``case`` with its 财政票据 number.

    The amount may not exceed what is outstanding; the receipt number is
    unique within the region.

    中文：登记缴费
    """
    permissions.check_record(user=actor, case=case)
    if method not in PaymentMethod.values:
        raise _bad(ErrorCode.INVALID_INPUT, "缴费方式须为现金、刷卡或转账。")
    if type(amount_fen) is not int or not 0 < amount_fen <= AMOUNT_MAX_FEN:
        raise _bad(ErrorCode.INVALID_INPUT, "缴费金额须为大于0的整数（分）。")
    number = _receipt_clean(receipt_number)
    now = timezone.now()
    try:
        with transaction.atomic():
            locked = _case_locked(case)
            department = locked.department
            region = department.region
            region_code = region.code if region is not None else locked.region_code
            if Payment.objects.filter(
                region_code=region_code, receipt_number=number
            ).exists():
                raise _bad(
                    ErrorCode.RECEIPT_DUPLICATE,
                    f"财政票据号 {number} 在本区划已使用，请核对票据。",
                )
            outstanding = case_outstanding_fen(case_id=locked.pk)
            if amount_fen > outstanding:
                raise _bad(
                    ErrorCode.PAYMENT_ABOVE_OUTSTANDING,
                    f"缴费金额 {fen_to_yuan(amount_fen)} 元超过未缴金额 "
                    f"{fen_to_yuan(max(outstanding, 0))} 元。",
                )
            payment = Payment.objects.create(
                case=locked,
                department_id=locked.department_id,
                counter=_counter_for(actor=actor, counter_id=counter_id),
                region_code=region_code,
                method=method,
                amount_fen=amount_fen,
                receipt_number=number,
                received_by=actor,
                paid_at=now,
                paid_on=timezone.localdate(now),
            )
            audit_record(
                action="fees.payment_record",
                obj=payment,
                actor=actor,
                to_state="paid",
                details={
                    "case": locked.pk,
                    "method": method,
                    "amount_fen": amount_fen,
                    "receipt_number": number,
                },
                new_stream=True,
            )
    except IntegrityError:  # the same receipt number written at the same time
        raise _bad(
            ErrorCode.RECEIPT_DUPLICATE,
            f"财政票据号 {number} 在本区划已使用，请核对票据。",
        ) from None
    return payment


def _refunded_or_pending(payment_id: int, exclude: int | None = None) -> int:
    qs = Refund.objects.filter(
        payment_id=payment_id,
        state__in=[RefundState.REQUESTED, RefundState.APPROVED],
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return int(qs.aggregate(s=Sum("amount_fen"))["s"] or 0)


def refund_request(
    *, payment: Payment, amount_fen: int, reason: str, actor: Any
) -> Refund:
    """
    Ask for a refund of (part of) ``payment``; it waits for approval.

    Refunds asked or granted on a payment never exceed what it paid.

    中文：申请退费
    """
    case = payment.case
    permissions.check_record(user=actor, case=case)
    reason = (reason or "").strip()
    if not reason:
        raise _bad(ErrorCode.INVALID_INPUT, "请填写退费理由。")
    if type(amount_fen) is not int or not 0 < amount_fen <= AMOUNT_MAX_FEN:
        raise _bad(ErrorCode.INVALID_INPUT, "退费金额须为大于0的整数（分）。")
    with transaction.atomic():
        _case_locked(case)
        left = payment.amount_fen - _refunded_or_pending(payment.pk)
        if amount_fen > left:
            raise _bad(
                ErrorCode.REFUND_ABOVE_PAID,
                f"退费金额 {fen_to_yuan(amount_fen)} 元超过该笔缴费可退金额 "
                f"{fen_to_yuan(left)} 元。",
            )
        refund = Refund.objects.create(
            payment=payment,
            case_id=payment.case_id,
            department_id=payment.department_id,
            counter_id=payment.counter_id,
            amount_fen=amount_fen,
            reason=reason[:500],
            requested_by=actor,
            requested_at=timezone.now(),
        )
        audit_record(
            action="fees.refund_request",
            obj=refund,
            actor=actor,
            to_state=RefundState.REQUESTED,
            reason=refund.reason,
            details={
                "case": payment.case_id,
                "payment": payment.pk,
                "amount_fen": amount_fen,
            },
            new_stream=True,
        )
    return refund


def _refund_decide(*, refund: Refund, actor: Any, approve: bool, note: str) -> Refund:
    permissions.check_approve_refund(user=actor, refund=refund)
    note = (note or "").strip()
    if not approve and not note:
        raise _bad(ErrorCode.INVALID_INPUT, "不予退费须写明理由。")
    with transaction.atomic():
        _case_locked(refund.case)
        locked = Refund.objects.select_for_update().get(pk=refund.pk)
        if locked.state != RefundState.REQUESTED:
            raise _bad(
                ErrorCode.INVALID_STATE, "该退费已审批，不能重复审批。", status=409
            )
        if approve:
            paid = locked.payment.amount_fen
            if (
                locked.amount_fen
                + _refunded_or_pending(locked.payment_id, exclude=locked.pk)
                > paid
            ):
                raise _bad(ErrorCode.REFUND_ABOVE_PAID, "退费金额超过该笔缴费金额。")
        now = timezone.now()
        before = locked.state
        locked.state = RefundState.APPROVED if approve else RefundState.REJECTED
        locked.decided_by = actor
        locked.decided_at = now
        locked.decided_on = timezone.localdate(now)
        locked.decision_note = note[:500]
        locked.save(
            update_fields=[
                "state",
                "decided_by",
                "decided_at",
                "decided_on",
                "decision_note",
            ]
        )
        audit_record(
            action="fees.refund_approve" if approve else "fees.refund_reject",
            obj=locked,
            actor=actor,
            from_state=before,
            to_state=locked.state,
            reason=locked.decision_note,
            details={"case": locked.case_id, "amount_fen": locked.amount_fen},
        )
    return locked


def refund_approve(*, refund: Refund, actor: Any, note: str = "") -> Refund:
    """
    Approve a requested refund (by someone other than the requester).

    中文：批准退费
    """
    return _refund_decide(refund=refund, actor=actor, approve=True, note=note)


def refund_reject(*, refund: Refund, actor: Any, note: str) -> Refund:
    """
    Refuse a requested refund, with the reason.

    中文：不予退费
    """
    return _refund_decide(refund=refund, actor=actor, approve=False, note=note)
