"""
A month's assessment: its inputs, the live computation, sign-off and revisions.

- ``assessment_compute`` gathers the month's numbers — case figures per
  counter and per staff member (stats selectors), verified complaints and
  bad ratings (feedback, once it has them), decided cards (supervision),
  the administrator's entries — and scores them (``assessment.py``).
- ``assessment_sign_off``: a leader signs the month; its results are
  stored as revision 1 and from then on are what everyone is shown
  (frozen: a late event changes nothing).
- ``assessment_revise``: a correction recomputes from today's data and
  stores revision n + 1 with its reason; the earlier revisions are kept.
- ``points_entry_create`` / ``points_entry_void``: points with evidence
  for what events cannot measure.

Every write is audited.

中文：月度考核签发与更正
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from zhengtong.accounts.constants import ROLE_GROUP_NAMES, Role
from zhengtong.catalog.models import Counter, Region
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from ..models_assessment import (
    AssessmentMonth,
    AssessmentRevision,
    DisciplineEntry,
    StarCategory,
)
from ..permissions_assessment import check_enter_points, check_sign_assessment
from ..selectors import case_figures
from . import feedback_counts
from .assessment import (
    cards_for_month,
    entries_for_month,
    month_bounds,
    period_months,
    red_flags_elect,
    scheme_for_region,
    score_subjects,
)

SCORED_ROLES = (Role.COUNTER_STAFF, Role.REVIEWER)


def month_parse(text: str | None, *, ended: bool = False) -> date:
    """
    Return the first day of the month written ``YYYY-MM``.

    Raises ``invalid_month`` (400) for anything else, for a month not yet
    begun, and with ``ended`` for a month not yet over.

    中文：解析考核月份
    """
    raw = (text or "").strip()
    try:
        if len(raw) != 7 or raw[4] != "-" or not raw[5:].isdigit():
            raise ValueError(raw)
        month = date(int(raw[:4]), int(raw[5:]), 1)
    except ValueError:
        raise ApplicationError(
            "invalid_month", "月份格式应为 YYYY-MM，例如 2026-03。"
        ) from None
    this_month = timezone.localdate().replace(day=1)
    if month.year < 2000 or month > this_month:
        raise ApplicationError("invalid_month", "只能查看已开始月份的考核结果。")
    if ended and month == this_month:
        raise ApplicationError(
            "month_not_ended", "本月尚未结束，不能签发。", status=409
        )
    return month


def _region_filter(region_code: str, field: str) -> Q:
    if not region_code:
        return Q()
    return Q(**{f"{field}__code": region_code}) | Q(
        **{f"{field}__parent__code": region_code}
    )


def _counters(region_code: str) -> list[dict[str, Any]]:
    qs = (
        Counter.objects.filter(_region_filter(region_code, "hall__region"))
        .filter(is_active=True)
        .prefetch_related("departments")
        .order_by("number", "id")
    )
    return [
        {
            "id": c.pk,
            "name": f"{c.number} 号窗口" + (f"（{c.name}）" if c.name else ""),
            "department_ids": [d.pk for d in c.departments.all()],
            "department": "、".join(d.name for d in c.departments.all()),
        }
        for c in qs
    ]


def _staff(region_code: str) -> list[dict[str, Any]]:
    qs = (
        get_user_model()
        .objects.filter(
            _region_filter(region_code, "department__region"),
            is_active=True,
            department__isnull=False,
            groups__name__in=[ROLE_GROUP_NAMES[r] for r in SCORED_ROLES],
        )
        .distinct()
        .values("pk", "display_name", "username", "department_id", "department__name")
        .order_by("pk")
    )
    return [
        {
            "id": u["pk"],
            "name": u["display_name"] or u["username"],
            "department_ids": [u["department_id"]],
            "department": u["department__name"],
        }
        for u in qs
    ]


def _figures(
    subjects: list[dict[str, Any]],
    *,
    case_rows: list[dict[str, Any]],
    feedback: dict[int, dict[str, int]],
    cards: dict[int, list[dict[str, Any]]],
    entries: dict[int, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    by_key = {row["key"]: row for row in case_rows}
    for subject in subjects:
        row = by_key.get(subject["id"], {})
        subject["figures"] = {
            "concluded": int(row.get("concluded") or 0),
            "on_time": int(row.get("on_time") or 0),
            "overdue": int(row.get("overdue") or 0),
            "on_time_rate": row.get("on_time_rate"),
            "complaints": feedback.get(subject["id"], {}).get("complaints", 0),
            "bad_ratings": feedback.get(subject["id"], {}).get("bad_ratings", 0),
            "cards": cards.get(subject["id"], []),
            "entries": entries.get(subject["id"], []),
        }
    return subjects


def assessment_scored(*, month: date, region_code: str = "") -> dict[str, Any]:
    """
    Return the month's counters and staff scored and ranked, from today's
    data (no 红旗 election; see ``assessment_compute``).

    中文：月度考核计分
    """
    scheme = scheme_for_region(region_code)
    start, end = month_bounds(month)
    region_id = None
    if region_code:
        region_id = (
            Region.objects.filter(code=region_code).values_list("pk", flat=True).first()
        )
        if region_id is None:
            raise ApplicationError("invalid_region", "区划代码不存在。")
    period: dict[str, Any] = {
        "date_from": start,
        "date_to": end,
        "region_id": region_id,
    }
    by_counter: dict[int, list[dict[str, Any]]] = {}
    by_person: dict[int, list[dict[str, Any]]] = {}
    for row in cards_for_month(start):
        if row["counter_id"]:
            by_counter.setdefault(row["counter_id"], []).extend(row["cards"])
        if row["person_id"]:
            by_person.setdefault(row["person_id"], []).extend(row["cards"])
    entries_counter: dict[int, list[dict[str, Any]]] = {}
    entries_person: dict[int, list[dict[str, Any]]] = {}
    for entry in entries_for_month(start):
        item = {
            "id": entry.pk,
            "category": entry.category,
            "points": float(entry.points),
            "text": entry.evidence_text[:80],
        }
        if entry.counter_id:
            entries_counter.setdefault(entry.counter_id, []).append(item)
        if entry.person_id:
            entries_person.setdefault(entry.person_id, []).append(item)
    counters = _figures(
        _counters(region_code),
        case_rows=case_figures(group="counter", **period),
        feedback=feedback_counts.month_counts(month=start, group="counter"),
        cards=by_counter,
        entries=entries_counter,
    )
    staff = _figures(
        _staff(region_code),
        case_rows=case_figures(group="staff", **period),
        feedback=feedback_counts.month_counts(month=start, group="staff"),
        cards=by_person,
        entries=entries_person,
    )
    return {
        "scheme": scheme,
        "counters": score_subjects(scheme=scheme, kind="counter", subjects=counters),
        "staff": score_subjects(scheme=scheme, kind="staff", subjects=staff),
    }


def _signed(month: date, region_code: str) -> AssessmentMonth | None:
    return AssessmentMonth.objects.filter(month=month, region_code=region_code).first()


def revision_results(assessment: AssessmentMonth) -> dict[str, Any]:
    """Return the results of the month's current revision."""
    revision = assessment.revisions.get(number=assessment.revision)
    return dict(revision.results)


