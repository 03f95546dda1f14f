"""
The bad-rating loop (差评整改): verify, rectify, reply, revisit; appeal.

Every step runs on a working-day clock from the day it starts, with the
limits of the rating's region (``RatingPolicy``): 核实 ``verify_days``
(实名差评: contact within 1 working day, 安阳 Art. 52), then by class
立即整改 ``immediate_days``, 限期整改 ``limited_days`` (5 or 15),
解释说明 ``immediate_days``; 反馈 ``reply_days``; 回访 ``revisit_days``.
An appeal (申诉复核) stops the step's clock and runs ``appeal_days`` for
the centre's reviewer; dismissed, the step resumes with the working days it
had left; upheld, the rating leaves the statistics (kept, ``excluded``).

中文：差评整改
"""

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhengtong.cases.clock import add_days, calendar
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import permissions
from ..models_ratings import (
    Classification,
    Rating,
    RatingPolicy,
    Rectification,
    RectificationState,
)
from .ratings_rollup import Delta, exclusion_counts, rollup_add

S = RectificationState
INVALID_STATE = "invalid_state"
INVALID_INPUT = "invalid_input"
TEXT_MAX = 4000
APPEAL_FROM = (S.VERIFYING, S.RECTIFYING)
EVIDENCE_TYPES = ("application/pdf", "image/jpeg", "image/png")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def policy_for(region_code: str) -> RatingPolicy:
    """
    Return the rating rules of a region: its own, its city's, its province's,
    else the default row (or the built-in defaults).

    中文：地区好差评规则
    """
    code = region_code or ""
    candidates = [code]
    if len(code) >= 6:
        candidates += [code[:4] + "00" + code[6:], code[:2] + "0000" + code[6:]]
    candidates.append("")
    rows = {
        p.region_code: p
        for p in RatingPolicy.objects.filter(region_code__in=candidates)
    }
    for candidate in candidates:
        if candidate in rows:
            return rows[candidate]
    return RatingPolicy(region_code="")


def _due(start: date, days: int) -> date:
    return add_days(calendar(), start, days)


