"""
Reads of 联办件, 转办 and 上报件, with visibility.

A branch department sees the joint case (``permissions.case_visibility_terms``)
and every branch's department, status, dates and decision, but only its own
branch's internal note (``permissions.can_see_branch_internal``). None of
these reads costs a query for a case that is not joint (``Case.is_joint``).
"""

from datetime import date
from types import SimpleNamespace
from typing import Any

from django.db.models import Exists, OuterRef, Subquery

from zhengtong.core.errors import NotFoundError

from .constants import DocumentKind, StepStatus
from .models import Case, CaseDocument, CaseSuspension
from .models_joint import (
    BranchStatus,
    BranchStep,
    CaseBranch,
    CaseReferral,
    CaseReport,
    JointCoordination,
    ReferralStatus,
    branch_line_position,
)
from .permissions import (
    NOT_VISIBLE,
    can_confirm_referral,
    can_see_branch_internal,
    can_see_case,
)

_BRANCH_COLUMNS = (
    "id",
    "department_id",
    "department__name",
    "is_lead",
    "status",
    "limit_days",
    "suspended_days",
    "extension_days",
    "due_date",
    "opinion",
    "internal_note",
    "decided_at",
)


def case_branches_rows(*, case: Case, user: Any) -> list[dict[str, Any]]:
    """
    Return the branches of a 联办件 as ``user`` may see them (one statement of
    plain rows; none for another case). ``suspended``: in an Art. 45
    procedure now.

    中文：联办分支（详情）
    """
    if not case.is_joint:
        return []
    open_procedure = CaseSuspension.objects.filter(
        branch_id=OuterRef("pk"), ended_on__isnull=True
    )
    rows = []
    branch_rows = list(
        CaseBranch.objects.filter(case_id=case.pk)
        .annotate(suspended=Exists(open_procedure))
        .order_by("order", "id")
        .values(*_BRANCH_COLUMNS, "suspended")
    )
    steps = branch_steps_rows([row["id"] for row in branch_rows])
    for row in branch_rows:
        own = can_see_branch_internal(
            user=user, branch=SimpleNamespace(department_id=row["department_id"])
        )
        shown = [
            _step_shown(step, row["due_date"], own) for step in steps.get(row["id"], [])
        ]
        index, deciding = branch_line_position([s["status"] for s in shown])
        rows.append(
            {
                "id": row["id"],
                "department": row["department__name"],
                "department_id": row["department_id"],
                "is_lead": row["is_lead"],
                "status": row["status"],
                "status_label": str(BranchStatus(row["status"]).label),
                "suspended": row["suspended"],
                "limit_days": row["limit_days"],
                "suspended_days": row["suspended_days"],
                "extension_days": row["extension_days"],
                "due_date": row["due_date"],
                "opinion": row["opinion"],
                "internal_note": row["internal_note"] if own else None,
                "decided_at": row["decided_at"],
                "steps": shown,
                # the active step, and whether the branch decides now (its
                # last step, or no steps): models_joint.branch_line_position
                "current_step": shown[index] if index is not None else None,
                "deciding": deciding,
            }
        )
    return rows


_STEP_COLUMNS = (
    "id",
    "branch_id",
    "order",
    "name",
    "role",
    "status",
    "limit_days",
    "due_date",
    "started_on",
    "completed_at",
    "opinion",
    "assignee__display_name",
    "assignee__username",
)


