"""
The efficiency report (效能通报), monthly or quarterly: figures, PDF, Excel, archive.

A report holds, for its period (and the whole centre or one department):
the case figures in total, per department and over time (per day for a
month, per month for a quarter), the queue figures and waiting by hour,
and the assessment of each month of the period (the signed revision, else
the draft computed now, marked so).  ``report_generate`` renders the PDF
(charts drawn as SVG images, Chinese fonts: ``stats.documents``) and the
Excel workbook, stores both with the figures in ``StatsReport`` and audits
it; generating again is a new archived row (the old one is kept).

中文：效能通报
"""

import re
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from zhengtong.catalog.models import Department
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from ..models_assessment import ReportKind, StatsReport
from ..permissions_assessment import check_generate_report
from ..selectors import case_figures, ticket_figures, waiting_by_hour
from .assessment import month_bounds
from .assessment_month import month_parse

QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def period_parse(*, month: str | None = None, quarter: str | None = None) -> tuple:
    """
    Return ``(kind, period, start, end)`` of ``--month YYYY-MM`` or
    ``--quarter YYYY-Qn`` (exactly one; a period not yet begun: 400).

    中文：解析通报期间
    """
    if bool(month) == bool(quarter):
        raise ApplicationError(
            "invalid_period", "请指定月份（YYYY-MM）或季度（YYYY-Qn）之一。"
        )
    if month:
        first = month_parse(month)
        start, end = month_bounds(first)
        return ReportKind.MONTH, f"{first:%Y-%m}", start, end
    found = QUARTER.match((quarter or "").strip())
    if not found:
        raise ApplicationError("invalid_period", "季度格式应为 YYYY-Qn，例如 2026-Q2。")
    year, q = int(found.group(1)), int(found.group(2))
    start = date(year, 3 * q - 2, 1)
    if year < 2000 or start > timezone.localdate():
        raise ApplicationError("invalid_period", "只能生成已开始季度的效能通报。")
    end = month_bounds(date(year, 3 * q, 1))[1]
    return ReportKind.QUARTER, f"{year}-Q{q}", start, end


def _months(start: date, end: date) -> list[date]:
    months, cur = [], start.replace(day=1)
    while cur <= end:
        months.append(cur)
        cur = date(cur.year + (cur.month == 12), cur.month % 12 + 1, 1)
    return months


def report_figures(
    *, kind: str, start: date, end: date, department_id: int | None = None
) -> dict[str, Any]:
    """
    Return the figures of a report (JSON-ready).

    中文：效能通报数据
    """
    from ..selectors_assessment import assessment_results  # reads, no cycle

    args: dict[str, Any] = {
        "date_from": start,
        "date_to": end,
        "department_id": department_id,
    }
    totals = case_figures(group="none", **args)
    departments = case_figures(group="department", **args)
    departments.sort(key=lambda r: (-r["received"], r["label"]))
    trend = case_figures(group="day" if kind == ReportKind.MONTH else "month", **args)
    trend.sort(key=lambda r: str(r["key"]))
    items = case_figures(group="item", **args)
    items.sort(key=lambda r: (-r["received"], r["label"]))
    queue = ticket_figures(group="none", **args)
    waiting = waiting_by_hour(**args)
    waiting.sort(key=lambda r: r["key"] or 0)
    assessments = []
    for month in _months(start, end):
        if month > timezone.localdate():
            break
        results = assessment_results(month=month)
        counters, staff = results["counters"], results["staff"]
        if department_id is not None:
            counters = [r for r in counters if department_id in r["department_ids"]]
            staff = [r for r in staff if department_id in r["department_ids"]]
        assessments.append(
            {
                "month": results["month"],
                "state": results["state"],
                "revision": results["revision"],
                "counters": counters,
                "staff": staff,
                "red_flags": [r["name"] for r in counters if r["red_flag"]],
                # False in the months between 红旗窗口 elections
                "red_flag_election": bool(results.get("red_flag_period")),
                "service_stars": [r["name"] for r in staff if r["service_star"]],
            }
        )
    return {
        "kind": kind,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "department": department_id,
        "totals": totals[0] if totals else None,
        "departments": departments,
        "trend": trend,
        "items": items[:20],
        "queue": queue[0] if queue else None,
        "waiting": waiting,
        "assessments": assessments,
    }


def report_scope_name(department_id: int | None) -> str:
    """Return whom the report is issued for (the centre or a department)."""
    if department_id is None:
        return str(settings.SITE_NAME)
    name = Department.objects.filter(pk=department_id).values_list("name", flat=True)
    return name.first() or "本部门"


def report_title(kind: str, period: str) -> str:
    """Return the report's title, e.g. 2026年5月效能通报."""
    year, rest = period.split("-")
    if kind == ReportKind.MONTH:
        return f"{year}年{int(rest)}月效能通报"
    return f"{year}年第{rest[1]}季度效能通报"


@transaction.atomic
def report_generate(
    *,
    kind: str,
    period: str,
    start: date,
    end: date,
    actor: Any = None,
    department_id: int | None = None,
    now: datetime | None = None,
) -> StatsReport:
    """
    Compute, render (PDF and Excel) and archive a report.

    ``actor`` None is the system (the command, the monthly job).

    中文：生成效能通报
    """
    from ..documents import report_pdf, report_xlsx

    if actor is not None:
        check_generate_report(actor, department_id)
    now = now or timezone.now()
    figures = report_figures(
        kind=kind, start=start, end=end, department_id=department_id
    )
    scope = report_scope_name(department_id)
    title = report_title(kind, period)
    issued_on = timezone.localdate(now)
    pdf = report_pdf(
        title=title, scope_name=scope, figures=figures, issued_on=issued_on
    )
    xlsx = report_xlsx(title=title, scope_name=scope, figures=figures)
    report = StatsReport(
        kind=kind,
        period=period,
        start=start,
        end=end,
        department_id=department_id,
        figures=figures,
        generated_by=actor if getattr(actor, "pk", None) else None,
    )
    stem = f"report-{period}-{department_id or 'centre'}-{now:%Y%m%d%H%M%S}"
    report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    report.save()
    audit_record(
        action="stats_report_generated",
        obj=report,
        actor=actor,
        to_state="generated",
        details={"kind": kind, "period": period, "department": department_id},
        new_stream=True,
    )
    return report
