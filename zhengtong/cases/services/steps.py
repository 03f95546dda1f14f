"""Steps (承办 → 审核 → 批准): start, complete, return, reassign, AB岗."""

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from zhengtong.accounts.constants import ROLE_GROUP_NAMES, Role
from zhengtong.accounts.models import User
from zhengtong.accounts.services import (
    staff_effective_assignee,
)
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import clock
from ..constants import (
    Action,
    Lamp,
    StepStatus,
)
from ..models import (
    Case,
    CaseStep,
    StepTemplate,
)
from ..workflow import case_transition, transition_check
from ._base import DEFAULT_STEPS, _lock, _now, _require

# -- steps (承办 → 审核 → 批准) -------------------------------------------------


def _templates_for(case: Case) -> list[tuple[str, str, int | None, Any]]:
    rows = list(
        StepTemplate.objects.filter(item_version=case.item_version_id).order_by("order")
    )
    if not rows:
        rows = list(
            StepTemplate.objects.filter(
                item=case.item_id, item_version__isnull=True
            ).order_by("order")
        )
    if rows:
        return [(r.name, r.role, r.limit_days, r.department_id) for r in rows]
    return [(name, role, limit, None) for name, role, limit in DEFAULT_STEPS]


def _pick_assignee(department_id: int, role: str, exclude: set[int]) -> User | None:
    base = User.objects.filter(
        is_active=True,
        department_id=department_id,
        groups__name=ROLE_GROUP_NAMES[Role(role)],
    )
    candidates = (
        base.exclude(pk__in=exclude) if base.exclude(pk__in=exclude).exists() else base
    )
    candidate = (
        candidates.annotate(
            load=Count("case_steps", filter=Q(case_steps__status=StepStatus.ACTIVE))
        )
        .order_by("is_absent", "load", "id")
        .first()
    )
    return staff_effective_assignee(candidate)


def _step_start(
    case: Case, step: CaseStep, today: date, now: datetime, assignee: User | None = None
) -> None:
    done_by = set(
        CaseStep.objects.filter(case=case, status=StepStatus.DONE)
        .exclude(assignee__isnull=True)
        .values_list("assignee_id", flat=True)
    )
    if assignee is None:
        assignee = _pick_assignee(step.department_id, step.role, done_by)
    else:
        assignee = staff_effective_assignee(assignee)
    cal = clock.calendar()
    step.status = StepStatus.ACTIVE
    step.assignee = assignee
    step.started_at = now
    step.started_on = today
    step.due_date = (
        clock.add_days(cal, today, step.limit_days) if step.limit_days else None
    )
    step.lamp = (
        clock.lamp_for(cal, step.due_date, today) if step.due_date else Lamp.NONE
    )
    step.due_date_provisional = cal.is_provisional(step.due_date)
    step.completed_at = None
    step.completed_by = None
    step.save()
    case.current_assignee = assignee
    case.save(update_fields=["current_assignee", "updated_at"])
    audit_record(
        action="step_start",
        obj=case,
        actor="系统",
        details={
            "step": step.pk,
            "name": step.name,
            "assignee": getattr(assignee, "pk", None),
        },
    )


def _steps_create(case: Case, today: date, now: datetime) -> None:
    steps = [
        CaseStep(
            case=case,
            order=i,
            name=name,
            role=role,
            limit_days=limit,
            department_id=dept_id or case.department_id,
        )
        for i, (name, role, limit, dept_id) in enumerate(_templates_for(case), start=1)
    ]
    CaseStep.objects.bulk_create(steps)
    first = CaseStep.objects.filter(case=case).order_by("order").first()
    if first is not None:
        _step_start(case, first, today, now)


def _active_step(case: Case, step: CaseStep | int | None) -> CaseStep:
    active = (
        CaseStep.objects.filter(case=case, status=StepStatus.ACTIVE)
        .order_by("order")
        .first()
    )
    step_id = step.pk if isinstance(step, CaseStep) else step
    if active is None or (step_id is not None and active.pk != int(step_id)):
        raise ApplicationError(
            "step_not_active", "该环节不是办件当前正在办理的环节。", status=409
        )
    return active


