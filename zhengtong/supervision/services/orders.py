"""
Supervision orders (督办单): open, issue, reply, accept or return, escalate.

Rules (docs/supervision.md "督办单"):

- A supervisor opens an order on a case, a step, a department or a person;
  it is issued at once (待回复).  The escalation rule drafts one (待签发,
  ``auto=True``, no actor) that a supervisor issues, possibly edited.
- The reply deadline is ``reply_days`` working days from the issue date
  (the policy's ``order_reply_days`` by default), counted as every limit is
  (``cases.clock.add_days``: the issue day is not counted).
- The addressee (the department's head, or the person addressed) replies;
  a supervisor accepts (办结) or returns it (退回).  A returned order keeps
  its deadline unless the supervisor gives new ``reply_days`` (counted from
  the day of the return): a reply that is not good enough buys no time.
- While it waits for a reply the order is a clock of the registry (kind
  ``order``, copied by ``sync.py`` from the audit events written here);
  past its deadline it goes up one level per step of the ladder
  (``order_escalate``), each level alerted once.

Every change writes an audit event on the order's stream.

中文：督办单
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from zhengtong.cases.models import Case, CaseStep
from zhengtong.cases.uploads import upload_file_check
from zhengtong.catalog.models import Department
from zhengtong.core.errors import ApplicationError
from zhengtong.core.filenames import upload_name_clean

from .. import permissions
from ..constants import (
    AlertLevel,
    ClockKind,
    OrderState,
    OrderTarget,
)
from ..models import Clock, OrderReply, SupervisionOrder
from .alerts import alerts_send
from .order_escalation import order_escalate, orders_escalate_due
from .order_rules import (
    WAITING,
    addressees,
    days_checked,
    due_from,
    invalid,
    order_audit,
    order_number,
    policy_for,
    row_of,
    state_error,
    text_required,
    today_of,
)

User = get_user_model()

ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_SUFFIXES = (".pdf", ".ofd", ".jpg", ".jpeg", ".png", ".doc", ".docx")
ATTACHMENT_KINDS = frozenset({"pdf", "ofd", "jpg", "png", "doc", "docx"})


# -- services ---------------------------------------------------------------


def _resolve_target(
    target: str,
    *,
    case: Case | None,
    step: CaseStep | None,
    department: Department | None,
    person: Any,
) -> dict[str, Any]:
    """Return case_id, step_id, department, person of the order's target."""
    if target == OrderTarget.STEP:
        if step is None:
            raise invalid("请指定被督办的审批环节。")
        return {
            "case_id": step.case_id,
            "step_id": step.pk,
            "department": step.department,
            "person": person or step.assignee,
        }
    if target == OrderTarget.CASE:
        if case is None:
            raise invalid("请指定被督办的办件。")
        return {
            "case_id": case.pk,
            "step_id": None,
            "department": department or case.department,
            "person": person or case.current_assignee,
        }
    if target == OrderTarget.DEPARTMENT:
        if department is None:
            raise invalid("请指定被督办的部门。")
        return {
            "case_id": getattr(case, "pk", None),
            "step_id": None,
            "department": department,
            "person": None,
        }
    if target == OrderTarget.PERSON:
        if person is None:
            raise invalid("请指定被督办人。")
        dept = department or person.department
        if dept is None:
            raise invalid("被督办人不属于任何部门，请同时指定部门。")
        return {
            "case_id": getattr(case, "pk", None),
            "step_id": None,
            "department": dept,
            "person": person,
        }
    raise invalid("督办对象须为办件、审批环节、部门或个人。")