def _text(value: str, label: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(INVALID_INPUT, f"请填写{label}。")
    if len(value) > TEXT_MAX:
        raise ApplicationError(INVALID_INPUT, f"{label}不能超过4000字。")
    return value


def rectification_open(*, rating: Rating) -> Rectification:
    """
    Open the one rectification of a bad rating on the serving department.

    Called by ``rating_create`` in its transaction; the one-to-one key keeps
    it to exactly one per rating.

    中文：生成差评整改单
    """
    today = timezone.localdate()
    policy = policy_for(rating.region_code)
    rectification = Rectification.objects.create(
        rating=rating,
        department_id=rating.department_id,
        region_code=rating.region_code,
        state=S.VERIFYING,
        opened_on=today,
        step_started_on=today,
        due_date=_due(today, policy.verify_days),
    )
    audit_record(
        action="rectification.open",
        obj=rectification,
        to_state=S.VERIFYING,
        details={"rating": rating.pk, "due_date": str(rectification.due_date)},
        new_stream=True,
    )
    return rectification


def _locked(rectification: Rectification) -> Rectification:
    return (
        Rectification.objects.select_for_update()
        .select_related("rating")
        .get(pk=rectification.pk)
    )


def _expect(rectification: Rectification, *states: str) -> None:
    if rectification.state not in states:
        raise ApplicationError(
            INVALID_STATE,
            f"该整改单当前为“{rectification.get_state_display()}”，不能进行此操作。",
            status=409,
        )


def _move(
    rectification: Rectification,
    *,
    actor: Any,
    action: str,
    to: str,
    days: int | None,
    fields: list[str],
    reason: str = "",
) -> Rectification:
    """Move to ``to``, start its step clock today (``days``), save, audit."""
    before = rectification.state
    today = timezone.localdate()
    rectification.state = to
    if days is not None:
        rectification.step_started_on = today
        rectification.due_date = _due(today, days)
    rectification.save(
        update_fields=[*fields, "state", "step_started_on", "due_date", "updated_at"]
    )
    audit_record(
        action=action,
        obj=rectification,
        actor=actor,
        from_state=before,
        to_state=to,
        reason=reason[:500],
        details={"due_date": str(rectification.due_date)},
    )
    return rectification


@transaction.atomic
def rectification_verify(
    *,
    rectification: Rectification,
    actor: Any,
    finding: str,
    classification: str,
    contacted: bool = False,
) -> Rectification:
    """
    Record the verification (核实) and the class of the bad rating.

    A real-name rating must have been contacted (联系核实).

    中文：核实差评
    """
    rectification = _locked(rectification)
    permissions.check_work_rectification(actor, rectification)
    _expect(rectification, S.VERIFYING)
    if classification not in Classification.values:
        raise ApplicationError(
            INVALID_INPUT, "整改分类须为立即整改、限期整改或解释说明之一。"
        )
    finding = _text(finding, "核实情况")
    if rectification.rating.real_name and not contacted:
        raise ApplicationError(
            INVALID_INPUT, "实名差评须先联系评价人核实，请联系后再登记。"
        )
    policy = policy_for(rectification.region_code)
    days = (
        policy.limited_days
        if classification == Classification.LIMITED
        else policy.immediate_days
    )
    rectification.finding = finding
    rectification.classification = classification
    rectification.contacted = bool(contacted)
    rectification.verified_at = timezone.now()
    return _move(
        rectification,
        actor=actor,
        action="rectification.verify",
        to=S.RECTIFYING,
        days=days,
        fields=["finding", "classification", "contacted", "verified_at"],
        reason=finding,
    )


@transaction.atomic
def rectification_rectify(
    *, rectification: Rectification, actor: Any, text: str
) -> Rectification:
    """
    Record what was changed (整改情况) or the explanation (解释说明).

    中文：整改
    """
    rectification = _locked(rectification)
    permissions.check_work_rectification(actor, rectification)
    _expect(rectification, S.RECTIFYING)
    rectification.rectification_text = _text(text, "整改情况")
    rectification.rectified_at = timezone.now()
    return _move(
        rectification,
        actor=actor,
        action="rectification.rectify",
        to=S.REPLYING,
        days=policy_for(rectification.region_code).reply_days,
        fields=["rectification_text", "rectified_at"],
    )


@transaction.atomic
def rectification_reply(
    *, rectification: Rectification, actor: Any, text: str
) -> Rectification:
    """
    Record the reply to the rater (整改反馈).

    中文：反馈评价人
    """
    rectification = _locked(rectification)
    permissions.check_work_rectification(actor, rectification)
    _expect(rectification, S.REPLYING)
    rectification.reply_text = _text(text, "反馈内容")
    rectification.replied_at = timezone.now()
    return _move(
        rectification,
        actor=actor,
        action="rectification.reply",
        to=S.REVISITING,
        days=policy_for(rectification.region_code).revisit_days,
        fields=["reply_text", "replied_at"],
    )


@transaction.atomic
def rectification_revisit(
    *,
    rectification: Rectification,
    actor: Any,
    response: str,
    satisfied: bool | None = None,
) -> Rectification:
    """
    Record the revisit (回访) and the rater's response; the loop closes.

    中文：回访
    """
    rectification = _locked(rectification)
    permissions.check_work_rectification(actor, rectification)
    _expect(rectification, S.REVISITING)
    rectification.revisit_response = _text(response, "回访情况")
    rectification.revisit_satisfied = satisfied
    rectification.revisited_at = rectification.closed_at = timezone.now()
    rollup_add(rating=rectification.rating, delta=Delta(rectified=1))
    return _move(
        rectification,
        actor=actor,
        action="rectification.revisit",
        to=S.CLOSED,
        days=None,
        fields=["revisit_response", "revisit_satisfied", "revisited_at", "closed_at"],
    )


@transaction.atomic
def rectification_appeal(
    *,
    rectification: Rectification,
    actor: Any,
    reason: str,
    evidence: UploadedFile | None = None,
) -> Rectification:
    """
    Appeal a malicious or mistaken rating (申诉复核), with evidence.

    Allowed once, before the reply to the rater; the step's clock stops.

    中文：申诉
    """
    rectification = _locked(rectification)
    permissions.check_work_rectification(actor, rectification)
    if rectification.appealed_at is not None:
        raise ApplicationError(
            INVALID_STATE, "该差评已申诉过，不能再次申诉。", status=409
        )
    _expect(rectification, *APPEAL_FROM)
    rectification.appeal_reason = _text(reason, "申诉理由与证据说明")
    if evidence is not None:
        if evidence.content_type not in EVIDENCE_TYPES:
            raise ApplicationError(INVALID_INPUT, "证据文件须为 PDF、JPG 或 PNG。")
        if evidence.size and evidence.size > EVIDENCE_MAX_BYTES:
            raise ApplicationError(INVALID_INPUT, "证据文件不能超过10MB。")
        rectification.appeal_evidence = evidence
    rectification.appealed_at = timezone.now()
    rectification.appealed_by = actor
    rectification.appeal_state_before = rectification.state
    rectification.appeal_due_before = rectification.due_date
    return _move(
        rectification,
        actor=actor,
        action="rectification.appeal",
        to=S.APPEALED,
        days=policy_for(rectification.region_code).appeal_days,
        fields=[
            "appeal_reason",
            "appeal_evidence",
            "appealed_at",
            "appealed_by",
            "appeal_state_before",
            "appeal_due_before",
        ],
        reason=rectification.appeal_reason,
    )


@transaction.atomic
def rectification_decide_appeal(
    *, rectification: Rectification, actor: Any, upheld: bool, decision: str
) -> Rectification:
    """
    Decide an appeal (复核): upheld, the rating leaves the statistics.

    Upheld: the rating is kept, marked excluded, and the rollup moves it
    from the rates to ``excluded``; the rectification ends.  Dismissed: the
    step resumes with the working days it had left when appealed.

    中文：申诉复核
    """
    rectification = _locked(rectification)
    permissions.check_decide_appeal(actor, rectification)
    _expect(rectification, S.APPEALED)
    rectification.appeal_decision = _text(decision, "复核意见")
    rectification.appeal_upheld = bool(upheld)
    rectification.appeal_decided_at = timezone.now()
    rectification.appeal_decided_by = actor
    fields = [
        "appeal_decision",
        "appeal_upheld",
        "appeal_decided_at",
        "appeal_decided_by",
    ]
    if upheld:
        rating = rectification.rating
        Rating.objects.filter(pk=rating.pk).update(excluded=True)
        rating.excluded = True
        rollup_add(rating=rating, delta=exclusion_counts(rating))
        rectification.closed_at = rectification.appeal_decided_at
        return _move(
            rectification,
            actor=actor,
            action="rectification.appeal_upheld",
            to=S.EXCLUDED,
            days=None,
            fields=[*fields, "closed_at"],
            reason=rectification.appeal_decision,
        )
    cal = calendar()
    appealed_on = timezone.localdate(rectification.appealed_at)
    due_before = rectification.appeal_due_before or rectification.due_date
    left = (
        cal.working_days_between(appealed_on, due_before)
        if due_before > appealed_on
        else 0
    )
    return _move(
        rectification,
        actor=actor,
        action="rectification.appeal_dismissed",
        to=rectification.appeal_state_before or S.VERIFYING,
        days=max(left, 1),
        fields=fields,
        reason=rectification.appeal_decision,
    )
