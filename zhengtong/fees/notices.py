"""
The payment notice (缴费通知书): issued by the counter before payment,
numbered (缴〔2026〕0001号), listing each charge in force with its standard,
basis, reductions and the amount due, how to pay and the case number.

The lines are kept on the notice (``PaymentNotice.lines``) so that a
reprint of a number shows what was notified; the PDF is rendered on request
from that record (``core.pdf.pdf_render``, fonts embedded).

中文：缴费通知书
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhengtong.cases.models import Case
from zhengtong.cases.numbering import sequence_next
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.core.inputs import int_id
from zhengtong.core.masking import mask_id_number
from zhengtong.core.pdf import pdf_render

from . import permissions
from .constants import ErrorCode
from .models import Charge, PaymentNotice
from .services import _case_locked, case_outstanding_fen

TEMPLATE = "fees/payment_notice_pdf.html"
HOW_TO_PAY = (
    "请持本通知书到收件窗口缴费（现金或刷卡），或按窗口告知的非税收入账户转账"
    "（附言填写办件编号）。缴费后窗口开具财政票据；请勿向任何个人账户付款。"
)


def _line(charge: Charge) -> dict[str, Any]:
    basis = charge.reduction_basis
    return {
        "name": charge.fee_item.name,
        "standard": charge.fee_item.standard,
        "legal_basis": charge.fee_item.legal_basis,
        "quantity": charge.quantity,
        "unit": charge.fee_item.unit_name,
        "standard_fen": charge.standard_fen,
        "reduction_fen": charge.reduction_fen,
        "reduction_basis": f"{basis.name}：{basis.legal_basis}" if basis else "",
        "deferred": charge.deferred,
        "due_fen": charge.due_fen,
    }


def payment_notice_issue(*, case: Case, actor: Any) -> PaymentNotice:
    """
    Issue a numbered 缴费通知书 for what ``case`` owes now (409
    ``nothing_due`` when nothing is outstanding).

    中文：开具缴费通知书
    """
    permissions.check_record(user=actor, case=case)
    with transaction.atomic():
        locked = _case_locked(case)
        due = case_outstanding_fen(case_id=locked.pk)
        if due <= 0:
            raise ApplicationError(
                ErrorCode.NOTHING_DUE,
                "该办件没有未缴费用，无需开具缴费通知书。",
                status=409,
            )
        charges = (
            Charge.objects.filter(case_id=locked.pk)
            .in_force()
            .select_related("fee_item", "reduction_basis")
            .order_by("id")
        )
        now = timezone.now()
        year = timezone.localdate(now).year
        seq = sequence_next(scope="fees_payment_notice", year=year)
        notice = PaymentNotice.objects.create(
            case=locked,
            number=f"缴〔{year}〕{seq:05d}号",
            due_fen=due,
            lines=[_line(c) for c in charges],
            issued_by=actor,
            issued_at=now,
        )
        audit_record(
            action="fees.payment_notice_issue",
            obj=notice,
            actor=actor,
            to_state="issued",
            details={"case": locked.pk, "number": notice.number, "due_fen": due},
            new_stream=True,
        )
    return notice


def payment_notice_latest(*, case: Case) -> PaymentNotice | None:
    """Return the newest notice of ``case`` (visibility checked by the caller)."""
    return PaymentNotice.objects.filter(case_id=case.pk).order_by("-id").first()


def payment_notice_get(*, case: Case, notice_id: Any) -> PaymentNotice:
    """Return a notice of ``case`` (the caller checked ``case``), else 404."""
    pk = int_id(str(notice_id))
    notice = (
        PaymentNotice.objects.filter(case_id=case.pk, pk=pk).first() if pk else None
    )
    if notice is None:
        raise NotFoundError("缴费通知书不存在或无权查看。")
    return notice


def payment_notice_pdf(notice: PaymentNotice) -> bytes:
    """
    Return the PDF of ``notice`` (the caller checked who may see the case).

    中文：缴费通知书PDF
    """
    case = notice.case
    context: dict[str, Any] = {
        "centre": settings.SITE_NAME,
        "case": case,
        "notice": notice,
        "id_masked": mask_id_number(case.applicant_id_number),
        "standard_fen": sum(line["standard_fen"] for line in notice.lines),
        "reduction_fen": sum(line["reduction_fen"] for line in notice.lines),
        "due_total": sum(line["due_fen"] for line in notice.lines),
        "how_to_pay": HOW_TO_PAY,
        "issued_at": timezone.localtime(notice.issued_at),
    }
    return pdf_render(TEMPLATE, context)
