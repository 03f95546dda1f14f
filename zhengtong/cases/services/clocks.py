"""Clocks: recompute, daily lamps, suspensions (Art. 45); extensions are in extensions.py."""

from datetime import date, datetime

from django.db import transaction

from zhengtong.accounts.models import User
from zhengtong.core.errors import ApplicationError

from .. import clock
from ..constants import (
    CLOCK_STATUSES,
    Action,
    DocumentKind,
    ErrorCode,
    Lamp,
    Status,
    StepStatus,
    SuspensionKind,
)
from ..models import (
    Case,
    CaseStep,
    CaseSuspension,
)
from ..workflow import case_transition, transition_check
from ._base import _issue, _lock, _notify, _now, _require
from .joint_clock import branches_clock_apply

# -- clocks ----------------------------------------------------------------

CLOCK_FIELDS = [
    "due_date",
    "statutory_due_date",
    "suspended_days",
    "lamp",
    "due_date_provisional",
]


def _clock_apply(case: Case, cal, today: date) -> None:
    """Recompute the stored clock fields of ``case`` (not saved)."""
    if case.accepted_date is None:
        return
    rows: list[tuple[date, date | None, int | None]] = []
    if case.pk:
        rows = list(
            CaseSuspension.objects.filter(case=case).values_list(
                "started_on", "ended_on", "branch_id"
            )
        )
    intervals = [(s, e) for s, e, _branch in rows]
    result = clock.clock_compute(
        cal,
        start=case.accepted_date,
        promised_days=case.promised_days,
        statutory_days=case.statutory_days,
        promised_unit=case.promised_unit,
        statutory_unit=case.statutory_unit,
        suspensions=intervals,
        extension_days=case.extension_days,
        promised_extension_days=case.promised_extension_days,
        today=today,
    )
    case.due_date = result.due_date
    case.statutory_due_date = result.statutory_due_date
    case.suspended_days = result.suspended_days
    case.due_date_provisional = clock.case_dates_provisional(cal, case)
    if case.status in (Status.SUBMITTED, *CLOCK_STATUSES):
        case.lamp = result.lamp
    if case.is_joint:
        branches_clock_apply(case, cal, today, rows)
    # per-step clocks move with the suspensions that began after they started
    for step in CaseStep.objects.filter(
        case=case, status=StepStatus.ACTIVE, limit_days__isnull=False
    ):
        excluded = sum(
            clock.suspension_excluded_days(cal, s, e, today)
            for s, e in intervals
            if step.started_on and s >= step.started_on
        )
        step.due_date = clock.add_days(cal, step.started_on, step.limit_days + excluded)
        step.lamp = clock.lamp_for(cal, step.due_date, today)
        step.due_date_provisional = cal.is_provisional(step.due_date)
        step.save(update_fields=["due_date", "lamp", "due_date_provisional"])


@transaction.atomic
def case_clock_recompute(*, case: Case, now: datetime | None = None) -> Case:
    """
    Recompute and store the due dates and lamp of one case.

    中文：重算办件时限
    """
    now, today = _now(now)
    case = _lock(case)
    _clock_apply(case, clock.calendar(), today)
    case.save(update_fields=[*CLOCK_FIELDS, "updated_at"])
    return case


