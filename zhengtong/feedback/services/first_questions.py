"""
The first-question register (首问登记): register, hand over, confirm.

Rules (docs/feedback.md "首问登记"; seed-rules.md A, 首问负责制):

- Every member of staff is the first-responsible person (首问责任人) of the
  question put to them first: at the counter (with the ticket being
  served), on the phone, or online.  The entry records who asked (stored in
  full, shown masked), the channel, the question, the item if any and the
  outcome: answered, handled, handed over, referred outside, or turned into
  a complaint.
- A handover names the receiving person (承接人), who must confirm it within
  ``FEEDBACK_HANDOVER_CONFIRM_DAYS`` working days (default 1) of the
  handover; an unconfirmed handover is a clock of supervision's registry
  (red when late) and, once late, a breach candidate
  (``first_question_dropped``, proposed once by the daily job).

中文：首问登记
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from zhengtong.cases.clock import add_days, calendar
from zhengtong.cases.models import Case
from zhengtong.cases.numbering import sequence_next
from zhengtong.cases.permissions import is_staff_member
from zhengtong.catalog.models import Counter, ServiceItem
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.queueing.models import Ticket

from .. import permissions_complaints as perms
from ..models_complaints import (
    FirstQuestion,
    FirstQuestionChannel,
    FirstQuestionOutcome,
)
from .complaints import check_clean_text

RULE_DROPPED = "first_question_dropped"


def _invalid(code: str, message: str) -> ApplicationError:
    return ApplicationError(code, message, status=400)


def confirm_days() -> int:
    """Working days a receiver has to confirm a handover (configurable)."""
    return int(getattr(settings, "FEEDBACK_HANDOVER_CONFIRM_DAYS", 1))


def first_question_number(year: int) -> str:
    """Return the next register number: 首〔2026〕00001号."""
    return (
        f"首〔{year}〕{sequence_next(scope='feedback_first_question', year=year):05d}号"
    )


def _receiver(user_id: int | None, actor: Any) -> Any:
    receiver = (
        get_user_model().objects.filter(pk=user_id, is_active=True).first()
        if user_id is not None
        else None
    )
    if receiver is None or not is_staff_member(receiver):
        raise _invalid("unknown_receiver", "请选择承接的工作人员。")
    if receiver.pk == actor.pk:
        raise _invalid("invalid_receiver", "不能转交给本人。")
    return receiver


def _counter(counter_id: int | None, label: str) -> Counter | None:
    if counter_id is None:
        return None
    counter = Counter.objects.filter(pk=counter_id).first()
    if counter is None:
        raise _invalid("unknown_counter", f"{label}不存在。")
    return counter


def _set_handover(
    entry: FirstQuestion, *, receiver: Any, counter: Counter | None, today: date
) -> None:
    entry.outcome = FirstQuestionOutcome.HANDOVER
    entry.handover_to = receiver
    entry.handover_counter = counter or receiver.counters.order_by("id").first()
    entry.handover_department_id = receiver.department_id
    entry.handover_on = today
    entry.handover_due = add_days(calendar(), today, confirm_days())
    entry.confirmed_at = None


@transaction.atomic
def first_question_create(
    *,
    actor: Any,
    channel: str | None,
    question: str | None,
    outcome: str | None,
    asker_name: str = "",
    asker_phone: str = "",
    asker_unit: str = "",
    result: str = "",
    item_id: int | None = None,
    ticket_id: int | None = None,
    case_id: int | None = None,
    counter_id: int | None = None,
    handover_to_id: int | None = None,
    handover_counter_id: int | None = None,
    now: datetime | None = None,
) -> FirstQuestion:
    """
    Register a first question (首问登记), with its handover if it is one.

    中文：首问登记
    """
    perms.check_register_first_question(actor)
    check_clean_text(
        channel, question, outcome, asker_name, asker_phone, asker_unit, result
    )
    if channel not in FirstQuestionChannel.values:
        raise _invalid("invalid_channel", "首问渠道不正确（现场、电话或网络）。")
    if outcome not in FirstQuestionOutcome.values:
        raise _invalid("invalid_outcome", "请选择办理结果。")
    question = (question or "").strip()
    if not question:
        raise _invalid("invalid_input", "请填写咨询或办理的事项。")
    if len(question) > 2000:
        raise _invalid("invalid_input", "事项不能超过2000字。")
    now = now or timezone.now()
    today = timezone.localdate(now)
    ticket = None
    if ticket_id is not None:
        ticket = Ticket.objects.filter(pk=ticket_id).first()
        if ticket is None:
            raise _invalid("unknown_ticket", "取号记录不存在。")
    case = None
    if case_id is not None:
        case = Case.objects.filter(pk=case_id).first()
        if case is None:
            raise _invalid("unknown_case", "办件不存在。")
    elif ticket is not None and ticket.case_id:
        case = Case.objects.filter(pk=ticket.case_id).first()
    item = None
    if item_id is not None:
        item = ServiceItem.objects.filter(pk=item_id).first()
        if item is None:
            raise _invalid("unknown_item", "事项不存在。")
    counter = _counter(counter_id, "窗口")
    if counter is None and ticket is not None:
        counter = ticket.counter
    if counter is None:
        counter = actor.counters.order_by("id").first()
    entry = FirstQuestion(
        number=first_question_number(today.year),
        channel=channel,
        asker_name=(asker_name or "").strip()[:100],
        asker_phone=(asker_phone or "").strip()[:20],
        asker_unit=(asker_unit or "").strip()[:200],
        question=question,
        item=item,
        outcome=outcome,
        result=(result or "").strip()[:4000],
        responsible=actor,
        counter=counter,
        department_id=actor.department_id,
        ticket=ticket,
        case=case,
        asked_on=today,
    )
    if outcome == FirstQuestionOutcome.HANDOVER:
        _set_handover(
            entry,
            receiver=_receiver(handover_to_id, actor),
            counter=_counter(handover_counter_id, "承接窗口"),
            today=today,
        )
    entry.save()
    audit_record(
        action="first_question_create",
        obj=entry,
        actor=actor,
        to_state=outcome,
        details={
            "channel": channel,
            "ticket": getattr(ticket, "pk", None),
            "case": getattr(case, "pk", None),
            "handover_to": entry.handover_to_id,
            "handover_due": entry.handover_due,
        },
        new_stream=True,
    )
    return entry


@transaction.atomic
def first_question_handover(
    *,
    entry: FirstQuestion,
    actor: Any,
    to_user_id: int | None,
    counter_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> FirstQuestion:
    """
    Hand a registered question over to a receiving person (转交承接).

    中文：首问转交
    """
    entry = FirstQuestion.objects.select_for_update().get(pk=entry.pk)
    perms.check_handover_first_question(actor, entry)
    check_clean_text(note)
    if entry.handover_pending:
        raise ApplicationError(
            "invalid_state", "该登记已转交，正在等待承接人确认。", status=409
        )
    old = entry.outcome
    _set_handover(
        entry,
        receiver=_receiver(to_user_id, actor),
        counter=_counter(counter_id, "承接窗口"),
        today=timezone.localdate(now or timezone.now()),
    )
    if note:
        entry.result = (entry.result + "\n" + note.strip()).strip()[:4000]
    entry.save()
    audit_record(
        action="first_question_handover",
        obj=entry,
        actor=actor,
        from_state=old,
        to_state=entry.outcome,
        details={"handover_to": entry.handover_to_id, "due": entry.handover_due},
    )
    return entry


@transaction.atomic
def first_question_confirm(
    *,
    entry: FirstQuestion,
    actor: Any,
    note: str = "",
    now: datetime | None = None,
) -> FirstQuestion:
    """
    The receiving person confirms the handover (承接确认).

    中文：确认承接
    """
    entry = FirstQuestion.objects.select_for_update().get(pk=entry.pk)
    perms.check_confirm_first_question(actor, entry)
    check_clean_text(note)
    if not entry.handover_pending:
        raise ApplicationError("invalid_state", "该登记没有待确认的转交。", status=409)
    entry.confirmed_at = now or timezone.now()
    entry.confirm_note = (note or "").strip()[:1000]
    entry.save()
    audit_record(
        action="first_question_confirm",
        obj=entry,
        actor=actor,
        from_state="handover_pending",
        to_state="handover_confirmed",
        details={
            "late": bool(
                entry.handover_due
                and timezone.localdate(entry.confirmed_at) > entry.handover_due
            )
        },
    )
    return entry


def first_questions_propose_breaches(*, today: date | None = None) -> int:
    """
    Propose a breach (首问转交未确认) for each handover left unconfirmed past
    its limit, once per entry; return how many were proposed.

    中文：首问转交未确认拟告诫
    """
    from zhengtong.supervision.models import BreachKind
    from zhengtong.supervision.services.breaches import breach_propose

    today = today or timezone.localdate()
    kind = BreachKind.objects.filter(code=RULE_DROPPED, active=True).first()
    if kind is None:
        return 0
    late = FirstQuestion.objects.filter(
        handover_to__isnull=False,
        confirmed_at__isnull=True,
        breach_id__isnull=True,
        handover_due__lt=today,
    ).select_related("handover_to", "handover_to__department")
    proposed = 0
    for entry in late:
        receiver = entry.handover_to
        if receiver is None or receiver.department_id is None:
            continue
        with transaction.atomic():
            breach = breach_propose(
                actor=None,
                kind=kind,
                evidence_kind="first_question",
                evidence_id=entry.pk,
                evidence_text=(
                    f"首问登记{entry.number}于{entry.handover_on:%Y年%m月%d日}转交，"
                    f"承接人未在{entry.handover_due:%Y年%m月%d日}前确认承接。"
                ),
                person=receiver,
                case_id=entry.case_id,
                rule_code=RULE_DROPPED,
            )
            FirstQuestion.objects.filter(pk=entry.pk).update(breach_id=breach.pk)
        proposed += 1
    return proposed
