"""
Reads of the monthly assessment (月度效能考核) with visibility.

A signed month answers its current revision as frozen (late events change
nothing); an unsigned month is computed from today's data and marked
``draft``.  A department head (and other staff) get the rows of their own
department only, with the centre-wide ranks; applicants are refused.

中文：考核结果查询
"""

from datetime import date
from typing import Any

from zhengtong.core.errors import NotFoundError

from .models_assessment import (
    AssessmentMonth,
    AssessmentRevision,
    DisciplineEntry,
    StatsReport,
)
from .permissions_assessment import assessment_scope
from .services.assessment_month import assessment_compute, revision_results

PUBLIC_FIELDS = (
    "id",
    "name",
    "department",
    "score",
    "rank",
    "stars",
    "red_flag",
    "service_star",
    "reasons",
)


def _visible(
    rows: list[dict[str, Any]], department: int | None
) -> list[dict[str, Any]]:
    if department is None:
        return rows
    return [r for r in rows if department in (r.get("department_ids") or [])]


def assessment_results(*, month: date, region_code: str = "") -> dict[str, Any]:
    """
    Return the month's results: the signed revision, else a live draft.

    中文：月度考核结果
    """
    signed = AssessmentMonth.objects.filter(
        month=month, region_code=region_code
    ).first()
    if signed is None:
        results = assessment_compute(month=month, region_code=region_code)
        return {
            **results,
            "state": "draft",
            "revision": 0,
            "signed_at": None,
            "signed_by": "",
        }
    results = revision_results(signed)
    by = signed.signed_by
    return {
        **results,
        "state": "signed",
        "revision": signed.revision,
        "signed_at": signed.signed_at.isoformat(),
        "signed_by": (by.display_name or by.username) if by else "",
    }


def assessment_for_user(
    *, user: Any, month: date, region_code: str = ""
) -> dict[str, Any]:
    """
    Return the month's results as ``user`` may see them (403 for others).

    中文：按权限查看考核结果
    """
    department = assessment_scope(user)
    results = assessment_results(month=month, region_code=region_code)
    results["counters"] = _visible(results["counters"], department)
    results["staff"] = _visible(results["staff"], department)
    results["department"] = department
    return results


def assessment_public(*, month: date, region_code: str = "") -> dict[str, Any] | None:
    """
    Return what the portal and the hall display publish of a signed month:
    the 红旗窗口 (of the month, or of the last signed election before it:
    the title holds until the next election), 服务明星 and the counters'
    ranking (None if not signed).

    中文：考核结果公示
    """
    signed = AssessmentMonth.objects.filter(
        month=month, region_code=region_code
    ).first()
    if signed is None:
        return None
    results = revision_results(signed)

    def public(row: dict[str, Any]) -> dict[str, Any]:
        return {f: row[f] for f in PUBLIC_FIELDS}

    flags_from = results
    if not results.get("red_flag_period"):
        # between elections the last elected 红旗窗口 keep their title
        for earlier in AssessmentMonth.objects.filter(
            month__lt=month, region_code=region_code
        ).order_by("-month")[:12]:
            earlier_results = revision_results(earlier)
            if earlier_results.get("red_flag_period"):
                flags_from = earlier_results
                break
    return {
        "month": results["month"],
        "revision": signed.revision,
        "red_flag_period": flags_from.get("red_flag_period", []),
        "counters": [public(r) for r in results["counters"]],
        "red_flags": [public(r) for r in flags_from["counters"] if r["red_flag"]],
        "service_stars": [public(r) for r in results["staff"] if r["service_star"]],
    }


def assessment_latest_signed(*, region_code: str = "") -> date | None:
    """Return the latest signed month (None before the first sign-off)."""
    return (
        AssessmentMonth.objects.filter(region_code=region_code)
        .order_by("-month")
        .values_list("month", flat=True)
        .first()
    )


def assessment_revisions(*, month: date, region_code: str = "") -> list[Any]:
    """Return the revisions of a signed month (number, reason, who, when)."""
    return list(
        AssessmentRevision.objects.filter(
            assessment__month=month, assessment__region_code=region_code
        )
        .select_related("created_by")
        .order_by("number")
    )


def entry_list_for_month(*, user: Any, month: date) -> list[DisciplineEntry]:
    """
    Return the month's entries ``user`` may see (own department's subjects).

    中文：考核录入事项列表
    """
    department = assessment_scope(user)
    qs = DisciplineEntry.objects.filter(month=month).select_related(
        "person", "counter", "entered_by"
    )
    if department is not None:
        qs = qs.filter(person__department_id=department) | qs.filter(
            counter__departments=department
        )
    return list(qs.distinct().order_by("-id"))


def report_list_for_user(*, user: Any, limit: int = 200) -> list[StatsReport]:
    """
    Return the archived reports ``user`` may see (newest first): all for
    the centre-wide, their own department's for the others.

    中文：效能通报列表
    """
    department = assessment_scope(user)
    qs = StatsReport.objects.select_related("department", "generated_by")
    if department is not None:
        qs = qs.filter(department_id=department)
    return list(qs.order_by("-start", "-id")[:limit])


def report_get_for_user(*, user: Any, report_id: int) -> StatsReport:
    """Return one archived report ``user`` may see (404 otherwise)."""
    department = assessment_scope(user)
    report = StatsReport.objects.filter(pk=report_id).first()
    if report is None or (
        department is not None and report.department_id != department
    ):
        raise NotFoundError("效能通报不存在或无权查看。")
    return report