def assessment_compute(*, month: date, region_code: str = "") -> dict[str, Any]:
    """
    Return the month's full results from today's data (JSON-ready).

    In the last month of a 红旗 period the counters' earlier months are
    read as published (a signed month's current revision) or, unsigned,
    computed from today's data.

    中文：计算月度考核
    """
    scored = assessment_scored(month=month, region_code=region_code)
    scheme = scored["scheme"]
    months = period_months(month, scheme)
    if months:
        earlier = []
        for m in months[:-1]:
            signed = _signed(m, region_code)
            if signed is not None:
                earlier.append(revision_results(signed)["counters"])
            else:
                earlier.append(
                    assessment_scored(month=m, region_code=region_code)["counters"]
                )
        red_flags_elect(scheme=scheme, counters=scored["counters"], earlier=earlier)
    return {
        "month": f"{month:%Y-%m}",
        "region": region_code,
        "scheme": scheme.as_dict(),
        "red_flag_period": [f"{m:%Y-%m}" for m in months] if months else [],
        "counters": scored["counters"],
        "staff": scored["staff"],
    }


def _changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the subjects whose score, rank, stars or flags changed."""
    out = []
    for kind in ("counters", "staff"):
        before = {r["id"]: r for r in old.get(kind, [])}
        for row in new.get(kind, []):
            was = before.get(row["id"], {})
            fields = ("score", "rank", "stars", "red_flag", "service_star")
            if any(was.get(f) != row[f] for f in fields):
                out.append(
                    {
                        "kind": kind,
                        "id": row["id"],
                        "name": row["name"],
                        "score": [was.get("score"), row["score"]],
                        "rank": [was.get("rank"), row["rank"]],
                    }
                )
    return out


@transaction.atomic
def assessment_sign_off(
    *, month: date, actor: Any, region_code: str = "", now: datetime | None = None
) -> AssessmentMonth:
    """
    Sign off a finished month: its results are frozen as revision 1.

    中文：签发月度考核
    """
    check_sign_assessment(actor)
    now = now or timezone.now()
    if month >= timezone.localdate(now).replace(day=1):
        raise ApplicationError(
            "month_not_ended", "该月尚未结束，不能签发。", status=409
        )
    results = assessment_compute(month=month, region_code=region_code)
    try:
        with transaction.atomic():
            assessment = AssessmentMonth.objects.create(
                month=month,
                region_code=region_code,
                revision=1,
                signed_by=actor,
                signed_at=now,
            )
    except IntegrityError:
        raise ApplicationError(
            "already_signed", "该月考核已签发；如需更正，请提交更正版本。", status=409
        ) from None
    AssessmentRevision.objects.create(
        assessment=assessment, number=1, results=results, created_by=actor
    )
    audit_record(
        action="assessment_signed",
        obj=assessment,
        actor=actor,
        to_state="signed",
        details={
            "month": results["month"],
            "region": region_code,
            "counters": len(results["counters"]),
            "staff": len(results["staff"]),
            "red_flags": [r["name"] for r in results["counters"] if r["red_flag"]],
            "service_stars": [r["name"] for r in results["staff"] if r["service_star"]],
        },
        new_stream=True,
    )
    return assessment


@transaction.atomic
def assessment_revise(
    *, month: date, actor: Any, reason: str, region_code: str = ""
) -> AssessmentRevision:
    """
    Record a correction of a signed month: a new revision from today's data.

    中文：更正月度考核
    """
    check_sign_assessment(actor)
    reason = (reason or "").strip()
    if len(reason) < 4 or len(reason) > 300:
        raise ApplicationError("invalid_input", "请写明更正理由（4 至 300 字）。")
    assessment = (
        AssessmentMonth.objects.select_for_update()
        .filter(month=month, region_code=region_code)
        .first()
    )
    if assessment is None:
        raise ApplicationError("not_signed", "该月考核尚未签发，无需更正。", status=409)
    old = revision_results(assessment)
    results = assessment_compute(month=month, region_code=region_code)
    number = assessment.revision + 1
    revision = AssessmentRevision.objects.create(
        assessment=assessment,
        number=number,
        reason=reason,
        results=results,
        created_by=actor,
    )
    assessment.revision = number
    assessment.save(update_fields=["revision", "updated_at"])
    changes = _changes(old, results)
    audit_record(
        action="assessment_revised",
        obj=assessment,
        actor=actor,
        from_state=str(number - 1),
        to_state=str(number),
        reason=reason,
        details={"month": results["month"], "changes": changes[:50]},
    )
    return revision


def _points(value: Any, category: str) -> Decimal:
    try:
        points = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ApplicationError(
            "invalid_input", "分值须为数字，例如 -2 或 1.5。"
        ) from None
    if not points.is_finite() or points == 0 or abs(points) > 100:
        raise ApplicationError(
            "invalid_input", "分值须为非零数字，且绝对值不超过 100。"
        )
    return points


@transaction.atomic
def points_entry_create(
    *,
    actor: Any,
    month: date,
    category: str,
    points: Any,
    evidence_text: str,
    person: Any = None,
    counter: Counter | None = None,
    evidence_file: UploadedFile | None = None,
) -> DisciplineEntry:
    """
    Enter points with evidence for a person or a counter (录入考核事项).

    An entry for a signed month counts only in a later revision.

    中文：录入考核事项
    """
    check_enter_points(actor)
    if category not in StarCategory.values:
        raise ApplicationError("invalid_input", "星级类别无效。")
    value = _points(points, category)
    text = (evidence_text or "").strip()
    if len(text) < 4 or len(text) > 2000:
        raise ApplicationError("invalid_input", "请写明事实与证据（4 至 2000 字）。")
    if person is None and counter is None:
        raise ApplicationError("invalid_input", "请选择考核对象（人员或窗口）。")
    if month > timezone.localdate().replace(day=1):
        raise ApplicationError("invalid_input", "不能录入未来月份的考核事项。")
    entry = DisciplineEntry(
        month=month.replace(day=1),
        category=category,
        points=value,
        evidence_text=text,
        person=person,
        counter=counter,
        entered_by=actor,
    )
    if evidence_file is not None:
        entry.evidence_file.save(
            evidence_file.name or "evidence", evidence_file, save=False
        )
    entry.save()
    audit_record(
        action="assessment_points_entered",
        obj=entry,
        actor=actor,
        to_state="entered",
        details={
            "month": f"{entry.month:%Y-%m}",
            "category": category,
            "points": str(value),
            "person": getattr(person, "pk", None),
            "counter": getattr(counter, "pk", None),
        },
        new_stream=True,
    )
    return entry


@transaction.atomic
def points_entry_void(*, entry: DisciplineEntry, actor: Any, reason: str) -> None:
    """
    Void an entry (kept on record with the reason).

    中文：作废考核事项
    """
    check_enter_points(actor)
    reason = (reason or "").strip()
    if len(reason) < 2 or len(reason) > 200:
        raise ApplicationError("invalid_input", "请写明作废理由（2 至 200 字）。")
    if entry.voided_at is not None:
        raise ApplicationError("already_voided", "该事项已作废。", status=409)
    entry.voided_at = timezone.now()
    entry.void_reason = reason
    entry.save(update_fields=["voided_at", "void_reason", "updated_at"])
    audit_record(
        action="assessment_points_voided",
        obj=entry,
        actor=actor,
        from_state="entered",
        to_state="voided",
        reason=reason,
    )