def branch_steps_rows(branch_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """
    Return the own steps of these branches (承办 → 审核 → 批准) as plain rows,
    by branch id, in order (one statement; a branch without steps has none).

    中文：联办分支环节
    """
    rows: dict[int, list[dict[str, Any]]] = {}
    if not branch_ids:
        return rows
    for row in (
        BranchStep.objects.filter(branch_id__in=branch_ids)
        .order_by("branch_id", "order", "id")
        .values(*_STEP_COLUMNS)
    ):
        rows.setdefault(row["branch_id"], []).append(row)
    return rows


def _step_shown(row: dict[str, Any], branch_due: date | None, own: bool) -> dict:
    """
    One step as shown: its own due date when it has a limit (as the single
    line's steps), else the branch's while the step is still to be done.
    Step opinions are internal to the branch's department (as its note).
    """
    still_open = row["status"] in (StepStatus.PENDING, StepStatus.ACTIVE)
    return {
        "id": row["id"],
        "order": row["order"],
        "name": row["name"],
        "role": row["role"],
        "status": row["status"],
        "status_label": str(StepStatus(row["status"]).label),
        "assignee": row["assignee__display_name"] or row["assignee__username"],
        "own_limit": row["limit_days"] is not None,
        "due_date": row["due_date"] or (branch_due if still_open else None),
        "started_on": row["started_on"],
        "completed_at": row["completed_at"],
        "opinion": row["opinion"] if own else None,
    }


def case_joint_due_date(case: Case) -> date | None:
    """Return the joint due date (Art. 42 para. 2) of a 联办件, else None."""
    return case.statutory_due_date if case.is_joint else None


def case_report_current(*, case: Case) -> CaseReport | None:
    """
    Return the latest report of ``case`` to the upper organ, if any.

    中文：上报情况
    """
    if not case.reported_up:
        return None
    return CaseReport.objects.filter(case_id=case.pk).order_by("-id").first()


def case_upper_decisions(*, case: Case) -> list[CaseDocument]:
    """
    Return the upper organ's decision notices attached to a reported case
    (imported with its return package), oldest first.

    中文：上级机关决定书
    """
    if not case.reported_up:
        return []
    return list(
        CaseDocument.objects.filter(
            case_id=case.pk, kind=DocumentKind.UPPER_DECISION
        ).order_by("id")
    )


def case_coordination_get(*, case: Case) -> JointCoordination | None:
    """Return how the windows of a 联办件 coordinate (None: not joint)."""
    if not case.is_joint:
        return None
    return (
        JointCoordination.objects.filter(case_id=case.pk)
        .select_related("document")
        .first()
    )


def case_referrals_list(*, case: Case) -> list[CaseReferral]:
    """Return the referrals (转办) of ``case``, oldest first."""
    return list(
        CaseReferral.objects.filter(case_id=case.pk)
        .select_related("from_department", "to_department")
        .order_by("id")
    )


def branch_inbox_for_user(*, user: Any, limit: int = 100) -> list[CaseBranch]:
    """
    Return the open branches of the user's department, newest case first:
    a department's 联办 inbox (partial index ``case_branch_dept_open``), each
    with ``current_step`` (the name of its active step; None without steps).

    中文：联办待办
    """
    department_id = getattr(user, "department_id", None)
    if department_id is None:
        return []
    current = BranchStep.objects.filter(
        branch_id=OuterRef("pk"), status=StepStatus.ACTIVE
    ).values("name")[:1]
    return list(
        CaseBranch.objects.filter(department_id=department_id, status="open")
        .select_related("case", "case__item_version", "department")
        .annotate(current_step=Subquery(current))
        .order_by("-case_id")[:limit]
    )


def case_for_referral_get(*, user: Any, case_id: Any) -> Case:
    """
    Return the case for its receiving department to confirm a referral:
    visible as any case, or referred to the user's department and pending.
    Else NotFoundError (404).

    中文：获取待接收转办的办件
    """
    try:
        pk = int(case_id)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_VISIBLE) from None
    case = (
        Case.objects.select_related("item", "item_version", "department")
        .filter(pk=pk)
        .first()
        if 0 < pk < 2**63
        else None
    )
    if case is None:
        raise NotFoundError(NOT_VISIBLE)
    if can_see_case(user=user, case=case):
        return case
    pending = CaseReferral.objects.filter(
        case_id=case.pk, status=ReferralStatus.PENDING
    ).values_list("to_department_id", flat=True)
    if any(can_confirm_referral(user=user, department=d) for d in pending):
        return case
    raise NotFoundError(NOT_VISIBLE)


def referrals_pending_for_user(*, user: Any, limit: int = 100) -> list[CaseReferral]:
    """
    Return the referrals waiting for the user's department to confirm.

    中文：待接收的转办
    """
    department_id = getattr(user, "department_id", None)
    if department_id is None or not can_confirm_referral(
        user=user, department=department_id
    ):
        return []
    return list(
        CaseReferral.objects.filter(
            to_department_id=department_id, status=ReferralStatus.PENDING
        )
        .select_related("case", "case__item_version", "from_department")
        .order_by("-id")[:limit]
    )
