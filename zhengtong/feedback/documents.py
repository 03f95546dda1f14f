"""
Documents of complaints and the first-question register, as PDF:

- the written reply to a complaint (投诉答复书), rendered on request from the
  stored reply (``core.pdf.pdf_render``, fonts-noto-cjk embedded);
- the first-question receipt (首问登记回执) with the first-responsible
  person's name and staff number.

中文：投诉答复书、首问回执
"""

from typing import Any

from django.conf import settings
from django.utils import timezone

from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_name, mask_phone
from zhengtong.core.pdf import pdf_render

from .models_complaints import Complaint, ComplaintState, FirstQuestion
from .selectors_complaints import complaint_contact_for, staff_label

REPLY_TEMPLATE = "feedback/complaint_reply_pdf.html"
RECEIPT_TEMPLATE = "feedback/first_question_receipt_pdf.html"


def complaint_reply_context(complaint: Complaint) -> dict[str, Any]:
    """Return what the written reply shows."""
    return {
        "centre": settings.SITE_NAME,
        "complaint": complaint,
        "complainant": complaint.complainant_name or "投诉人",
        "what": complaint.subcategory or complaint.category,
        "replier": staff_label(complaint.replied_by)["name"]
        if complaint.replied_by_id
        else "",
        "contact": complaint_contact_for(complaint.hall),
        "printed_at": timezone.localtime(),
    }


def complaint_reply_pdf(complaint: Complaint) -> bytes:
    """
    Return the written reply of ``complaint`` (the caller checked who may see it).

    中文：投诉答复书PDF
    """
    if complaint.state not in (ComplaintState.REPLIED, ComplaintState.CLOSED):
        raise ApplicationError("not_replied", "该投诉尚未答复。", status=409)
    return pdf_render(REPLY_TEMPLATE, complaint_reply_context(complaint))


def first_question_receipt_pdf(entry: FirstQuestion) -> bytes:
    """
    Return the receipt (回执) of a register entry for the person who asked.

    中文：首问登记回执PDF
    """
    hall = entry.counter.hall if entry.counter_id else None
    return pdf_render(
        RECEIPT_TEMPLATE,
        {
            "centre": settings.SITE_NAME,
            "entry": entry,
            "asker": mask_name(entry.asker_name),
            "phone": mask_phone(entry.asker_phone),
            "responsible": staff_label(entry.responsible),
            "receiver": staff_label(entry.handover_to)
            if entry.handover_to_id
            else None,
            "contact": complaint_contact_for(hall),
            "printed_at": timezone.localtime(),
        },
    )
