"""
Reporting up (上报件, 行政许可法第三十五条、第四十三条): after the local review
step the lower organ sends its opinion with the whole case file to the
upper organ, which decides.

- Only after the local review: at least one step of the case completed
  (承办 done), the case still running (409 ``review_not_done`` /
  ``invalid_transition``); a 联办件 is not reported as a whole.
- The lower organ's limit (Art. 43: 20 working days from acceptance) is
  recorded with the report (``lower_due_date``) and whether it was kept;
  the upper organ's own limit, when known, gives ``upper_due_date``.
- One report open at a time (409 ``report_open``); its return is recorded
  (``case_report_return``) with the upper organ's answer.
- The case file goes as a signed package (case_package.py); its manifest
  hash is kept on the report.

The applicant sees where the case is (the detail's ``report``).
"""

from datetime import datetime

from django.db import transaction

from zhengtong.accounts.models import User
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import clock
from ..case_package import case_package_build
from ..constants import ErrorCode, Status, StepStatus
from ..models import Case, CaseStep
from ..models_joint import CaseReport
from ..permissions import can_report_up
from ._base import _lock, _notify, _now, _require

LOWER_REVIEW_DAYS = 20  # Art. 43
RUNNING = (Status.ACCEPTED, Status.UNDER_REVIEW)


def _check(case: Case, actor: User) -> None:
    if not can_report_up(user=actor, case=case):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有本部门的窗口人员或审批人员可以上报该办件。",
            status=403,
        )


@transaction.atomic
def case_report_up(
    *,
    case: Case,
    actor: User,
    upper_authority: str,
    opinion: str,
    upper_limit_days: int | None = None,
    now: datetime | None = None,
) -> tuple[CaseReport, bytes]:
    """
    Send the case to the upper organ after the local review; return the
    report and the signed case package to hand over.

    中文：上报上级机关
    """
    now, today = _now(now)
    case = _lock(case)
    _check(case, actor)
    upper_authority = _require(upper_authority, "上级机关名称")[:200]
    opinion = _require(opinion, "本机关审查意见")[:5000]
    if upper_limit_days is not None and (
        isinstance(upper_limit_days, bool)
        or not isinstance(upper_limit_days, int)
        or not 1 <= upper_limit_days <= 365
    ):
        raise ApplicationError(
            ErrorCode.INVALID_DAYS, "上级机关决定时限应为1至365个工作日。"
        )
    if case.status not in RUNNING:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"办件当前状态为“{Status(case.status).label}”，不能上报。",
            status=409,
        )
    if case.is_joint:
        raise ApplicationError(
            "joint_case", "联办件由各部门并联办理，不能整体上报。", status=409
        )
    if not CaseStep.objects.filter(case=case, status=StepStatus.DONE).exists():
        raise ApplicationError(
            "review_not_done",
            "本机关审查环节尚未完成，不能上报；依行政许可法第三十五条，"
            "应先经本机关审查后报上级机关决定。",
            status=409,
        )
    if CaseReport.objects.filter(case=case, returned_at__isnull=True).exists():
        raise ApplicationError(
            "report_open", "该办件已上报，等待上级机关反馈。", status=409
        )
    cal = clock.calendar()
    lower_due = (
        clock.add_days(cal, case.accepted_date, LOWER_REVIEW_DAYS + case.suspended_days)
        if case.accepted_date
        else None
    )
    package, digest = case_package_build(
        case=case, opinion=opinion, upper_authority=upper_authority
    )
    report = CaseReport.objects.create(
        case=case,
        upper_authority=upper_authority,
        opinion=opinion,
        lower_due_date=lower_due,
        upper_limit_days=upper_limit_days,
        upper_due_date=(
            clock.add_days(cal, today, upper_limit_days) if upper_limit_days else None
        ),
        sent_at=now,
        sent_by=actor,
        package_sha256=digest,
    )
    if not case.reported_up:
        case.reported_up = True
        case.save(update_fields=["reported_up", "updated_at"])
    audit_record(
        action="report_up",
        obj=case,
        actor=actor,
        reason=opinion,
        details={
            "report": report.pk,
            "upper_authority": upper_authority,
            "lower_due_date": lower_due,
            "lower_on_time": lower_due is None or today <= lower_due,
            "upper_due_date": report.upper_due_date,
            "package_sha256": digest,
        },
    )
    _notify(case, "reported_up", authority=upper_authority)
    return report, package


@transaction.atomic
def case_report_return(
    *, case: Case, actor: User, result: str, now: datetime | None = None
) -> CaseReport:
    """
    Record the upper organ's answer to the open report (上级批复／退回).

    中文：登记上级反馈
    """
    now, _today = _now(now)
    case = _lock(case)
    _check(case, actor)
    result = _require(result, "上级机关意见")[:5000]
    report = (
        CaseReport.objects.select_for_update()
        .filter(case=case, returned_at__isnull=True)
        .last()
    )
    if report is None:
        raise ApplicationError(
            "report_not_open", "该办件没有等待上级反馈的上报。", status=409
        )
    report.returned_at = now
    report.upper_result = result
    report.save(update_fields=["returned_at", "upper_result"])
    audit_record(
        action="report_return",
        obj=case,
        actor=actor,
        reason=result,
        details={"report": report.pk},
    )
    _notify(case, "report_returned")
    return report