@transaction.atomic
def order_create(
    *,
    actor: Any,
    target: str,
    case: Case | None = None,
    step: CaseStep | None = None,
    department: Department | None = None,
    person: Any = None,
    reason: str,
    action: str,
    reply_days: int | None = None,
    now: datetime | None = None,
    auto: bool = False,
    clock: Clock | None = None,
) -> SupervisionOrder:
    """
    Open a supervision order (issued at once), or draft one (``auto=True``).

    A draft comes from the escalation rule (no actor) and waits for a
    supervisor to issue it; at most one draft per clock (an existing one is
    returned).  An issued order alerts its addressees.

    中文：督办（立单）
    """
    now, today = today_of(now)
    if auto:
        if clock is not None:
            existing = SupervisionOrder.objects.filter(clock=clock, auto=True).first()
            if existing is not None:
                return existing
    else:
        permissions.check_open_order(actor)
    reason = text_required(reason, "督办事由")
    action = text_required(action, "督办要求")
    case = row_of(Case, case, "办件")
    step = row_of(CaseStep, step, "审批环节")
    department = row_of(Department, department, "部门")
    person = row_of(User, person, "被督办人")
    where = _resolve_target(
        target, case=case, step=step, department=department, person=person
    )
    region = case.region_code if case is not None else ""
    if not region and step is not None:
        region = step.case.region_code
    dept_region = getattr(where["department"].region, "code", "")
    policy = policy_for(region or dept_region)
    days = days_checked(reply_days, policy.order_reply_days)
    if clock is None and where["case_id"]:
        kind, object_id = (
            (ClockKind.STEP, where["step_id"])
            if where["step_id"]
            else (ClockKind.CASE, where["case_id"])
        )
        clock = Clock.objects.filter(kind=kind, object_id=object_id).first()
    order = SupervisionOrder.objects.create(
        number=order_number(year=today.year, draft=auto),
        target=target,
        case_id=where["case_id"],
        step_id=where["step_id"],
        clock=clock,
        department=where["department"],
        person=where["person"],
        reason=reason,
        action=action,
        reply_days=days,
        state=OrderState.DRAFT if auto else OrderState.OPEN,
        auto=auto,
        created_by=None if auto else actor,
    )
    order_audit(
        order,
        "order_draft" if auto else "order_open",
        None if auto else actor,
        to_state=order.state,
        reason=reason,
        details={
            "target": target,
            "case": order.case_id,
            "step": order.step_id,
            "department": order.department_id,
            "person": order.person_id,
            "reply_days": days,
            "clock": getattr(clock, "pk", None),
        },
    )
    if not auto:
        _issue(order, today)
    return order


def _issue(order: SupervisionOrder, today: date) -> None:
    """Date, number and deadline of an issued order; its clock; the addressees alerted."""
    order.issued_on = today
    order.due_date, order.due_date_provisional = due_from(today, order.reply_days)
    order.state = OrderState.OPEN
    order.level = 1
    order.save(
        update_fields=[
            "issued_on",
            "due_date",
            "due_date_provisional",
            "state",
            "level",
            "number",
            "reason",
            "action",
            "reply_days",
            "created_by",
            "updated_at",
        ]
    )
    alerts_send(
        recipients=addressees(order),
        level=AlertLevel.ORDER,
        text=(
            f"督办单{order.number}：{order.reason[:80].rstrip('。')}。"
            f"请于{order.due_date:%Y年%m月%d日}前回复办理情况。"
        ),
        day=today,
        order_id=order.pk,
    )


@transaction.atomic
def order_issue(
    *,
    order: SupervisionOrder,
    actor: Any,
    now: datetime | None = None,
    reason: str | None = None,
    action: str | None = None,
    reply_days: int | None = None,
) -> SupervisionOrder:
    """
    Issue a drafted order (待签发 → 待回复), possibly edited; it gets its number.

    中文：签发督办单
    """
    permissions.check_open_order(actor)
    now, today = today_of(now)
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.DRAFT:
        raise state_error(order, "签发")
    draft_number = order.number
    if reason is not None:
        order.reason = text_required(reason, "督办事由")
    if action is not None:
        order.action = text_required(action, "督办要求")
    if reply_days is not None:
        order.reply_days = days_checked(reply_days, order.reply_days)
    order.number = order_number(year=today.year)
    order.created_by = actor
    _issue(order, today)
    order_audit(
        order,
        "order_issue",
        actor,
        from_state=OrderState.DRAFT,
        to_state=order.state,
        details={
            "draft_number": draft_number,
            "number": order.number,
            "reply_days": order.reply_days,
            "due_date": order.due_date,
        },
    )
    return order


@transaction.atomic
def order_cancel(
    *, order: SupervisionOrder, actor: Any, note: str, now: datetime | None = None
) -> SupervisionOrder:
    """
    Withdraw an order that waits (a draft not worth issuing, or one opened by mistake).

    中文：撤销督办单
    """
    permissions.check_judge_order(actor, order)
    now = now or timezone.now()
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
    if order.state not in (OrderState.DRAFT, *WAITING):
        raise state_error(order, "撤销")
    note = text_required(note, "撤销理由", limit=2000)
    before = order.state
    order.state = OrderState.CANCELLED
    order.closed_at = now
    order.save(update_fields=["state", "closed_at", "updated_at"])
    order_audit(
        order,
        "order_cancel",
        actor,
        from_state=before,
        to_state=order.state,
        reason=note,
    )
    return order


def _attachment_check(attachment: UploadedFile | None) -> None:
    if attachment is None:
        return
    name = (attachment.name or "").lower()
    if not name.endswith(ATTACHMENT_SUFFIXES):
        raise invalid("附件须为 PDF、OFD、图片或 Word 文件。")
    if attachment.size is not None and attachment.size > ATTACHMENT_MAX_BYTES:
        raise invalid("附件不能超过 20 MB。")
    # the one upload check of case materials: type by content, zip bombs,
    # PDF structure and scripts, images decoded (cases/uploads.py)
    try:
        upload_file_check(
            attachment,
            name=attachment.name or "附件",
            kinds=ATTACHMENT_KINDS,
            label="PDF、OFD、图片或 Word",
            max_bytes=ATTACHMENT_MAX_BYTES,
        )
    except ApplicationError as exc:
        raise invalid(exc.message) from exc


