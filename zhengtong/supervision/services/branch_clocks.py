"""
The clocks of 联办件 branches in the registry (kind ``branch``, 联办分支时限).

Each branch of a joint case (``cases.CaseBranch``) runs on its own clock
(services/joint_clock.py keeps its ``due_date``); the registry holds one
row per branch, owned by the branch's department, so a branch falling
due is a yellow/red lamp — and, past its date, an overdue entry — for that
department, by the one lamp rule of the sweep. The row is written with the
case's rows (``sync._cases_rows``) and again on every audit event of the
branch (``cases.casebranch``: a suspension, a decision, a stop), so it
follows every move of the branch's date (suspension, extension,
recompute) and closes when the branch decides or is stopped.

中文：联办分支监察时钟
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from zhengtong.cases.constants import CLOCK_STATUSES, Status
from zhengtong.cases.models import CaseSuspension
from zhengtong.cases.models_joint import BranchStatus, CaseBranch

from ..constants import ClockKind, ClockState

if TYPE_CHECKING:
    from .sync import ClockRows

BRANCH_TYPE = "cases.casebranch"


def _state(branch: Mapping[str, Any], case: Mapping[str, Any], paused: bool) -> str:
    if branch["status"] != BranchStatus.OPEN or case["status"] not in CLOCK_STATUSES:
        return ClockState.CLOSED
    if paused or case["status"] == Status.SUSPENDED:
        return ClockState.SUSPENDED
    return ClockState.RUNNING


def branch_clock_rows(out: "ClockRows", cases: Mapping[int, Mapping[str, Any]]) -> None:
    """
    Add the registry rows of the branches of these cases (``cases``: the
    case rows of ``sync.CASE_FIELDS`` by id, with ``counter_id``); nothing
    and no query when none of them is a 联办件.

    中文：联办分支时钟
    """
    joint = [pk for pk, case in cases.items() if case.get("is_joint")]
    if not joint:
        return
    branches = list(
        CaseBranch.objects.filter(case_id__in=joint).values(
            "id",
            "case_id",
            "department_id",
            "department__name",
            "assignee_id",
            "status",
            "due_date",
            "decided_at",
        )
    )
    paused = set(
        CaseSuspension.objects.filter(
            branch_id__in=[b["id"] for b in branches], ended_on__isnull=True
        ).values_list("branch_id", flat=True)
    )
    for branch in branches:
        case = cases[branch["case_id"]]
        decided = branch["decided_at"] or case["updated_at"]
        out.add(
            kind=ClockKind.BRANCH,
            object_id=branch["id"],
            due=branch["due_date"],
            state=_state(branch, case, branch["id"] in paused),
            region_code=case["region_code"],
            started_on=case["accepted_date"],
            closed_on=timezone.localdate(decided) if decided else None,
            number=case["number"],
            title=f"联办（{branch['department__name']}）：{case['item__name'] or ''}"[
                :200
            ],
            case_id=case["id"],
            department_id=branch["department_id"],
            owner_id=branch["assignee_id"],
            counter_id=case["counter_id"],
        )
