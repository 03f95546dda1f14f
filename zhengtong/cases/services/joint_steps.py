"""
The own line of steps of a 联办件 branch (承办 → 审核 → 批准 per department).

A branch definition (``JointBranchTemplate``) may carry an ordered line of
steps (``JointStepTemplate``, data in the admin); ``joint_open`` copies it
onto each branch (``BranchStep``) and starts the first step, assigned
within the branch's department by the step's role (``_pick_assignee``, the
one rule of the single line of steps). Completing a step starts the next;
the last step is the branch's decision (``branch_decide``, only there). A
branch without steps stays one decision. Who may act: the branch's rule
(``permissions.check_work_branch``). Step limits follow steps.py: a step
with its own limit is due that many working days after it starts; one
without shows the branch's due date.
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.core.errors import ApplicationError

from .. import clock
from ..constants import StepStatus
from ..models import Case
from ..models_joint import (
    BranchStatus,
    BranchStep,
    CaseBranch,
    JointStepTemplate,
    branch_line_position,
)
from ..permissions import check_work_branch
from ._base import _lock, _now
from .joint_base import _branch_not_suspended, _branch_open, _lock_branch, _record
from .steps import ABSENT_REASON, _pick_assignee, absent_backup

OPEN_STEP = (StepStatus.PENDING, StepStatus.ACTIVE)


def branch_steps_open(branch: CaseBranch, template_id: int, today: date) -> None:
    """
    Copy the step line of the branch definition onto ``branch`` and start
    its first step (nothing for a definition without steps).

    中文：开启联办分支环节
    """
    rows = list(
        JointStepTemplate.objects.filter(branch_id=template_id).order_by("order", "id")
    )
    if not rows:
        return
    BranchStep.objects.bulk_create(
        BranchStep(
            branch=branch,
            order=order,
            name=row.name,
            role=row.role,
            limit_days=row.limit_days,
        )
        for order, row in enumerate(rows, start=1)
    )
    first = BranchStep.objects.filter(branch=branch).order_by("order").first()
    if first is not None:
        _branch_step_start(branch, first, today, timezone.now())


def _branch_step_start(
    branch: CaseBranch, step: BranchStep, today: date, now: datetime
) -> None:
    done_by = set(
        BranchStep.objects.filter(branch=branch, status=StepStatus.DONE)
        .exclude(completed_by__isnull=True)
        .values_list("completed_by_id", flat=True)
    )
    assignee = _pick_assignee(branch.department_id, step.role, done_by)
    step.status = StepStatus.ACTIVE
    step.assignee = assignee
    step.started_at = now
    step.started_on = today
    step.due_date = (
        clock.add_days(clock.calendar(), today, step.limit_days)
        if step.limit_days
        else None
    )
    step.save()
    branch.assignee = assignee
    branch.save(update_fields=["assignee"])
    _record(
        branch,
        "branch_step_start",
        None,
        step=step.pk,
        name=step.name,
        assignee=getattr(assignee, "pk", None),
    )


def _steps(branch: CaseBranch) -> list[BranchStep]:
    return list(BranchStep.objects.filter(branch=branch).order_by("order", "id"))


@transaction.atomic
def branch_step_complete(
    *,
    branch: CaseBranch | int,
    actor: User,
    opinion: str = "",
    step: BranchStep | int | None = None,
    now: datetime | None = None,
) -> BranchStep:
    """
    Complete the current step of a branch and start its next one. The last
    step is not completed but decided (``branch_decide``; 409
    ``step_is_deciding``).

    中文：联办分支环节办理完成
    """
    now, today = _now(now)
    case, branch = _lock_branch(branch)
    check_work_branch(user=actor, branch=branch)
    _branch_open(case, branch)
    steps = _steps(branch)
    current = next((s for s in steps if s.status == StepStatus.ACTIVE), None)
    if current is None:
        raise ApplicationError(
            "branch_no_steps",
            "该分支没有办理环节，请直接作出同意或不同意的决定。",
            status=409,
        )
    step_id = step.pk if isinstance(step, BranchStep) else step
    if step_id is not None and int(step_id) != current.pk:
        raise ApplicationError(
            "step_not_active", "该环节不是分支当前正在办理的环节。", status=409
        )
    if current.pk == steps[-1].pk:
        raise ApplicationError(
            "step_is_deciding",
            f"“{current.name}”是本分支的决定环节，请作出同意或不同意的决定。",
            status=409,
        )
    _branch_not_suspended(branch, "办理环节")
    current.status = StepStatus.DONE
    current.completed_at = now
    current.completed_by = actor
    current.opinion = (opinion or "").strip()[:2000]
    current.save()
    _record(branch, "branch_step_complete", actor, step=current.pk, name=current.name)
    following = next(
        (s for s in steps if s.order > current.order and s.status in OPEN_STEP), None
    )
    if following is not None:
        _branch_step_start(branch, following, today, now)
    return current


def branch_steps_to_decide(
    branch: CaseBranch, actor: User, opinion: str, now: datetime
) -> None:
    """
    Called by ``branch_decide`` before it records anything: a branch with
    steps decides at its last step only (409 ``decision_not_at_last_step``);
    that step is completed with the decision.

    中文：分支决定环节
    """
    steps = _steps(branch)
    if not steps:
        return
    last = steps[-1]
    index, deciding = branch_line_position([s.status for s in steps])
    if not deciding:
        current = steps[index] if index is not None else None
        where = f"当前环节为“{current.name}”" if current else "当前没有办理中的环节"
        raise ApplicationError(
            "decision_not_at_last_step",
            f"本分支须在最后一个环节“{last.name}”作出决定，{where}。",
            status=409,
        )
    last.status = StepStatus.DONE
    last.completed_at = now
    last.completed_by = actor
    last.opinion = opinion
    last.save()


def branch_steps_close(case: Case) -> int:
    """
    Close the steps still pending or active of the branches of ``case``
    that are no longer open (stopped by another department's denial).

    中文：关闭已终止分支的环节
    """
    return (
        BranchStep.objects.filter(branch__case=case, status__in=OPEN_STEP)
        .exclude(branch__status=BranchStatus.OPEN)
        .update(status=StepStatus.CLOSED)
    )


def branch_steps_reassign_for_absent(*, user: User) -> int:
    """
    Move every active branch step of an absent member of staff to their B岗
    (as ``case_step_reassign_for_absent`` does for the single line); return
    the number of steps moved.

    中文：联办分支环节缺岗转B岗
    """
    target = absent_backup(user)
    if target is None:
        return 0
    moved = 0
    rows = list(
        BranchStep.objects.filter(assignee=user, status=StepStatus.ACTIVE).values_list(
            "pk", "branch__case_id"
        )
    )
    for step_id, case_id in rows:
        with transaction.atomic():
            _lock(Case(pk=case_id))
            step = BranchStep.objects.select_related("branch").get(pk=step_id)
            if step.status != StepStatus.ACTIVE or step.assignee_id != user.pk:
                continue
            step.assignee = target
            step.save(update_fields=["assignee"])
            CaseBranch.objects.filter(pk=step.branch_id).update(assignee=target)
            _record(
                step.branch,
                "branch_step_reassign",
                None,
                step=step.pk,
                reason=ABSENT_REASON,
                **{"from": user.pk, "to": target.pk},
            )
            moved += 1
    return moved
