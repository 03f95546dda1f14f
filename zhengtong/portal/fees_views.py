"""
The applicant's fee statement (收费明细凭单) as a PDF: what was charged on
their case and why, what they paid (财政票据 numbers) and what was refunded.
Whoever may see the case may print it (others 404).

中文：收费明细凭单（群众端）
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.views import View

from zhengtong.cases.selectors import case_get_for_user
from zhengtong.core.errors import ApplicationError
from zhengtong.fees.documents import fee_statement_pdf
from zhengtong.fees.notices import (
    payment_notice_get,
    payment_notice_latest,
    payment_notice_pdf,
)


def statement_response(request: HttpRequest, case_id: int) -> HttpResponse:
    """Return the statement PDF of a case the user may see, else 404."""
    try:
        case = case_get_for_user(user=request.user, case_id=case_id)
    except ApplicationError as exc:
        raise Http404(exc.message) from None
    response = HttpResponse(fee_statement_pdf(case), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="fees-{case.number}.pdf"'
    return response


class FeeStatementView(LoginRequiredMixin, View):
    """Print the fee statement of one's case."""

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        return statement_response(request, case_id)


class PaymentNoticeView(LoginRequiredMixin, View):
    """
    Print a 缴费通知书 of one's case (``notice_id`` 0: the newest one);
    whoever may see the case, others 404.
    """

    def get(self, request: HttpRequest, case_id: int, notice_id: int) -> HttpResponse:
        try:
            case = case_get_for_user(user=request.user, case_id=case_id)
            notice = (
                payment_notice_get(case=case, notice_id=notice_id)
                if notice_id
                else payment_notice_latest(case=case)
            )
        except ApplicationError as exc:
            raise Http404(exc.message) from None
        if notice is None:
            raise Http404("该办件尚未开具缴费通知书。")
        notice.case = case
        response = HttpResponse(
            payment_notice_pdf(notice), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'inline; filename="payment-notice-{case.number}-{notice.pk}.pdf"'
        )
        return response