@transaction.atomic
def case_step_complete(
    *,
    case: Case,
    actor: User,
    step: CaseStep | int | None = None,
    opinion: str = "",
    now: datetime | None = None,
) -> CaseStep:
    """
    Complete the current step and hand the case to the next one.

    Only the step's assignee may do this. After the last step the case waits
    for the decision (case_decide).

    中文：环节办理完成
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.STEP_COMPLETE, user=actor)
    current = _active_step(case, step)
    current.status = StepStatus.DONE
    current.completed_at = now
    current.completed_by = actor
    current.opinion = (opinion or "").strip()
    current.lamp = Lamp.NONE
    current.save()
    case_transition(
        case=case,
        action=Action.STEP_COMPLETE,
        actor=actor,
        reason=opinion,
        details={"step": current.pk, "name": current.name},
    )
    following = (
        CaseStep.objects.filter(
            case=case, status=StepStatus.PENDING, order__gt=current.order
        )
        .order_by("order")
        .first()
    )
    if following is not None:
        _step_start(case, following, today, now)
    else:
        case.current_assignee = None
        case.save(update_fields=["current_assignee", "updated_at"])
    return current


@transaction.atomic
def case_step_return(
    *,
    case: Case,
    actor: User,
    opinion: str,
    step: CaseStep | int | None = None,
    now: datetime | None = None,
) -> CaseStep:
    """
    Send the case back to the previous step with an opinion.

    中文：退回上一环节
    """
    now, today = _now(now)
    case = _lock(case)
    transition_check(case=case, action=Action.STEP_RETURN, user=actor)
    opinion = _require(opinion, "退回意见")
    current = _active_step(case, step)
    previous = (
        CaseStep.objects.filter(case=case, order__lt=current.order)
        .order_by("-order")
        .first()
    )
    if previous is None:
        raise ApplicationError(
            "no_previous_step", "这是第一个环节，不能退回。", status=409
        )
    current.status = StepStatus.PENDING
    current.assignee = None
    current.started_at = None
    current.due_date = None
    current.lamp = Lamp.NONE
    current.save()
    case_transition(
        case=case,
        action=Action.STEP_RETURN,
        actor=actor,
        reason=opinion,
        details={"from_step": current.pk, "to_step": previous.pk},
    )
    _step_start(case, previous, today, now, assignee=previous.assignee)
    return previous


@transaction.atomic
def case_step_reassign(
    *,
    case: Case,
    actor: User,
    assignee: User,
    reason: str,
    step: CaseStep | int | None = None,
) -> CaseStep:
    """
    Give the current step to another member of staff (recorded).

    中文：改派承办人
    """
    case = _lock(case)
    transition_check(case=case, action=Action.STEP_REASSIGN, user=actor)
    reason = _require(reason, "改派理由")
    current = _active_step(case, step)
    if not assignee.is_active or assignee.department_id != current.department_id:
        raise ApplicationError(
            "invalid_assignee", "承办人须为该环节办理部门的在职人员。"
        )
    return _step_reassign(case, current, assignee, actor, reason)


def _step_reassign(
    case: Case, step: CaseStep, assignee: User, actor, reason: str
) -> CaseStep:
    effective = staff_effective_assignee(assignee)
    before = step.assignee_id
    step.assignee = effective
    step.save(update_fields=["assignee"])
    case.current_assignee = effective
    case_transition(
        case=case,
        action=Action.STEP_REASSIGN,
        actor=actor,
        reason=reason,
        details={"step": step.pk, "from": before, "to": getattr(effective, "pk", None)},
        update_fields=["current_assignee"],
    )
    return step


def _system_reassign_record(
    case: Case, step: CaseStep, before, effective, reason: str
) -> None:
    case.save(update_fields=["current_assignee", "updated_at"])
    audit_record(
        action=Action.STEP_REASSIGN,
        obj=case,
        actor="系统",
        from_state=case.status,
        to_state=case.status,
        reason=reason,
        details={"step": step.pk, "from": before, "to": getattr(effective, "pk", None)},
    )


def case_step_reassign_for_absent(*, user: User, actor: User | None = None) -> int:
    """
    Move every active step of an absent member of staff to their B岗.

    Called when a member of staff is marked absent. Return the number of
    steps moved.

    中文：缺岗转B岗
    """
    user.refresh_from_db(fields=["is_absent", "backup"])
    if not user.is_absent:
        return 0
    target = staff_effective_assignee(user)
    if target is None or target.pk == user.pk:
        return 0
    moved = 0
    step_ids = list(
        CaseStep.objects.filter(assignee=user, status=StepStatus.ACTIVE).values_list(
            "pk", "case_id"
        )
    )
    for step_id, case_id in step_ids:
        with transaction.atomic():
            case = _lock(Case(pk=case_id))
            step = CaseStep.objects.select_for_update().get(pk=step_id)
            if step.status != StepStatus.ACTIVE or step.assignee_id != user.pk:
                continue
            _system_reassign_record_full(
                case, step, target, "承办人不在岗，自动转B岗办理。"
            )
            moved += 1
    return moved


def _system_reassign_record_full(
    case: Case, step: CaseStep, target: User, reason: str
) -> None:
    before = step.assignee_id
    step.assignee = target
    step.save(update_fields=["assignee"])
    case.current_assignee = target
    _system_reassign_record(case, step, before, target, reason)
