"""
收件凭证 (receipt of materials): proof of what was received, when and by whom.

Issued whenever materials arrive before the decision on acceptance: a
walk-in intake at the counter, an online submission, a supplement (首问负责:
接待登记和收件回执; 行政许可法 Art. 32). It states the Art. 32 rule with the
computed intake due date: the decision on acceptance is made within five
working days of receipt, and a missing notice of what to supplement means
the application counts as accepted from the day the materials arrived.

The receipt is a ``CaseDocument`` (kind ``receipt``) like every notice, but
numbered from the case number (``<case number>-01``, ``-02`` after a
supplement): unique by construction, so a submission takes no second
numbering lock. Its PDF is rendered on first view or download (at the
counter: the 打印收件凭证 button), not by the worker after every submission.
"""

import json
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from zhengtong.accounts.constants import STAFF_ROLES
from zhengtong.accounts.models import User
from zhengtong.catalog.constants import MaterialForm
from zhengtong.core.db import row_insert, row_insert_many
from zhengtong.core.masking import mask_id_number

from . import clock
from .constants import Channel, DocumentKind
from .documents import case_lookup_url
from .models import Case, CaseDocument, CaseMaterial

PLATFORM_RECEIVERS = {
    Channel.KIOSK: "自助终端（系统自动收件）",
    Channel.MOBILE: "移动端政务服务平台（系统自动收件）",
}
ONLINE_RECEIVER = "网上政务服务平台（系统自动收件）"
ART32_RULE = (
    "本凭证仅证明本机关已收到上列申请材料，不代表受理。依据《中华人民共和国行政许可法》"
    "第三十二条，本机关自收到申请材料之日起五个工作日内作出是否受理的决定；"
    "申请材料不齐全或者不符合法定形式的，在此期限内一次告知需要补正的全部内容，"
    "逾期不告知的，自收到申请材料之日起即为受理。"
)


def _is_staff(user: User | None) -> bool:
    if user is None:
        return False
    return user.is_superuser or any(user.has_role(r) for r in STAFF_ROLES)


def _platform(channel: str) -> str:
    return PLATFORM_RECEIVERS.get(channel, ONLINE_RECEIVER)


def _window(actor: User, case: Case) -> str:
    """Return the counter the member of staff works at (this department's first)."""
    counters = list(
        actor.counters.filter(is_active=True).prefetch_related("departments")
    )
    for counter in counters:
        if any(d.pk == case.department_id for d in counter.departments.all()):
            return str(counter)
    return str(counters[0]) if counters else ""


def _pages(row: CaseMaterial) -> int | None:
    """Return the page count of an uploaded file where it can be known."""
    if row.content_type.startswith("image/"):
        return 1
    if row.content_type != "application/pdf":
        return None
    try:
        from pypdf import PdfReader

        with row.file.open("rb") as handle:
            pages = len(PdfReader(handle).pages)
    except Exception:  # an unreadable PDF still gets its receipt
        return None
    return pages or None


def _material_rows(case: Case, counter: bool) -> list[dict[str, Any]]:
    rows = []
    files = CaseMaterial.objects.filter(case=case).select_related("material")
    for row in files.order_by("id"):
        listed = row.material
        paper = (
            counter and listed is not None and listed.form != MaterialForm.ELECTRONIC
        )
        rows.append(
            {
                "name": row.name,
                "file": row.original_name,
                "round": row.round,
                "originals": listed.original_count if paper else None,
                "copies": listed.copy_count if paper else None,
                "pages": _pages(row),
                "form": "纸质（扫描）" if counter else "电子件",
            }
        )
    return rows


def receipt_context(
    *, case: Case, actor: User | None, now: datetime, with_materials: bool = True
) -> dict[str, Any]:
    """
    Return the fixed content of a receipt for the materials received now.

    中文：收件凭证内容
    """
    # Received by a member of staff (walk-in intake, a supplement handed in
    # at the counter), or by the platform itself (online, mobile, kiosk).
    counter = _is_staff(actor) and actor.pk not in (case.applicant_id, case.agent_id)
    provisional = bool(case.due_date_provisional) or clock.calendar().is_provisional(
        case.intake_due_date
    )
    received_at = timezone.localtime(case.submitted_at or now)
    return {
        "title": DocumentKind.RECEIPT.label,
        "number_case": case.number,
        "query_code": case.query_code,
        "item_name": case.item_version.name,
        "item_code": case.item.item_code if case.item_id else "",
        "applicant_name": case.applicant_name,
        "applicant_id": mask_id_number(case.applicant_id_number),
        "department": case.department.name,
        "phone": case.department.phone,
        "channel": Channel(case.channel).label if case.channel else "",
        "received_at": received_at,
        # the notice context is JSON: the time is kept as the words printed
        "received_at_text": f"{received_at.year}年{received_at.month}月"
        f"{received_at.day}日 {received_at:%H:%M}",
        "received_date": case.received_date,
        "intake_due_date": case.intake_due_date,
        "materials": _material_rows(case, counter) if with_materials else [],
        "counter_paper": counter,
        "receiver_name": (actor.display_name or actor.username) if counter else "",
        "receiver_number": actor.username if counter else "",
        "receiver_window": _window(actor, case) if counter else "",
        "receiver_online": "" if counter else _platform(case.channel),
        "rule": ART32_RULE,
        "dates_provisional": provisional,
        "lookup_url": case_lookup_url(case),
    }


def receipt_issue(
    *, case: Case, actor: User | None, now: datetime | None = None
) -> CaseDocument:
    """
    Issue the next numbered 收件凭证 for the materials received now (in
    the caller's transaction; the PDF is rendered on first view). A case
    created and submitted in one call gets its first one from
    ``receipt_issue_many``.

    中文：出具收件凭证
    """
    now = now or timezone.now()
    if case.pk is None:
        raise ValueError("the case must be saved before its receipt")
    seq = 1 + CaseDocument.objects.filter(case=case, kind=DocumentKind.RECEIPT).count()
    document = _receipt_new(
        case=case, actor=actor, now=now, seq=seq, with_materials=True
    )
    row_insert(document)
    return document


def receipt_issue_many(
    *, cases: list[Case], actor: User | None, now: datetime
) -> list[CaseDocument]:
    """
    Issue the first 收件凭证 of each of ``cases``, created and submitted in
    this transaction without materials (one application of several items,
    e.g. a 一件事 bundle), with one INSERT.

    中文：批量出具收件凭证（新办件）
    """
    if any(case.pk is None for case in cases):
        raise ValueError("the cases must be saved before their receipts")
    documents = [
        _receipt_new(case=case, actor=actor, now=now, seq=1, with_materials=False)
        for case in cases
    ]
    row_insert_many(documents)
    return documents


def _receipt_new(
    *, case: Case, actor: User | None, now: datetime, seq: int, with_materials: bool
) -> CaseDocument:
    """Return the receipt number ``seq`` of ``case`` (not saved)."""
    context = receipt_context(
        case=case, actor=actor, now=now, with_materials=with_materials
    )
    return CaseDocument(
        case=case,
        kind=DocumentKind.RECEIPT,
        number=f"{case.number}-{seq:02d}",
        issued_on=timezone.localdate(now),
        dates_provisional=context["dates_provisional"],
        context=json.loads(json.dumps(context, cls=DjangoJSONEncoder)),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
