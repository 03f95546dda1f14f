"""
Public disclosure (办件公示): the cases accepted and concluded, masked, and
the month's figures per department.

A row holds only what may be published: the case number, the item, the
department, the applicant's name masked (``core.masking.mask_name``: 张**)
unless the applicant is an enterprise (统一社会信用代码: the registered
name is public), the acceptance and conclusion dates, the result and
whether it was concluded on time (the case fact's own flag, figures.py).
No ID number, phone, address or form content is read.  Pages are bounded
(``MAX_PAGE`` × ``PAGE_SIZE`` rows, newest first, by primary key).

中文：办件公示查询
"""

from datetime import date
from typing import Any

from django.db.models import Q

from zhengtong.cases.constants import Outcome, Status
from zhengtong.cases.models import Case
from zhengtong.catalog.models import ServiceItem
from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_name

from .models_facts import CaseFact
from .selectors import case_figures
from .selectors_params import period_range

PAGE_SIZE = 20
MAX_PAGE = 100
MAX_QUERY = 40
ENTERPRISE_ID_TYPE = "credit_code"
# the statuses a published case can be in (accepted, or closed after acceptance)
RESULT_LABELS: dict[str, str] = {
    Outcome.APPROVE.value: "准予许可",
    Outcome.DENY.value: "不予许可",
}


def disclosed_name(name: str, id_type: str) -> str:
    """
    The applicant's name as published: an enterprise's registered name as
    it is, a person's masked to the first character (张**).

    中文：公示申请人名称
    """
    if id_type == ENTERPRISE_ID_TYPE:
        return name
    return mask_name(name)


def _result(status: str, outcome: str) -> str:
    if status == Status.CONCLUDED and outcome in RESULT_LABELS:
        return RESULT_LABELS[outcome]
    return str(Status(status).label) if status in Status.values else status


def disclosure_query_parse(q: str) -> str:
    """Clean the search text (case number or item name); refuse what cannot match."""
    q = (q or "").strip()
    if len(q) > MAX_QUERY:
        raise ApplicationError("invalid_input", f"搜索内容不能超过 {MAX_QUERY} 个字。")
    return q


def disclosure_page_parse(raw: str | None) -> int:
    """The page number (1 … MAX_PAGE); bad or too far → 400."""
    raw = (raw or "1").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 6:
        raise ApplicationError("invalid_page", "页码不正确。")
    page = int(raw)
    if not 1 <= page <= MAX_PAGE:
        raise ApplicationError(
            "invalid_page",
            f"页码须在 1–{MAX_PAGE} 之间；更早的办件请按编号或事项搜索。",
        )
    return page


def disclosure_rows(*, q: str = "", page: int = 1) -> tuple[list[dict[str, Any]], bool]:
    """
    One page of published cases, newest first, and whether there is a next.

    ``q`` matches the start of the case number or a part of the item name.

    中文：公示办件列表
    """
    qs = Case.objects.filter(accepted_date__isnull=False)
    if q:
        items = list(
            ServiceItem.objects.filter(name__icontains=q).values_list("pk", flat=True)[
                :200
            ]
        )
        qs = qs.filter(Q(number__startswith=q) | Q(item_id__in=items))
    start = (page - 1) * PAGE_SIZE
    cases = list(
        qs.order_by("-pk").values(
            "pk",
            "number",
            "item__name",
            "department__name",
            "applicant_name",
            "applicant_id_type",
            "status",
            "outcome",
            "accepted_date",
            "concluded_at",
        )[start : start + PAGE_SIZE + 1]
    )
    more = len(cases) > PAGE_SIZE
    cases = cases[:PAGE_SIZE]
    facts: dict[int, dict[str, Any]] = {
        f["case_id"]: dict(f)
        for f in CaseFact.objects.filter(case_id__in=[c["pk"] for c in cases]).values(
            "case_id", "concluded_on", "on_time"
        )
    }
    rows = []
    for c in cases:
        fact: dict[str, Any] = facts.get(c["pk"]) or {}
        concluded_on = fact.get("concluded_on")
        rows.append(
            {
                "number": c["number"],
                "item": c["item__name"] or "",
                "department": c["department__name"] or "",
                "applicant": disclosed_name(
                    c["applicant_name"], c["applicant_id_type"]
                ),
                "accepted_on": f"{c['accepted_date']:%Y-%m-%d}",
                "concluded_on": concluded_on.isoformat() if concluded_on else None,
                "result": _result(c["status"], c["outcome"]),
                "on_time": fact.get("on_time") if concluded_on else None,
            }
        )
    return rows, more


def disclosure_month_figures(month: date) -> list[dict[str, Any]]:
    """
    The month's figures per department for the public page (受理、办结、
    按时办结率、提前办结率、平均办理时长), from the one figures selector;
    departments that accepted and concluded nothing that month are left out.

    中文：公示月度指标
    """
    first, last = period_range("month", month)
    rows = case_figures(date_from=first, date_to=last, group="department")
    return [r for r in rows if r["accepted"] or r["concluded"]]
