"""
The clocks of a 联办件's branches (并联审批), applied with the case's clock.

Each branch runs from the acceptance date for its own limit, plus the
working days of its own Art. 45 procedures (``CaseSuspension.branch``),
plus its approved extensions (``CaseExtension.branch``). The joint clock
(the case's own dates) is computed by ``clock.clock_compute`` over the
union of all suspensions and the approved extensions of every branch; see
docs/joint.md "Clocks".
"""

from datetime import date

from zhengtong.workdays.calc import WorkCalendar

from .. import clock
from ..constants import ExtensionStatus
from ..models import Case, CaseExtension
from ..models_joint import BranchStatus, CaseBranch


def branches_clock_apply(
    case: Case,
    cal: WorkCalendar,
    today: date,
    suspensions: list[tuple[date, date | None, int | None]],
) -> None:
    """
    Recompute and save the due date of every open branch of ``case``.

    ``suspensions`` are the case's (started_on, ended_on, branch_id) rows.

    中文：联办分支时限
    """
    if case.accepted_date is None:
        return
    extensions: dict[int, int] = {}
    for branch_id, days in CaseExtension.objects.filter(
        case=case, status=ExtensionStatus.APPROVED, branch__isnull=False
    ).values_list("branch_id", "days"):
        extensions[branch_id] = extensions.get(branch_id, 0) + days
    for branch in CaseBranch.objects.filter(case=case, status=BranchStatus.OPEN):
        excluded = sum(
            clock.suspension_excluded_days(cal, s, e, today)
            for s, e, b in suspensions
            if b == branch.pk and s >= case.accepted_date
        )
        extension = extensions.get(branch.pk, 0)
        due = clock.add_days(
            cal, case.accepted_date, branch.limit_days + excluded + extension
        )
        if (due, excluded, extension) != (
            branch.due_date,
            branch.suspended_days,
            branch.extension_days,
        ):
            branch.due_date = due
            branch.suspended_days = excluded
            branch.extension_days = extension
            branch.save(update_fields=["due_date", "suspended_days", "extension_days"])
