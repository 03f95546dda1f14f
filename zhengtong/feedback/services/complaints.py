"""
Complaints (投诉): registration, proposal, approval, transfer, reply, revisit.

Rules (docs/feedback.md "投诉"; seed-rules.md B, the county rules 第二–六条):

- A complaint is registered with its channel (现场/电话/书面信件/网上/
  12345转办 with the hotline's order number), its category and sub-item,
  what it is about (counter, person, case, ticket) and its content.  The
  counter and ticket must be of the complaint's hall.
- Clocks in working days from the day of receipt (``cases.clock.add_days``,
  the one definition): the proposal (拟办意见) within 2, the reply within 5.
- A reply on the spot closes it at once (当场答复).  Otherwise the office
  drafts a proposal (handle in the centre, or transfer to the responsible
  department), someone else at the centre approves it, the transfer is
  made, and the centre or the receiving department replies.
- A reply after the 5-day limit needs a recorded explanation (逾期说明).
- A written complaint (letter, online, 12345) gets a written reply (PDF,
  ``documents.complaint_reply_pdf``); an oral one may be answered orally,
  recorded.
- A reply that finds the complaint true (``verified``) against a person or
  a counter proposes a breach (``complaint_verified``) through supervision's
  ``breach_propose`` — never for integrity complaints, which the discipline
  office handles under its own procedure.
- Integrity complaints (不廉洁) are handled only by the discipline role.

中文：投诉办理
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengtong.cases.clock import add_days, calendar
from zhengtong.cases.models import Case
from zhengtong.cases.numbering import sequence_next
from zhengtong.catalog.models import Counter, Department, Hall
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import has_bad_text
from zhengtong.queueing.models import Ticket

from .. import permissions_complaints as perms
from ..models_complaints import (
    WRITTEN_CHANNELS,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintRoute,
    ComplaintState,
    ReplyMode,
    RevisitResult,
)
from .ratings_rollup import public_token_renew

PROPOSAL_DAYS = 2  # 第五条(二): proposal within 2 working days of acceptance
REPLY_DAYS = 5  # 第六条(二): reply within 5 working days
REPLYABLE = (
    ComplaintState.RECEIVED,
    ComplaintState.HANDLING,
    ComplaintState.TRANSFERRED,
)
RULE_VERIFIED = "complaint_verified"


def _invalid(code: str, message: str) -> ApplicationError:
    return ApplicationError(code, message, status=400)


def _state_error(complaint: Complaint, what: str) -> ApplicationError:
    return ApplicationError(
        "invalid_state",
        f"投诉{complaint.number}当前为“{complaint.get_state_display()}”，不能{what}。",
        status=409,
    )


def check_clean_text(*values: Any) -> None:
    """Refuse text no database stores (a NUL, a lone surrogate): 400, nothing written."""
    if any(isinstance(v, str) and has_bad_text(v) for v in values):
        raise _invalid("invalid_input", "输入内容不能含有空字符或无效字符。")


def _text(value: str | None, label: str, *, limit: int = 4000) -> str:
    check_clean_text(value)
    value = (value or "").strip()
    if not value:
        raise _invalid("invalid_input", f"请填写{label}。")
    if len(value) > limit:
        raise _invalid("invalid_input", f"{label}不能超过{limit}字。")
    return value


def complaint_number(year: int) -> str:
    """Return the next complaint number: 投〔2026〕0001号."""
    return f"投〔{year}〕{sequence_next(scope='feedback_complaint', year=year):04d}号"


def _category(code: str | None, subcode: str | None) -> tuple[Any, Any]:
    category = ComplaintCategory.objects.filter(
        code=(code or "").strip(), parent__isnull=True, hotline=False, active=True
    ).first()
    if category is None:
        raise _invalid("unknown_category", "投诉类别不正确，请从列表中选择。")
    subcategory = None
    children = list(category.children.filter(active=True))
    if subcode:
        subcategory = next((c for c in children if c.code == subcode), None)
        if subcategory is None:
            raise _invalid(
                "unknown_subcategory", f"“{category.name}”下没有所选的具体情形。"
            )
    elif children:
        raise _invalid("subcategory_required", f"请选择“{category.name}”的具体情形。")
    return category, subcategory


def _staff_hall(actor: Any) -> Hall | None:
    counters = getattr(actor, "counters", None)
    if counters is None or not getattr(actor, "is_authenticated", False):
        return None
    counter = counters.select_related("hall").order_by("id").first()
    return counter.hall if counter else None


def _targets(
    *,
    actor: Any,
    hall_id: int | None,
    counter_id: int | None,
    case_id: int | None,
    ticket_id: int | None,
    person_id: int | None,
    staff: bool,
) -> dict[str, Any]:
    """Resolve what the complaint is about, checked against its hall."""
    from django.contrib.auth import get_user_model

    hall = None
    if hall_id is not None:
        hall = Hall.objects.filter(pk=hall_id).first()
        if hall is None:
            raise _invalid("unknown_hall", "大厅不存在。")
    counter = None
    if counter_id is not None:
        counter = Counter.objects.filter(pk=counter_id).select_related("hall").first()
        if counter is None:
            raise _invalid("unknown_counter", "被投诉的窗口不存在。")
    case = None
    if case_id is not None:
        case = Case.objects.filter(pk=case_id).first()
        if case is None or (not staff and case.applicant_id != actor.pk):
            raise _invalid("unknown_case", "办件不存在或不是您本人的办件。")
    ticket = None
    if ticket_id is not None:
        ticket = Ticket.objects.filter(pk=ticket_id).first()
        if ticket is None or (not staff and ticket.applicant_id != actor.pk):
            raise _invalid("unknown_ticket", "取号记录不存在或不是您本人的。")
    person = None
    if person_id is not None:
        person = (
            get_user_model()
            .objects.filter(pk=person_id, department__isnull=False)
            .first()
        )
        if person is None:
            raise _invalid("unknown_person", "被投诉的工作人员不存在。")
    if hall is None and staff:
        hall = _staff_hall(actor)
    if hall is None and ticket is not None:
        hall = ticket.hall
    if hall is None and counter is not None:
        hall = counter.hall
    if counter is not None and hall is not None and counter.hall_id != hall.pk:
        raise _invalid(
            "counter_other_hall",
            f"{counter}不属于{hall.name}，请选择本大厅的窗口。",
        )
    if ticket is not None and hall is not None and ticket.hall_id != hall.pk:
        raise _invalid("ticket_other_hall", "该取号记录不属于本大厅。")
    if counter is None and ticket is not None and ticket.counter_id:
        counter = ticket.counter
    if case is None and ticket is not None and ticket.case_id:
        case = Case.objects.filter(pk=ticket.case_id).first()
    if person is None and ticket is not None and ticket.staff_id:
        person = ticket.staff
    department = None
    if case is not None:
        department = case.department
    elif person is not None and person.department_id:
        department = person.department
    elif counter is not None:
        departments = list(counter.departments.all()[:2])
        department = departments[0] if len(departments) == 1 else None
    region = getattr(getattr(hall, "region", None), "code", "") or ""
    if case is not None and case.region_code:
        region = case.region_code
    return {
        "hall": hall,
        "counter": counter,
        "case": case,
        "ticket": ticket,
        "person": person,
        "department": department,
        "region_code": region,
    }


@transaction.atomic
def complaint_create(
    *,
    actor: Any,
    category: str | None,
    channel: str | None,
    content: str | None,
    subcategory: str | None = None,
    hall_id: int | None = None,
    counter_id: int | None = None,
    case_id: int | None = None,
    ticket_id: int | None = None,
    person_id: int | None = None,
    hotline_number: str = "",
    hotline_type: str | None = None,
    complainant_name: str = "",
    complainant_phone: str = "",
    written: bool | None = None,
    now: datetime | None = None,
) -> Complaint:
    """
    Register a complaint (投诉登记); an applicant files it online as themselves.

    Returns the complaint with its number and both clocks' due dates.

    中文：登记投诉
    """
    from zhengtong.cases.permissions import is_staff_member

    if not perms.can_register_complaint(actor):
        raise ApplicationError("not_authenticated", "请先登录。", status=401)
    check_clean_text(
        category,
        subcategory,
        channel,
        content,
        hotline_number,
        hotline_type,
        complainant_name,
        complainant_phone,
    )
    staff = is_staff_member(actor)
    now = now or timezone.now()
    if not staff:
        channel = ComplaintChannel.ONLINE
    if channel not in ComplaintChannel.values:
        raise _invalid("invalid_channel", "投诉渠道不正确。")
    content = _text(content, "投诉内容")
    cat, sub = _category(category, subcategory)
    hotline = None
    hotline_number = (hotline_number or "").strip()
    if channel == ComplaintChannel.HOTLINE:
        if not hotline_number:
            raise _invalid("hotline_number_required", "12345转办须填写热线工单号。")
        if len(hotline_number) > 40:
            raise _invalid("invalid_input", "热线工单号不能超过40个字符。")
        hotline = ComplaintCategory.objects.filter(
            code=hotline_type or "hotline_complaint", hotline=True, active=True
        ).first()
        if hotline is None:
            raise _invalid("unknown_category", "12345诉求类型不正确。")
    targets = _targets(
        actor=actor,
        hall_id=hall_id,
        counter_id=counter_id,
        case_id=case_id,
        ticket_id=ticket_id,
        person_id=person_id,
        staff=staff,
    )
    if staff:
        name = (complainant_name or "").strip()[:100]
        phone = (complainant_phone or "").strip()[:20]
        complainant = None
    else:
        name = actor.display_name or actor.username
        phone = actor.phone or ""
        complainant = actor
    received = timezone.localdate(now)
    cal = calendar()
    public_token_renew()  # the public results show complaint counts
    complaint = Complaint.objects.create(
        number=complaint_number(received.year),
        channel=channel,
        hotline_number=hotline_number if hotline else "",
        hotline_type=hotline,
        category=cat,
        subcategory=sub,
        integrity=bool(cat.integrity),
        written=bool(written) if written is not None else channel in WRITTEN_CHANNELS,
        content=content,
        complainant=complainant,
        complainant_name=name,
        complainant_phone=phone,
        received_on=received,
        registered_by=actor,
        proposal_due=add_days(cal, received, PROPOSAL_DAYS),
        reply_due=add_days(cal, received, REPLY_DAYS),
        **targets,
    )
    audit_record(
        action="complaint_create",
        obj=complaint,
        actor=actor,
        to_state=complaint.state,
        details={
            "channel": channel,
            "category": cat.code,
            "subcategory": getattr(sub, "code", None),
            "counter": getattr(targets["counter"], "pk", None),
            "case": getattr(targets["case"], "pk", None),
            "ticket": getattr(targets["ticket"], "pk", None),
            "person": getattr(targets["person"], "pk", None),
            "hotline_number": complaint.hotline_number,
            "reply_due": complaint.reply_due,
        },
        new_stream=True,
    )
    return complaint


def _move(
    complaint: Complaint, *, actor: Any, action: str, to: str, **details: Any
) -> None:
    old = complaint.state
    complaint.state = to
    complaint.save()
    public_token_renew()  # the public results show complaint counts
    audit_record(
        action=action,
        obj=complaint,
        actor=actor,
        from_state=old,
        to_state=to,
        details=details,
    )


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def complaint_propose(
    *,
    complaint: Complaint,
    actor: Any,
    route: str | None,
    proposal: str | None,
    department_id: int | None = None,
    now: datetime | None = None,
) -> Complaint:
    """
    Draft the proposal (拟办意见): handle in the centre or transfer to a department.

    中文：提出拟办意见
    """
    complaint = _locked(complaint)
    perms.check_manage_complaint(actor, complaint)
    if complaint.state != ComplaintState.RECEIVED:
        raise _state_error(complaint, "提出拟办意见")
    if route not in ComplaintRoute.values:
        raise _invalid("invalid_route", "请选择办理方式：中心办理或转责任部门办理。")
    proposal = _text(proposal, "拟办意见")
    department = None
    if route == ComplaintRoute.TRANSFER:
        department = (
            Department.objects.filter(pk=department_id).first()
            if department_id is not None
            else None
        )
        if department is None:
            raise _invalid("unknown_department", "请选择承办部门。")
    complaint.route = route
    complaint.proposal = proposal
    complaint.transfer_department = department
    complaint.proposed_by = actor
    complaint.proposed_at = now or timezone.now()
    _move(
        complaint,
        actor=actor,
        action="complaint_propose",
        to=ComplaintState.PROPOSED,
        route=route,
        department=getattr(department, "pk", None),
    )
    return complaint


@transaction.atomic
def complaint_approve(
    *,
    complaint: Complaint,
    actor: Any,
    note: str = "",
    now: datetime | None = None,
) -> Complaint:
    """
    Approve the proposal (批准): the centre handles it, or it awaits transfer.

    中文：批准拟办意见
    """
    complaint = _locked(complaint)
    perms.check_approve_complaint(actor, complaint)
    if complaint.state != ComplaintState.PROPOSED:
        raise _state_error(complaint, "批准")
    check_clean_text(note)
    complaint.approved_by = actor
    complaint.approved_at = now or timezone.now()
    complaint.approval_note = (note or "").strip()[:1000]
    to = (
        ComplaintState.APPROVED_TRANSFER
        if complaint.route == ComplaintRoute.TRANSFER
        else ComplaintState.HANDLING
    )
    _move(complaint, actor=actor, action="complaint_approve", to=to)
    return complaint


@transaction.atomic
def complaint_transfer(
    *,
    complaint: Complaint,
    actor: Any,
    department_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Complaint:
    """
    Send an approved complaint to the responsible department (转办).

    The department is the approved proposal's unless another is named.

    中文：转办投诉
    """
    complaint = _locked(complaint)
    perms.check_manage_complaint(actor, complaint)
    if complaint.state != ComplaintState.APPROVED_TRANSFER:
        raise _state_error(complaint, "转办（须先批准转办的拟办意见）")
    check_clean_text(note)
    if department_id is not None:
        department = Department.objects.filter(pk=department_id).first()
        if department is None:
            raise _invalid("unknown_department", "承办部门不存在。")
        complaint.transfer_department = department
    complaint.transferred_at = now or timezone.now()
    _move(
        complaint,
        actor=actor,
        action="complaint_transfer",
        to=ComplaintState.TRANSFERRED,
        department=complaint.transfer_department_id,
        note=(note or "").strip()[:1000],
    )
    return complaint


def _breach_for(complaint: Complaint, actor: Any) -> int | None:
    """Propose the accountability record of a complaint found true."""
    from zhengtong.supervision.models import BreachKind
    from zhengtong.supervision.services.breaches import breach_propose

    if complaint.integrity or (
        complaint.person_id is None and not complaint.counter_id
    ):
        return None
    department = complaint.department
    if complaint.person is not None and complaint.person.department_id:
        department = complaint.person.department
    if department is None and complaint.counter is not None:
        department = complaint.counter.departments.order_by("id").first()
    kind = BreachKind.objects.filter(code=RULE_VERIFIED, active=True).first()
    if department is None or kind is None:
        return None
    what = complaint.subcategory or complaint.category
    breach = breach_propose(
        actor=None,
        kind=kind,
        evidence_kind="complaint",
        evidence_id=complaint.pk,
        evidence_text=f"投诉{complaint.number}（{what.name}）经核实属实。",
        person=complaint.person,
        department=department,
        counter=complaint.counter,
        case_id=complaint.case_id,
        rule_code=RULE_VERIFIED,
    )
    return int(breach.pk)


@transaction.atomic
def complaint_reply(
    *,
    complaint: Complaint,
    actor: Any,
    text: str | None,
    mode: str | None = None,
    verified: bool | None = None,
    late_reason: str = "",
    now: datetime | None = None,
) -> Complaint:
    """
    Reply to the complainant (答复), on the spot or after handling.

    A written complaint gets a written reply; a reply after the 5-day limit
    needs its explanation (逾期说明).  ``verified`` records whether the
    complaint was found true; true against a person or counter proposes a
    breach (责任追究).

    中文：答复投诉
    """
    complaint = _locked(complaint)
    perms.check_reply_complaint(actor, complaint)
    if complaint.state not in REPLYABLE:
        raise _state_error(complaint, "答复")
    text = _text(text, "答复内容")
    check_clean_text(mode, late_reason)
    now = now or timezone.now()
    today = timezone.localdate(now)
    mode = mode or (ReplyMode.WRITTEN if complaint.written else ReplyMode.ORAL)
    if mode not in ReplyMode.values:
        raise _invalid("invalid_reply_mode", "答复方式不正确。")
    if complaint.written and mode != ReplyMode.WRITTEN:
        raise _invalid("written_reply_required", "书面投诉须书面答复。")
    late_reason = (late_reason or "").strip()
    if today > complaint.reply_due and not late_reason:
        raise _invalid(
            "late_reason_required",
            f"已超过答复期限（{complaint.reply_due:%Y年%m月%d日}），请填写逾期说明。",
        )
    complaint.reply_text = text
    complaint.reply_mode = mode
    complaint.late_reason = late_reason[:4000]
    complaint.on_the_spot = (
        complaint.state == ComplaintState.RECEIVED and today == complaint.received_on
    )
    complaint.verified = verified
    complaint.replied_by = actor
    complaint.replied_at = now
    complaint.replied_on = today
    if verified:
        complaint.breach_id = _breach_for(complaint, actor)
    _move(
        complaint,
        actor=actor,
        action="complaint_reply",
        to=ComplaintState.REPLIED,
        mode=mode,
        verified=verified,
        late=today > complaint.reply_due,
        on_the_spot=complaint.on_the_spot,
        breach=complaint.breach_id,
    )
    return complaint


@transaction.atomic
def complaint_revisit(
    *,
    complaint: Complaint,
    actor: Any,
    result: str | None,
    text: str = "",
    now: datetime | None = None,
) -> Complaint:
    """
    Record the revisit (回访) and the complainant's response; closes it.

    中文：投诉回访
    """
    complaint = _locked(complaint)
    perms.check_manage_complaint(actor, complaint)
    if complaint.state != ComplaintState.REPLIED:
        raise _state_error(complaint, "回访（须先答复）")
    check_clean_text(text)
    if result not in RevisitResult.values:
        raise _invalid("invalid_revisit_result", "请选择回访结果。")
    complaint.revisit_result = result
    complaint.revisit_text = (text or "").strip()[:4000]
    complaint.revisited_by = actor
    complaint.revisited_at = now or timezone.now()
    _move(
        complaint,
        actor=actor,
        action="complaint_revisit",
        to=ComplaintState.CLOSED,
        result=result,
    )
    return complaint
