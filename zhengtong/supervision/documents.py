"""
The supervision order as a printable PDF (督办单), numbered, in Chinese fonts.

Rendered on request from the order and its replies (``core.pdf.pdf_render``,
fonts-noto-cjk embedded), so a print always shows the current state: the
deadline, the level, the replies and the verdicts.

中文：督办单文书
"""

from typing import Any

from django.conf import settings
from django.utils import timezone

from zhengtong.cases.models import Case, CaseStep
from zhengtong.core.pdf import pdf_render

from .models import SupervisionOrder
from .selectors_orders import order_replies

TEMPLATE = "supervision/order_pdf.html"


def order_pdf_context(order: SupervisionOrder) -> dict[str, Any]:
    """Return what the order PDF shows."""
    case = (
        Case.objects.filter(pk=order.case_id)
        .values("number", "applicant_name", "item__name", "due_date")
        .first()
        if order.case_id
        else None
    )
    step = (
        CaseStep.objects.filter(pk=order.step_id).values("name", "due_date").first()
        if order.step_id
        else None
    )
    person = order.person
    return {
        "centre": settings.SITE_NAME,
        "order": order,
        "case": case,
        "step": step,
        "person_name": (person.display_name or person.username) if person else "",
        "issuer_name": (
            order.created_by.display_name or order.created_by.username
            if order.created_by
            else "系统拟稿"
        ),
        "replies": order_replies(order),
        "printed_at": timezone.localtime(),
    }


def order_pdf(order: SupervisionOrder) -> bytes:
    """
    Return the PDF of ``order`` (the caller has checked who may see it).

    中文：督办单PDF
    """
    return pdf_render(TEMPLATE, order_pdf_context(order))
