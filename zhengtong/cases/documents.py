"""
Notices (文书): numbering, the fixed context, rendering to PDF.

Every notice gets a number from its own sequence per department, kind and
year ("区行政审批局受〔2026〕12号"), a date, the issuing department and a QR
code to the public lookup page. The context is stored with the row, so a
PDF rendered later says exactly what was decided.
"""

import hashlib
import json
from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import NoReverseMatch, reverse

from zhengtong.core.masking import mask_id_number
from zhengtong.core.outbox import outbox_job
from zhengtong.core.pdf import pdf_render, qr_data_uri
from zhengtong.core.urls_public import public_reverse, public_url

from .constants import DocumentKind
from .models import Case, CaseDocument
from .numbering import sequence_next

NOTICE_WORDS = {
    DocumentKind.ACCEPTANCE: "受",
    DocumentKind.SUPPLEMENT: "补",
    DocumentKind.REFUSAL: "不受",
    DocumentKind.SPECIAL_PROCEDURE: "特",
    DocumentKind.EXTENSION: "延",
    DocumentKind.APPROVAL: "许",
    DocumentKind.DENIAL: "不许",
    DocumentKind.TOLERANCE_EXPIRED: "容",
    # DocumentKind.RECEIPT: numbered from the case number (receipts.py)
}
TEMPLATES = {
    DocumentKind.ACCEPTANCE: "cases/notices/acceptance.html",
    DocumentKind.SUPPLEMENT: "cases/notices/supplement.html",
    DocumentKind.REFUSAL: "cases/notices/refusal.html",
    DocumentKind.SPECIAL_PROCEDURE: "cases/notices/special_procedure.html",
    DocumentKind.EXTENSION: "cases/notices/extension.html",
    DocumentKind.APPROVAL: "cases/notices/approval.html",
    DocumentKind.DENIAL: "cases/notices/denial.html",
    DocumentKind.RECEIPT: "cases/notices/receipt.html",
    DocumentKind.TOLERANCE_EXPIRED: "cases/notices/tolerance_expired.html",
}


def lookup_url(number: str, query_code: str) -> str:
    """
    Return the public lookup URL of a case number and query code.

    Built from ``PUBLIC_BASE_URL`` (core.urls_public), for QR codes and the
    link printed on notices.
    """
    try:
        path = reverse("cases:lookup")
    except NoReverseMatch:
        path = "/cases/lookup/"
    return public_url(path, {"number": number, "code": query_code})


def case_lookup_url(case: Case) -> str:
    """Return the absolute public lookup URL of a case (for QR codes)."""
    return lookup_url(case.number, case.query_code)


# Result notices that carry the link and QR code to rate the service online.
RATED_NOTICES = (DocumentKind.APPROVAL, DocumentKind.DENIAL, DocumentKind.REFUSAL)


def rating_url(case_id: int) -> str:
    """
    Return the absolute address where the applicant rates a case (好差评).

    中文：评价地址
    """
    return public_reverse("portal:feedback-rate-case", args=[case_id])


def remedies_text() -> dict[str, str]:
    """Return the review body and remedy periods printed on decisions."""
    return {
        "review_authority": getattr(settings, "CASES_REVIEW_AUTHORITY", "本级人民政府"),
        "court": getattr(settings, "CASES_COURT", "有管辖权的人民法院"),
        "review_days": "六十日",
        "litigation_months": "六个月",
    }


def _number(case: Case, kind: str, year: int) -> str:
    prefixes = getattr(settings, "CASES_NOTICE_PREFIX", {}) or {}
    dept = case.department
    prefix = prefixes.get(dept.pk) or dept.short_name or dept.name
    seq = sequence_next(scope=f"doc-{kind}-{dept.pk}", year=year)
    return f"{prefix}{NOTICE_WORDS[kind]}〔{year}〕{seq}号"


def document_issue(
    *, case: Case, kind: str, actor, today: date, extra: dict[str, Any] | None = None
) -> CaseDocument:
    """
    Number a notice and fix its content; the PDF is rendered after commit.

    中文：出具文书
    """
    context: dict[str, Any] = {
        "title": DocumentKind(kind).label,
        "number_case": case.number,
        "query_code": case.query_code,
        "item_name": case.item_version.name,
        "applicant_name": case.applicant_name,
        "applicant_id": mask_id_number(case.applicant_id_number),
        "department": case.department.name,
        "received_date": case.received_date,
        "accepted_date": case.accepted_date,
        "due_date": case.due_date,
        "statutory_due_date": case.statutory_due_date,
        "promised_days": case.promised_days,
        "statutory_days": case.statutory_days,
        "promised_unit": case.promised_unit,
        "statutory_unit": case.statutory_unit,
        "phone": case.department.phone,
        "lookup_url": case_lookup_url(case),
        # A date above crosses a year whose holiday notice is not out yet
        # (workdays: provisional years); printed by _provisional.html.
        "dates_provisional": bool(case.due_date_provisional),
        **remedies_text(),
        **(extra or {}),
    }
    document = CaseDocument.objects.create(
        case=case,
        kind=kind,
        number=_number(case, kind, today.year),
        issued_on=today,
        dates_provisional=bool(context["dates_provisional"]),
        context=json.loads(json.dumps(context, cls=DjangoJSONEncoder)),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return document


def _as_dates(context: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in context.items():
        if (
            isinstance(value, str)
            and len(value) == 10
            and value[4] == "-"
            and value[7] == "-"
        ):
            try:
                out[key] = date.fromisoformat(value)
                continue
            except ValueError:
                pass
        out[key] = value
    return out


@outbox_job
def document_render_job(*, document_id: int) -> bool:
    """Render the PDF of one notice by id (an outbox job; idempotent)."""
    document = CaseDocument.objects.filter(pk=document_id).first()
    if document is None:
        return False
    document_render(document)
    return True


def document_render(document: CaseDocument) -> CaseDocument:
    """
    Render the PDF of a notice and store it (idempotent).

    中文：生成文书PDF
    """
    if document.file:
        return document
    context = _as_dates(document.context)
    context.update(
        {
            "number": document.number,
            "issued_on": document.issued_on,
            "site_name": settings.SITE_NAME,
        }
    )
    # The address is where the site runs when the PDF is made (the
    # configured PUBLIC_BASE_URL), not where it ran when the notice was
    # numbered: link and QR code are built from the stored number and code.
    if context.get("number_case") and context.get("query_code"):
        context["lookup_url"] = lookup_url(
            context["number_case"], context["query_code"]
        )
    context["qr"] = qr_data_uri(context.get("lookup_url", ""))
    if document.kind in RATED_NOTICES:  # 好差评: rate online from the result
        context["rating_url"] = rating_url(document.case_id)
        context["rating_qr"] = qr_data_uri(context["rating_url"])
    pdf = pdf_render(TEMPLATES[document.kind], context)
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.file.save(f"{document.kind}.pdf", ContentFile(pdf), save=False)
    CaseDocument.objects.filter(pk=document.pk).update(
        file=document.file.name, sha256=document.sha256
    )
    return document
