"""
What every service of a 联办件 branch shares: the branch read under the
case's row lock, the "branch may still be worked" check and the audit
record of a branch action (services/joint.py, services/joint_steps.py).
"""

from typing import Any

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from ..constants import ErrorCode, Status
from ..models import Case, CaseSuspension
from ..models_joint import BranchStatus, CaseBranch
from ._base import _lock

RUNNING = (Status.ACCEPTED, Status.UNDER_REVIEW)


def _lock_branch(branch: CaseBranch | int) -> tuple[Case, CaseBranch]:
    branch_id = branch.pk if isinstance(branch, CaseBranch) else int(branch)
    found = CaseBranch.objects.filter(pk=branch_id).values_list("case_id", flat=True)
    if not found:
        raise ApplicationError("not_found", "联办分支不存在。", status=404)
    case = _lock(Case(pk=found[0]))
    locked = CaseBranch.objects.select_related("department").get(pk=branch_id)
    return case, locked


def _branch_open(case: Case, branch: CaseBranch) -> None:
    if case.status not in RUNNING:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"办件当前状态为“{Status(case.status).label}”，联办分支不能办理。",
            status=409,
        )
    if branch.status != BranchStatus.OPEN:
        raise ApplicationError(
            "branch_closed",
            f"{branch.department.name}的分支已{branch.get_status_display()}，不能再办理。",
            status=409,
        )


def _branch_not_suspended(branch: CaseBranch, what: str) -> None:
    if CaseSuspension.objects.filter(branch=branch, ended_on__isnull=True).exists():
        raise ApplicationError(
            "branch_suspended",
            f"该分支在特别程序中，请先恢复计时再{what}。",
            status=409,
        )


def _record(branch: CaseBranch, action: str, actor: Any, **details: Any) -> None:
    audit_record(
        action=action,
        obj=branch,
        actor=actor if actor is not None else "系统",
        details={"case": branch.case_id, **details},
    )