def case_clocks_refresh(*, now: datetime | None = None) -> dict[str, int]:
    """
    Refresh the stored lamps of all running cases (a daily job).

    Green/yellow/red follow from the stored due dates with three UPDATE
    statements; suspended cases (whose due dates move daily) and running
    step clocks are recomputed one by one.

    中文：刷新亮灯
    """
    now, today = _now(now)
    cal = clock.calendar()
    warn_until = clock.add_days(cal, today, clock.warning_days())
    counts = {}
    suspended_ids = list(
        Case.objects.filter(status=Status.SUSPENDED).values_list("pk", flat=True)
    )
    # a 联办件 whose branch is in an Art. 45 procedure runs on, its dates move
    suspended_ids += list(
        CaseSuspension.objects.filter(ended_on__isnull=True, branch__isnull=False)
        .exclude(case_id__in=suspended_ids)
        .values_list("case_id", flat=True)
        .distinct()
    )
    for case_id in suspended_ids:
        case_clock_recompute(case=Case(pk=case_id), now=now)
    running = Case.objects.filter(status__in=(Status.ACCEPTED, Status.UNDER_REVIEW))
    counts["red"] = (
        running.filter(due_date__lt=today).exclude(lamp=Lamp.RED).update(lamp=Lamp.RED)
    )
    counts["yellow"] = (
        running.filter(due_date__gte=today, due_date__lte=warn_until)
        .exclude(lamp=Lamp.YELLOW)
        .update(lamp=Lamp.YELLOW)
    )
    counts["green"] = (
        running.filter(due_date__gt=warn_until)
        .exclude(lamp=Lamp.GREEN)
        .update(lamp=Lamp.GREEN)
    )
    cert = Case.objects.filter(
        status=Status.DECIDED_APPROVED, certificate_issued_at__isnull=True
    )
    counts["certificate_red"] = (
        cert.filter(certificate_due_date__lt=today)
        .exclude(lamp=Lamp.RED)
        .update(lamp=Lamp.RED)
    )
    cert.filter(
        certificate_due_date__gte=today, certificate_due_date__lte=warn_until
    ).exclude(lamp=Lamp.YELLOW).update(lamp=Lamp.YELLOW)
    for step in CaseStep.objects.filter(
        status=StepStatus.ACTIVE, due_date__isnull=False
    ):
        lamp = clock.lamp_for(cal, step.due_date, today)
        if lamp != step.lamp:
            CaseStep.objects.filter(pk=step.pk).update(lamp=lamp)
    counts["suspended"] = len(suspended_ids)
    return counts


@transaction.atomic
def case_suspend(
    *,
    case: Case,
    actor: User,
    kind: str,
    reason: str,
    expected_days: int | None = None,
    now: datetime | None = None,
) -> CaseSuspension:
    """
    Start an Art. 45 procedure; its working days are not counted.

    Issues the 特别程序告知书 stating the procedure and the time it needs.

    中文：特别程序（暂停计时）
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.SUSPEND, user=actor)
    if kind not in SuspensionKind.values:
        raise ApplicationError(
            ErrorCode.INVALID_SUSPENSION_KIND,
            "特别程序须为：{}。".format(
                "、".join(str(k.label) for k in SuspensionKind)
            ),
        )
    reason = _require(reason, "特别程序的理由")
    if expected_days is not None and (expected_days < 1 or expected_days > 365):
        raise ApplicationError(
            ErrorCode.INVALID_DAYS, "预计所需时间应为1至365个工作日。"
        )
    suspension = CaseSuspension.objects.create(
        case=case,
        kind=kind,
        reason=reason,
        expected_days=expected_days,
        started_on=today,
        started_by=actor,
    )
    _clock_apply(case, clock.calendar(), today)
    case_transition(
        case=case,
        action=Action.SUSPEND,
        actor=actor,
        reason=reason,
        details={
            "kind": kind,
            "suspension": suspension.pk,
            "expected_days": expected_days,
        },
        update_fields=CLOCK_FIELDS,
    )
    _issue(
        case,
        DocumentKind.SPECIAL_PROCEDURE,
        actor,
        today,
        procedure=SuspensionKind(kind).label,
        reason=reason,
        expected_days=expected_days,
        started_on=today,
    )
    _notify(case, "suspended", kind=str(SuspensionKind(kind).label))
    return suspension


@transaction.atomic
def case_resume(
    *, case: Case, actor: User, note: str = "", now: datetime | None = None
) -> Case:
    """
    End the open Art. 45 procedure and restart the clock.

    中文：恢复计时
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.RESUME, user=actor)
    cal = clock.calendar()
    suspension = case.suspensions.filter(
        ended_on__isnull=True, branch__isnull=True
    ).last()
    if suspension is not None:
        suspension.ended_on = today
        suspension.ended_by = actor
        suspension.working_days = clock.suspension_excluded_days(
            cal, suspension.started_on, today, today
        )
        suspension.save(update_fields=["ended_on", "ended_by", "working_days"])
    _clock_apply(case, cal, today)
    case_transition(
        case=case,
        action=Action.RESUME,
        actor=actor,
        reason=note,
        details={
            "suspension": getattr(suspension, "pk", None),
            "excluded": getattr(suspension, "working_days", 0),
            "due_date": case.due_date,
        },
        update_fields=CLOCK_FIELDS,
    )
    _notify(case, "resumed")
    return case
