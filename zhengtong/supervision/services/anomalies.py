"""
Anomaly rules (电子监察规则): each a small set-based query with a stable code.

A rule returns the hits of a window of recent days; ``anomalies_detect``
writes the new ones (one per rule and object: a unique constraint, so a
second run adds nothing).  Each hit is an item on the supervision desk;
what is a failure of duty is for a person to decide (``breaches``).

Rules (thresholds in the region's ``SupervisionPolicy``):

- ``offbook`` 体外循环: a case registered more than ``offbook_minutes``
  after the ticket that brought the applicant was served.
- ``instant_as_promised`` 即办件按承诺件办理: the item version is 即办件 and the
  case runs as 承诺件.
- ``repeated_refusal`` 随意退件: the same applicant refused (不予受理) for the same
  item more than ``refusal_limit`` times within 30 days.
- ``suspension_no_notice`` 暂停未告知: an Art. 45 procedure with no 特别程序告知书.
- ``extension_beyond_limit`` 超限延期: more than 10 working days of extension
  (Art. 42), or an extension approved after the statutory due date.
- ``step_reassigned`` 频繁改派: a case whose steps were reassigned more than
  ``reassign_limit`` times.

中文：异常监察规则
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from zhengtong.cases.clock import EXTENSION_MAX_DAYS, JOINT_EXTENSION_MAX_DAYS
from zhengtong.cases.constants import Action, DocumentKind, ExtensionStatus, Status
from zhengtong.cases.models import Case, CaseDocument, CaseExtension, CaseSuspension
from zhengtong.catalog.constants import HandlingMode
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.queueing.models import Ticket

from .. import permissions
from ..constants import ErrorCode
from ..models import AnomalyHit, SupervisionPolicy

WINDOW_DAYS = 40


@dataclass(frozen=True)
class Hit:
    rule: str
    object_kind: str
    object_id: int
    case_id: int | None
    department_id: int | None
    person_id: int | None
    detail: str


RULES: dict[str, tuple[str, Callable[..., Iterator["Hit"]]]] = {}


RuleFn = Callable[..., Iterator[Hit]]


def rule(code: str, label: str) -> Callable[[RuleFn], RuleFn]:
    """Register a rule under its stable code."""

    def register(fn: RuleFn) -> RuleFn:
        RULES[code] = (label, fn)
        return fn

    return register


def _policy() -> SupervisionPolicy:
    return SupervisionPolicy.objects.filter(region_code="").first() or (
        SupervisionPolicy()
    )


@rule("offbook", "体外循环（办理后补登记）")
def offbook(*, since: date, policy: SupervisionPolicy) -> Iterator[Hit]:
    created = Case.objects.filter(pk=OuterRef("case_id"))
    tickets = (
        Ticket.objects.filter(
            case_id__isnull=False, served_at__isnull=False, arrival_at__date__gte=since
        )
        .annotate(
            case_created=Subquery(created.values("created_at")[:1]),
            case_department=Subquery(created.values("department_id")[:1]),
            case_number=Subquery(created.values("number")[:1]),
        )
        .filter(
            case_created__gt=F("served_at") + timedelta(minutes=policy.offbook_minutes)
        )
    )
    for t in tickets.values(
        "id",
        "case_id",
        "case_department",
        "staff_id",
        "served_at",
        "case_created",
        "case_number",
    ):
        minutes = int((t["case_created"] - t["served_at"]).total_seconds() // 60)
        yield Hit(
            "offbook",
            "ticket",
            t["id"],
            t["case_id"],
            t["case_department"],
            t["staff_id"],
            f"叫号办理后 {minutes} 分钟才登记办件 {t['case_number']}。",
        )


@rule("instant_as_promised", "即办件按承诺件办理")
def instant_as_promised(*, since: date, policy: SupervisionPolicy) -> Iterator[Hit]:
    cases = Case.objects.filter(
        accepted_date__gte=since,
        item_version__handling_mode=HandlingMode.IMMEDIATE,
        handling_mode=HandlingMode.COMMITTED,
    )
    for c in cases.values("id", "number", "department_id", "current_assignee_id"):
        yield Hit(
            "instant_as_promised",
            "case",
            c["id"],
            c["id"],
            c["department_id"],
            c["current_assignee_id"],
            f"办件 {c['number']} 的事项为即办件，却按承诺件办理。",
        )


@rule("repeated_refusal", "同一申请人同一事项多次不予受理")
def repeated_refusal(*, since: date, policy: SupervisionPolicy) -> Iterator[Hit]:
    window = timezone.localdate() - timedelta(days=30)
    groups = (
        Case.objects.filter(
            status=Status.REJECTED_AT_INTAKE, received_date__gte=max(window, since)
        )
        .values("applicant_id", "item_id", "department_id")
        .annotate(n=Count("id"))
        .filter(n__gt=policy.refusal_limit)
    )
    for g in groups.values("applicant_id", "item_id", "department_id", "n"):
        latest = (
            Case.objects.filter(
                status=Status.REJECTED_AT_INTAKE,
                applicant_id=g["applicant_id"],
                item_id=g["item_id"],
            )
            .order_by("-id")
            .values("id", "number")
            .first()
        )
        if latest is None:
            continue
        yield Hit(
            "repeated_refusal",
            "case",
            latest["id"],
            latest["id"],
            g["department_id"],
            None,
            f"同一申请人同一事项 30 日内被不予受理 {g['n']} 次（最近：{latest['number']}）。",
        )


@rule("suspension_no_notice", "暂停计时未书面告知")
def suspension_no_notice(*, since: date, policy: SupervisionPolicy) -> Iterator[Hit]:
    notice = CaseDocument.objects.filter(
        case_id=OuterRef("case_id"), kind=DocumentKind.SPECIAL_PROCEDURE
    )
    rows = CaseSuspension.objects.filter(started_on__gte=since).exclude(Exists(notice))
    for s in rows.values(
        "id",
        "case_id",
        "case__number",
        "case__department_id",
        "started_by_id",
        "started_on",
    ):
        yield Hit(
            "suspension_no_notice",
            "suspension",
            s["id"],
            s["case_id"],
            s["case__department_id"],
            s["started_by_id"],
            f"办件 {s['case__number']} 自 {s['started_on']:%Y-%m-%d} 暂停计时，未出具特别程序告知书。",
        )


@rule("extension_beyond_limit", "延期超过法定限度或逾期延期")
def extension_beyond_limit(*, since: date, policy: SupervisionPolicy) -> Iterator[Hit]:
    # 联办件: 15 days (Art. 42 para. 2), clock.extension_max_days
    too_long = Q(extension_days__gt=EXTENSION_MAX_DAYS, is_joint=False) | Q(
        extension_days__gt=JOINT_EXTENSION_MAX_DAYS
    )
    late = Exists(
        CaseExtension.objects.filter(
            case_id=OuterRef("pk"),
            status=ExtensionStatus.APPROVED,
            approved_at__date__gt=OuterRef("statutory_due_date"),
        )
    )
    cases = (
        Case.objects.filter(accepted_date__gte=since - timedelta(days=180))
        .annotate(late_ext=late)
        .filter(too_long | Q(late_ext=True))
    )
    for c in cases.values(
        "id", "number", "department_id", "current_assignee_id", "extension_days"
    ):
        yield Hit(
            "extension_beyond_limit",
            "case",
            c["id"],
            c["id"],
            c["department_id"],
            c["current_assignee_id"],
            f"办件 {c['number']} 延期 {c['extension_days']} 个工作日，超过第四十二条的限度或在法定期限届满后延期。",
        )


@rule("step_reassigned", "审批环节频繁改派")
def step_reassigned(*, since: date, policy: SupervisionPolicy) -> Iterator[Hit]:
    groups = (
        AuditEvent.objects.filter(
            action=Action.STEP_REASSIGN,
            object_type="cases.case",
            created_at__date__gte=since,
        )
        .values("object_id")
        .annotate(n=Count("id"))
        .filter(n__gt=policy.reassign_limit)
    )
    counts = {int(g["object_id"]): g["n"] for g in groups if g["object_id"].isdigit()}
    for c in Case.objects.filter(pk__in=counts).values(
        "id", "number", "department_id", "current_assignee_id"
    ):
        yield Hit(
            "step_reassigned",
            "case",
            c["id"],
            c["id"],
            c["department_id"],
            c["current_assignee_id"],
            f"办件 {c['number']} 的审批环节被改派 {counts[c['id']]} 次。",
        )


def anomalies_detect(
    *, today: date | None = None, rules: list[str] | None = None
) -> dict[str, int]:
    """
    Run the anomaly rules over the recent window; write the new hits.

    Returns the number of new hits per rule code.

    中文：异常监察
    """
    today = today or timezone.localdate()
    since = today - timedelta(days=WINDOW_DAYS)
    policy = _policy()
    found: dict[str, int] = {}
    for code, (_label, fn) in RULES.items():
        if rules is not None and code not in rules:
            continue
        hits = list(fn(since=since, policy=policy))
        rows = [
            AnomalyHit(
                rule=h.rule,
                object_kind=h.object_kind,
                object_id=h.object_id,
                case_id=h.case_id,
                department_id=h.department_id,
                person_id=h.person_id,
                detail=h.detail[:300],
                found_on=today,
            )
            for h in hits
        ]
        before = AnomalyHit.objects.filter(rule=code).count()
        AnomalyHit.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        found[code] = AnomalyHit.objects.filter(rule=code).count() - before
    return found


def rule_label(code: str) -> str:
    """Return the Chinese name of a rule code."""
    return RULES[code][0] if code in RULES else code


@transaction.atomic
def anomaly_resolve(
    *, hit: AnomalyHit, actor: Any, note: str, now: datetime | None = None
) -> AnomalyHit:
    """
    Close an anomaly hit with what was found and done (监察人员 only).

    The hit stays on record (the bulletin counts it); a failure of duty it
    reveals is put on record as a breach (``breaches.breach_propose`` with
    ``evidence_kind="anomaly"``).

    中文：处理异常监察记录
    """
    permissions.check_in_scope(actor, hit.department_id)
    if not permissions.is_supervisor(actor):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "异常由监察人员或中心管理员核实处理。", status=403
        )
    note = (note or "").strip()
    if not note:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "请填写核实处理情况。")
    if len(note) > 2000:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "处理说明不能超过 2000 字。")
    hit = AnomalyHit.objects.select_for_update().get(pk=hit.pk)
    if hit.resolved:
        raise ApplicationError(ErrorCode.INVALID_STATE, "该异常已处理。", status=409)
    hit.resolved = True
    hit.resolved_note = note
    hit.resolved_by = actor
    hit.resolved_at = now or timezone.now()
    hit.save(update_fields=["resolved", "resolved_note", "resolved_by", "resolved_at"])
    audit_record(
        action="anomaly_resolved",
        obj=hit,
        actor=actor,
        from_state="open",
        to_state="resolved",
        reason=note,
        details={"rule": hit.rule, "object": f"{hit.object_kind}:{hit.object_id}"},
    )
    return hit
