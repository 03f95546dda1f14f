"""
作废: cancelling a charge recorded in error, before any payment on it.

The charge stays (marked void with who, when and why) and every sum leaves
it out (``Charge.objects.in_force``). Once the case received a payment at
or after the charge was recorded, the money may have paid it: voiding is
refused (409 ``charge_paid``) and a refund is the way.

中文：作废收费
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from . import permissions
from .constants import ErrorCode
from .models import Charge, Payment
from .services import _case_locked


def charge_may_be_paid(*, charge: Charge, paid_at: Iterable[datetime]) -> bool:
    """
    Whether a payment of the case (times ``paid_at``) may have paid
    ``charge``: payments are per case, so any payment at or after the
    charge was recorded. Such a charge cannot be voided (a refund is the way).

    中文：收费是否可能已缴
    """
    return any(t >= charge.charged_at for t in paid_at)


def charge_void(*, charge: Charge, actor: Any, reason: str) -> Charge:
    """
    Void ``charge`` with ``reason`` (by who recorded it or the department
    head), while no payment on the case may have paid it.

    中文：作废收费
    """
    permissions.check_void_charge(user=actor, charge=charge)
    reason = (reason or "").strip()
    if not reason or "\x00" in reason:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "请填写作废理由。")
    with transaction.atomic():
        _case_locked(charge.case)
        locked = Charge.objects.select_for_update().get(pk=charge.pk)
        if locked.voided_at is not None:
            raise ApplicationError(
                ErrorCode.CHARGE_VOIDED, "该笔收费已作废，不能重复作废。", status=409
            )
        paid_at = Payment.objects.filter(case_id=locked.case_id).values_list(
            "paid_at", flat=True
        )
        if charge_may_be_paid(charge=locked, paid_at=paid_at):
            raise ApplicationError(
                ErrorCode.CHARGE_PAID,
                "该笔收费登记后办件已有缴费，不能作废；如收费有误，请申请退费。",
                status=409,
            )
        now = timezone.now()
        locked.voided_at = now
        locked.voided_by = actor
        locked.void_reason = reason[:500]
        locked.save(update_fields=["voided_at", "voided_by", "void_reason"])
        audit_record(
            action="fees.charge_void",
            obj=locked,
            actor=actor,
            from_state="due",
            to_state="voided",
            reason=locked.void_reason,
            details={"case": locked.case_id, "due_fen": locked.due_fen},
        )
    return locked
