"""
Cards and accountability (效能告诫 / 责任追究): the register of failures of duty.

Rules (docs/supervision.md "效能告诫与责任追究"):

- A breach is proposed by a supervisor (anyone), a department head (own
  staff only) or a rule (``rule_code``, no actor); it names its evidence.
- A person holding ``supervision.decide_breach`` decides it (measure and
  reason) or dismisses it; never a record of their own.
- The person named may file a statement (申辩) at any time before a
  dismissal.  After a decision the decision stands; the statement is
  recorded (appended, dated) and the decider is alerted to review it.
- Rule ``late_concluded``: a case concluded after its promised date
  proposes the policy's ``late_breach_kind`` for whoever held a step past
  the step's due date, when late by at least ``late_breach_min_days``
  working days; once per step and person (a unique constraint).
- Decided cards count in the month of their decision
  (``breaches_for_month``) with their measure's assessment points.

中文：效能告诫与责任追究
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from zhengtong.cases.constants import Status
from zhengtong.cases.models import CaseStep
from zhengtong.cases.numbering import sequence_next
from zhengtong.catalog.models import Counter, Department
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import permissions
from ..constants import AlertLevel, BreachState, ErrorCode
from ..models import Breach, BreachKind, MeasureKind
from .alerts import alerts_send
from .order_rules import policy_for

User = get_user_model()

EVIDENCE_KINDS = {
    "case": "办件",
    "step": "审批环节",
    "order": "督办单",
    "ticket": "取号记录",
    "complaint": "投诉",
    "rating": "评价",
    "first_question": "首问登记",
    "anomaly": "异常监察记录",
}
RULE_LATE = "late_concluded"
LATE_LOOKBACK_DAYS = 62  # the rule looks at cases concluded in the last two months


def _invalid(message: str) -> ApplicationError:
    return ApplicationError(ErrorCode.INVALID_INPUT, message, status=400)


def _state_error(breach: Breach, what: str) -> ApplicationError:
    return ApplicationError(
        ErrorCode.INVALID_STATE,
        f"记录{breach.number}当前为“{breach.get_state_display()}”，不能{what}。",
        status=409,
    )


def _text(value: str | None, label: str, *, limit: int = 4000) -> str:
    value = (value or "").strip()
    if not value:
        raise _invalid(f"请填写{label}。")
    if len(value) > limit:
        raise _invalid(f"{label}不能超过{limit}字。")
    return value


def breach_number(year: int) -> str:
    """Return the next record number: 效〔2026〕0001号."""
    return f"效〔{year}〕{sequence_next(scope='supervision_breach', year=year):04d}号"


def _counter_of(person: Any) -> Counter | None:
    if person is None:
        return None
    return person.counters.order_by("id").first()


@transaction.atomic
def breach_propose(
    *,
    actor: Any,
    kind: BreachKind,
    evidence_kind: str,
    evidence_text: str,
    person: Any = None,
    department: Department | None = None,
    counter: Counter | None = None,
    evidence_id: int | None = None,
    case_id: int | None = None,
    measure: MeasureKind | None = None,
    rule_code: str = "",
    now: datetime | None = None,
) -> Breach:
    """
    Put a failure of duty on record (待认定), tied to its evidence.

    ``actor`` None means a rule proposes it (``rule_code`` required).  The
    proposed measure defaults to the kind's.  The person is alerted so they
    may file a statement.

    中文：提出效能告诫／责任追究
    """
    now = now or timezone.now()
    if person is not None and department is None:
        department = person.department
    if department is None:
        raise _invalid("请指定责任人所在部门。")
    if actor is None:
        if not rule_code:
            raise _invalid("系统拟定须注明规则代码。")
    elif not permissions.can_propose_breach(actor, department.pk):
        if permissions.is_department_head(actor):
            raise ApplicationError(
                ErrorCode.NOT_PERMITTED, "部门负责人只能对本部门人员提出。", status=403
            )
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有监察人员、中心管理员或部门负责人可以提出效能告诫。",
            status=403,
        )
    if actor is not None and person is not None and person.pk == actor.pk:
        raise _invalid("不能对本人提出效能告诫。")
    if evidence_kind not in EVIDENCE_KINDS:
        raise _invalid("证据类型不正确。")
    if not kind.active:
        raise _invalid(f"失职情形“{kind.name}”已停用。")
    evidence_text = _text(evidence_text, "事实与证据")
    breach = Breach.objects.create(
        number=breach_number(timezone.localdate(now).year),
        kind=kind,
        person=person,
        counter=counter if counter is not None else _counter_of(person),
        department=department,
        evidence_kind=evidence_kind,
        evidence_id=evidence_id,
        case_id=case_id,
        evidence_text=evidence_text,
        rule_code=rule_code,
        proposed_measure=measure or kind.default_measure,
        proposed_by=actor,
    )
    audit_record(
        action="breach_propose",
        obj=breach,
        actor=actor or "系统",
        to_state=breach.state,
        reason=evidence_text[:500],
        details={
            "kind": kind.code,
            "person": getattr(person, "pk", None),
            "evidence": [evidence_kind, evidence_id],
            "case": case_id,
            "rule": rule_code,
            "measure": getattr(breach.proposed_measure, "code", None),
        },
        new_stream=True,
    )
    if person is not None:
        alerts_send(
            recipients=[person.pk],
            level=AlertLevel.CARD,
            text=f"您有一条待认定的效能告诫记录{breach.number}（{kind.name}），可提交申辩。",
            day=timezone.localdate(now),
        )
    return breach


def _measure(measure: MeasureKind | str | None) -> MeasureKind:
    if isinstance(measure, MeasureKind):
        return measure
    found = MeasureKind.objects.filter(code=measure or "").first()
    if found is None:
        raise _invalid("请选择认定的措施。")
    return found


@transaction.atomic
def breach_decide(
    *,
    breach: Breach,
    actor: Any,
    measure: MeasureKind | str,
    reason: str,
    now: datetime | None = None,
) -> Breach:
    """
    Decide a proposed breach: the measure and the reason (认定).

    中文：认定效能告诫／责任追究
    """
    permissions.check_decide_breach(actor, breach)
    now = now or timezone.now()
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.state != BreachState.PROPOSED:
        raise _state_error(breach, "认定")
    chosen = _measure(measure)
    reason = _text(reason, "认定理由")
    breach.state = BreachState.DECIDED
    breach.measure = chosen
    breach.decision_reason = reason
    breach.decided_by = actor
    breach.decided_at = now
    breach.save(
        update_fields=[
            "state",
            "measure",
            "decision_reason",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    audit_record(
        action="breach_decide",
        obj=breach,
        actor=actor,
        from_state=BreachState.PROPOSED,
        to_state=breach.state,
        reason=reason,
        details={"measure": chosen.code, "points": chosen.assessment_points},
    )
    alerts_send(
        recipients=[breach.person_id],
        level=AlertLevel.CARD,
        text=f"效能告诫记录{breach.number}已认定：{chosen.name}。如有异议可提交申辩。",
        day=timezone.localdate(now),
    )
    return breach


@transaction.atomic
def breach_dismiss(
    *, breach: Breach, actor: Any, reason: str, now: datetime | None = None
) -> Breach:
    """
    Decide not to hold the person to account (不予认定), with a reason.

    中文：不予认定
    """
    permissions.check_decide_breach(actor, breach)
    now = now or timezone.now()
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.state != BreachState.PROPOSED:
        raise _state_error(breach, "不予认定")
    reason = _text(reason, "不予认定的理由")
    breach.state = BreachState.DISMISSED
    breach.decision_reason = reason
    breach.decided_by = actor
    breach.decided_at = now
    breach.save(
        update_fields=[
            "state",
            "decision_reason",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    audit_record(
        action="breach_dismiss",
        obj=breach,
        actor=actor,
        from_state=BreachState.PROPOSED,
        to_state=breach.state,
        reason=reason,
    )
    alerts_send(
        recipients=[breach.person_id],
        level=AlertLevel.CARD,
        text=f"效能告诫记录{breach.number}不予认定。",
        day=timezone.localdate(now),
    )
    return breach


@transaction.atomic
def breach_state(
    *, breach: Breach, actor: Any, text: str, now: datetime | None = None
) -> Breach:
    """
    File the person's statement (申辩), before or after the decision.

    Statements are appended, each dated.  After a decision the decision
    stands and the decider is alerted to review the statement (a changed
    view is a new record or a dismissal of a proposed one, never an edit).

    中文：本人申辩
    """
    permissions.check_state_breach(actor, breach)
    now = now or timezone.now()
    breach = Breach.objects.select_for_update().get(pk=breach.pk)
    if breach.state == BreachState.DISMISSED:
        raise _state_error(breach, "申辩")
    text = _text(text, "申辩内容", limit=3000)
    stamp = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
    when = "认定后" if breach.state == BreachState.DECIDED else "认定前"
    entry = f"［{stamp} {when}申辩］{text}"
    breach.statement = f"{breach.statement}\n\n{entry}" if breach.statement else entry
    breach.statement_at = now
    breach.save(update_fields=["statement", "statement_at", "updated_at"])
    audit_record(
        action="breach_statement",
        obj=breach,
        actor=actor,
        from_state=breach.state,
        to_state=breach.state,
        reason=text[:500],
        details={"after_decision": breach.state == BreachState.DECIDED},
    )
    reader = (
        breach.decided_by_id
        if breach.state == BreachState.DECIDED
        else breach.proposed_by_id
    )
    alerts_send(
        recipients=[reader],
        level=AlertLevel.CARD,
        text=f"效能告诫记录{breach.number}的当事人提交了{when}申辩，请查阅。",
        day=timezone.localdate(now),
    )
    return breach


def _local_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def breaches_propose_late(*, today: date | None = None) -> int:
    """
    Rule ``late_concluded``: propose the policy's kind for steps held past due.

    One query finds the steps of cases concluded late (after the promised
    date, concluded in the last ``LATE_LOOKBACK_DAYS`` days) that were
    completed after their own due date and are not on record yet for this
    rule; the working days late are counted for those few candidates only.
    Idempotent: a second run proposes nothing (the exclusion and the unique
    constraint on rule, evidence and person).  Returns the number proposed.

    中文：超期办结拟效能告诫
    """
    today = today or timezone.localdate()
    on_record = Breach.objects.filter(
        rule_code=RULE_LATE, evidence_kind="step", evidence_id__isnull=False
    ).values("evidence_id")
    rows = list(
        CaseStep.objects.filter(
            case__status=Status.CONCLUDED,
            case__due_date__isnull=False,
            case__concluded_at__gte=_local_start(today - timedelta(LATE_LOOKBACK_DAYS)),
            case__concluded_at__date__gt=F("case__due_date"),
            due_date__isnull=False,
            completed_at__isnull=False,
            completed_at__date__gt=F("due_date"),
        )
        .filter(Q(completed_by__isnull=False) | Q(assignee__isnull=False))
        .exclude(pk__in=on_record)
        .values(
            "pk",
            "case_id",
            "name",
            "due_date",
            "completed_at",
            "completed_by_id",
            "assignee_id",
            "department_id",
            "case__number",
            "case__region_code",
            "case__due_date",
        )
    )
    if not rows:
        return 0
    from zhengtong.workdays.services import calendar_get

    cal = calendar_get()
    policies: dict[str, Any] = {}
    people = {
        u.pk: u
        for u in User.objects.filter(
            pk__in={r["completed_by_id"] or r["assignee_id"] for r in rows}
        )
    }
    proposed = 0
    for row in rows:
        region = row["case__region_code"] or ""
        policy = policies.get(region) or policies.setdefault(region, policy_for(region))
        kind = policy.late_breach_kind
        if kind is None or not kind.active:
            continue
        done_on = timezone.localdate(row["completed_at"])
        due = row["due_date"]
        if due is None:  # pragma: no cover - filtered by the query
            continue
        late = cal.working_days_between(due, done_on)
        if late < max(1, policy.late_breach_min_days):
            continue
        person = people[row["completed_by_id"] or row["assignee_id"]]
        try:
            with transaction.atomic():
                breach_propose(
                    actor=None,
                    kind=kind,
                    person=person,
                    department=person.department or Department(pk=row["department_id"]),
                    evidence_kind="step",
                    evidence_id=row["pk"],
                    case_id=row["case_id"],
                    evidence_text=(
                        f"办件{row['case__number']}超过承诺时限"
                        f"（{row['case__due_date']:%Y-%m-%d}）办结；"
                        f"“{row['name']}”环节截止{row['due_date']:%Y-%m-%d}，"
                        f"{done_on:%Y-%m-%d}完成，超期{late}个工作日。"
                    ),
                    rule_code=RULE_LATE,
                )
        except IntegrityError:
            continue  # proposed meanwhile by another run (the unique constraint)
        proposed += 1
    return proposed


def breaches_for_month(month_start: date) -> list[dict[str, Any]]:
    """
    Return the month's decided cards per person, counter and department.

    One row per (person, counter, department) with ``count``, ``points``
    (the measures' assessment points, summed) and ``measures`` (code →
    count); cards count in the month (Asia/Shanghai) they were decided in.
    Used by the monthly assessment and the bulletin.

    中文：月度效能告诫统计
    """
    first = month_start.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    rows = Breach.objects.filter(
        state=BreachState.DECIDED,
        decided_at__gte=_local_start(first),
        decided_at__lt=_local_start(after),
    ).values(
        "person_id",
        "person__display_name",
        "person__username",
        "counter_id",
        "counter__number",
        "counter__name",
        "department_id",
        "department__name",
        "measure__code",
        "measure__name",
        "measure__assessment_points",
    )
    groups: dict[tuple, dict[str, Any]] = {}
    measures: dict[tuple, dict[str, int]] = defaultdict(dict)
    for row in rows:
        key = (row["person_id"], row["counter_id"], row["department_id"])
        group = groups.get(key)
        if group is None:
            counter = " ".join(
                p for p in (row["counter__number"], row["counter__name"]) if p
            )
            group = groups[key] = {
                "person_id": row["person_id"],
                "person_name": row["person__display_name"]
                or row["person__username"]
                or "",
                "counter_id": row["counter_id"],
                "counter_name": counter,
                "department_id": row["department_id"],
                "department_name": row["department__name"],
                "count": 0,
                "points": Decimal("0"),
            }
        group["count"] += 1
        group["points"] += row["measure__assessment_points"] or Decimal("0")
        code = row["measure__code"] or ""
        measures[key][code] = measures[key].get(code, 0) + 1
    result = []
    for key, group in groups.items():
        group["measures"] = measures[key]
        result.append(group)
    result.sort(key=lambda g: (-g["points"], g["department_name"], g["person_name"]))
    return result
