"""
The fee statement as a printable PDF (收费明细凭单): what a case was charged
and why, the reductions with their basis, the payments with their 财政票据
numbers and the refunds.

Rendered on request from the rows (``core.pdf.pdf_render``, fonts embedded),
so a print always shows the current state. It is a statement, not the
fiscal receipt itself (the 财政票据 is issued by the finance system).

中文：收费明细凭单
"""

from typing import Any

from django.conf import settings
from django.utils import timezone

from zhengtong.cases.models import Case
from zhengtong.core.masking import mask_id_number
from zhengtong.core.pdf import pdf_render

from .selectors import case_fees

TEMPLATE = "fees/statement_pdf.html"


def fee_statement_pdf(case: Case) -> bytes:
    """
    Return the fee statement PDF of ``case`` (the caller checked who may see it).

    中文：收费明细凭单PDF
    """
    context: dict[str, Any] = {
        "centre": settings.SITE_NAME,
        "case": case,
        "id_masked": mask_id_number(case.applicant_id_number),
        "fees": case_fees(case=case),
        "printed_at": timezone.localtime(),
    }
    return pdf_render(TEMPLATE, context)