@transaction.atomic
def order_reply(
    *,
    order: SupervisionOrder,
    actor: Any,
    text: str,
    attachment: UploadedFile | None = None,
    now: datetime | None = None,
) -> OrderReply:
    """
    Reply to an order (what was done), by its department's head or its person.

    中文：回复督办单
    """
    permissions.check_reply_order(actor, order)
    now, today = today_of(now)
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
    if order.state not in WAITING:
        raise state_error(order, "回复")
    text = text_required(text, "办理情况")
    _attachment_check(attachment)
    reply = OrderReply(order=order, text=text, replied_by=actor)
    if attachment is not None:
        reply.attachment_name = upload_name_clean(
            attachment.name or "", fallback="附件"
        )
        reply.attachment.save(reply.attachment_name, attachment, save=False)
    reply.save()
    before = order.state
    order.state = OrderState.REPLIED
    order.save(update_fields=["state", "updated_at"])
    order_audit(
        order,
        "order_reply",
        actor,
        from_state=before,
        to_state=order.state,
        details={
            "reply": reply.pk,
            "attachment": reply.attachment_name,
            "late": bool(order.due_date and today > order.due_date),
        },
    )
    alerts_send(
        recipients=[order.created_by_id],
        level=AlertLevel.ORDER,
        text=f"督办单{order.number}已回复，请审核。",
        day=today,
        order_id=order.pk,
    )
    return reply


def _verdict(
    order: SupervisionOrder, actor: Any, verdict: str, note: str, now: datetime
) -> OrderReply:
    reply = order.replies.order_by("-id").first()
    if reply is None:  # pragma: no cover - REPLIED always has a reply
        raise state_error(order, "审核")
    reply.verdict = verdict
    reply.verdict_note = note
    reply.verdict_by = actor
    reply.verdict_at = now
    reply.save(update_fields=["verdict", "verdict_note", "verdict_by", "verdict_at"])
    return reply


@transaction.atomic
def order_accept(
    *, order: SupervisionOrder, actor: Any, note: str = "", now: datetime | None = None
) -> SupervisionOrder:
    """
    Accept the reply: the order is closed (已办结).

    中文：督办回复审核通过
    """
    permissions.check_judge_order(actor, order)
    now = now or timezone.now()
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.REPLIED:
        raise state_error(order, "审核通过")
    note = (note or "").strip()[:2000]
    reply = _verdict(order, actor, "accepted", note, now)
    order.state = OrderState.ACCEPTED
    order.closed_at = now
    order.save(update_fields=["state", "closed_at", "updated_at"])
    order_audit(
        order,
        "order_accept",
        actor,
        from_state=OrderState.REPLIED,
        to_state=order.state,
        reason=note,
        details={"reply": reply.pk},
    )
    return order


@transaction.atomic
def order_return(
    *,
    order: SupervisionOrder,
    actor: Any,
    note: str,
    reply_days: int | None = None,
    now: datetime | None = None,
) -> SupervisionOrder:
    """
    Return the reply (退回): the addressee replies again.

    The deadline stays as it was, unless ``reply_days`` is given: then a new
    deadline of that many working days from today.

    中文：督办回复退回
    """
    permissions.check_judge_order(actor, order)
    now, today = today_of(now)
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
    if order.state != OrderState.REPLIED:
        raise state_error(order, "退回")
    note = text_required(note, "退回理由", limit=2000)
    before_due = order.due_date
    if reply_days is not None:
        order.reply_days = days_checked(reply_days, order.reply_days)
        order.due_date, order.due_date_provisional = due_from(today, order.reply_days)
    reply = _verdict(order, actor, "returned", note, now)
    order.state = OrderState.RETURNED
    order.save(
        update_fields=[
            "state",
            "reply_days",
            "due_date",
            "due_date_provisional",
            "updated_at",
        ]
    )
    order_audit(
        order,
        "order_return",
        actor,
        from_state=OrderState.REPLIED,
        to_state=order.state,
        reason=note,
        details={
            "reply": reply.pk,
            "due_before": before_due,
            "due_date": order.due_date,
        },
    )
    alerts_send(
        recipients=addressees(order),
        level=AlertLevel.ORDER,
        text=(
            f"督办单{order.number}的回复被退回：{note[:80].rstrip('。')}。"
            f"请于{order.due_date:%Y年%m月%d日}前重新回复。"
        ),
        day=today,
        order_id=order.pk,
    )
    return order


__all__ = [
    "order_accept",
    "order_cancel",
    "order_create",
    "order_escalate",
    "order_issue",
    "order_reply",
    "order_return",
    "orders_escalate_due",
    "policy_for",
]
