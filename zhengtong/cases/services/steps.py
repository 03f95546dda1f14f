"""Steps (承办 → 审核 → 批准): start, complete, return, reassign, AB岗."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from zhengtong.accounts.constants import ROLE_GROUP_NAMES, STAFF_ROLES, Role
from zhengtong.accounts.models import User
from zhengtong.accounts.services import (
    staff_effective_assignee,
)
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import clock
from ..constants import (
    Action,
    ErrorCode,
    Lamp,
    StepStatus,
)
from ..models import (
    Case,
    CaseStep,
    StepTemplate,
)
from ..rules import case_rules
from ..workflow import case_transition, step_holds_role, transition_check
from ._base import DEFAULT_STEPS, _lock, _now, _require

STAFF_ROLE_VALUES = frozenset(str(r) for r in STAFF_ROLES)

# -- steps (承办 → 审核 → 批准) -------------------------------------------------


def _templates_for(case: Case) -> list[tuple[str, str, int | None, Any, bool]]:
    """
    Return the steps of ``case``: (name, role, limit, department, decides).

    Exactly one step decides (批准): the one the template marks, else the
    last (the default steps mark 批准).
    """
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
        steps = [
            (r.name, r.role, r.limit_days, r.department_id, r.decides) for r in rows
        ]
    else:
        steps = [
            (name, role, limit, None, decides)
            for name, role, limit, decides in DEFAULT_STEPS
        ]
    deciding = next((i for i, s in enumerate(steps) if s[4]), len(steps) - 1)
    return [(*s[:4], i == deciding) for i, s in enumerate(steps)]


def _pick_assignee(
    department_id: int, role: str, exclude: set[int], forbidden: int | None = None
) -> User | None:
    """
    Return who takes a step: the least loaded holder of ``role`` there, not
    one of ``exclude`` when someone else can, never ``forbidden`` (the 承办人
    of a case whose deciding step this is, where duties are separated).
    """
    base = User.objects.filter(
        is_active=True,
        department_id=department_id,
        groups__name=ROLE_GROUP_NAMES[Role(role)],
    )
    if forbidden is not None:
        base = base.exclude(pk=forbidden)
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
    effective = staff_effective_assignee(candidate)
    if effective is not None and forbidden is not None and effective.pk == forbidden:
        return candidate if candidate is not None and not candidate.is_absent else None
    return effective


def _forbidden_for(case: Case, step: CaseStep) -> int | None:
    """Return the 承办人 who may not hold ``step`` (separation of duties)."""
    if not step.decides or not case_rules(case).separation_of_duties:
        return None
    first = CaseStep.objects.filter(case=case).order_by("order", "id").first()
    if first is None or first.pk == step.pk or first.status != StepStatus.DONE:
        return None
    return first.completed_by_id


def _step_start(
    case: Case, step: CaseStep, today: date, now: datetime, assignee: User | None = None
) -> None:
    done_by = set(
        CaseStep.objects.filter(case=case, status=StepStatus.DONE)
        .exclude(assignee__isnull=True)
        .values_list("assignee_id", flat=True)
    )
    forbidden = _forbidden_for(case, step)
    if assignee is None or assignee.pk == forbidden:
        assignee = _pick_assignee(step.department_id, step.role, done_by, forbidden)
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
            decides=decides,
        )
        for i, (name, role, limit, dept_id, decides) in enumerate(
            _templates_for(case), start=1
        )
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

    Only the step's assignee, holding the step's role, may do this. The
    deciding step (批准) is not completed but decided (case_decide; 409
    ``step_is_deciding``).

    中文：环节办理完成
    """
    now, today = _now(now)
    case = _lock(case)
    current = _active_step(case, step)
    transition_check(case=case, action=Action.STEP_COMPLETE, user=actor, now=now)
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
    if not step_holds_role(current, assignee):
        raise ApplicationError(
            ErrorCode.NOT_ENTITLED,
            f"“{current.name}”环节须由{Role(current.role).label}办理，所选人员不具备该角色。",
        )
    if _forbidden_for(case, current) == assignee.pk:
        raise ApplicationError(
            ErrorCode.SEPARATION_OF_DUTIES,
            "所选人员是该办件的承办人，依本地区规定承办人不得批准同一办件。",
            status=409,
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


ABSENT_REASON = "承办人不在岗，自动转B岗办理。"


def absent_backup(user: User) -> User | None:
    """
    The B岗 who takes over the steps of ``user`` now marked absent, or None
    (present again, no backup, or the backup is ``user``): the one rule for
    the single line and the 联办 branches' own steps.

    中文：缺岗接替人
    """
    user.refresh_from_db(fields=["is_absent", "backup"])
    if not user.is_absent:
        return None
    target = staff_effective_assignee(user)
    if target is None or target.pk == user.pk:
        return None
    return target


def case_step_reassign_for_absent(*, user: User, actor: User | None = None) -> int:
    """
    Move every active step of an absent member of staff to their B岗.

    Called when a member of staff is marked absent. Return the number of
    steps moved.

    中文：缺岗转B岗
    """
    target = absent_backup(user)
    if target is None:
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
            _system_reassign_record_full(case, step, target, ABSENT_REASON)
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


# -- step templates (the item's data: which steps, which one decides) --------

StepSpec = tuple[str, str, int | None, bool]  # name, role, limit, decides


@transaction.atomic
def step_templates_set(
    *, item: Any, steps: Sequence[StepSpec], actor: User | None = None
) -> list[StepTemplate]:
    """
    Replace the item-level steps of ``item`` (承办 → 审核 → 批准).

    Exactly one step decides (批准), also when there is only one step: the
    item says in its data who takes the decision. Cases already accepted
    keep their steps.

    中文：设置办理环节
    """
    steps = list(steps)
    if not steps:
        raise ApplicationError("invalid_steps", "办理环节不能为空。")
    if sum(1 for s in steps if s[3]) != 1:
        raise ApplicationError(
            "invalid_steps", "须且只能有一个决定环节（批准），单环节事项也须标明。"
        )
    for name, role, limit, _decides in steps:
        if role not in STAFF_ROLE_VALUES or not (name or "").strip():
            raise ApplicationError("invalid_steps", "每个环节须有名称和工作人员角色。")
        if limit is not None and limit < 1:
            raise ApplicationError(ErrorCode.INVALID_DAYS, "环节时限须为正整数。")
    StepTemplate.objects.filter(item=item, item_version__isnull=True).delete()
    rows = StepTemplate.objects.bulk_create(
        StepTemplate(
            item=item,
            order=order,
            name=name.strip(),
            role=role,
            limit_days=limit,
            decides=decides,
        )
        for order, (name, role, limit, decides) in enumerate(steps, start=1)
    )
    audit_record(
        action="step_templates_set",
        obj=item,
        actor=actor if actor is not None else "系统",
        details={"steps": [list(s) for s in steps]},
    )
    return rows
