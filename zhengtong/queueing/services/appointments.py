"""
Appointments (预约): booking, cancelling, check-in (issues a class-0
ticket), no-shows, reminders.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_phone

from .. import permissions, selectors
from ..models import (
    Appointment,
    Category,
    Ticket,
    appointment_code_new,
)
from .issue import ticket_issue


@transaction.atomic
def appointment_book(
    *,
    applicant: Any,
    category: Category,
    slot_start: dt.datetime,
    phone: str = "",
    now: dt.datetime | None = None,
) -> Appointment:
    """
    Book a slot of ``category`` for ``applicant``.

    Refused for accounts that are not applicants
    (``permissions.check_book_appointment``), past or unknown slots, full
    slots, a second booking the same day in the same category, and while the
    no-show policy blocks the user.

    中文：预约
    """
    permissions.check_book_appointment(user=applicant)
    now = now or timezone.now()
    if not category.active:
        raise ApplicationError("unknown_category", "业务类别不存在或已停用。")
    if timezone.is_naive(slot_start):
        slot_start = timezone.make_aware(slot_start, selectors.local_tz())
    day = timezone.localtime(slot_start, selectors.local_tz()).date()
    policy = selectors.policy_get(hall=category.hall)
    today = timezone.localdate(now, selectors.local_tz())
    if day > today + dt.timedelta(days=policy.booking_horizon_days):
        raise ApplicationError(
            "booking_too_far",
            f"只能预约 {policy.booking_horizon_days} 天内的时段。",
        )
    blocked_until = selectors.appointment_block_until(
        user=applicant, hall=category.hall, now=now
    )
    if blocked_until is not None:
        raise ApplicationError(
            "booking_blocked",
            f"您近期爽约 {policy.no_show_limit} 次及以上，"
            f"{timezone.localtime(blocked_until):%Y年%m月%d日}前不能预约，可到现场取号办理。",
            status=409,
        )
    # Lock the category so two bookings cannot overfill one slot.
    Category.objects.select_for_update().filter(pk=category.pk).first()
    slots = selectors.appointment_slots(category=category, day=day, now=now)
    slot = next((s for s in slots if s["start"] == slot_start), None)
    if slot is None:
        raise ApplicationError("invalid_slot", "该时段不可预约（非办公时间或节假日）。")
    if slot["start"] <= now:
        raise ApplicationError("slot_in_past", "该时段已过，请选择其他时段。")
    if slot["available"] <= 0:
        raise ApplicationError(
            "slot_full", "该时段已约满，请选择其他时段。", status=409
        )
    if Appointment.objects.filter(
        applicant=applicant,
        category=category,
        date=day,
        status=Appointment.Status.BOOKED,
    ).exists():
        raise ApplicationError(
            "already_booked", "您当天在该业务类别已有预约。", status=409
        )
    appointment = Appointment(
        category=category,
        date=day,
        slot_start=slot["start"],
        slot_end=slot["end"],
        applicant=applicant,
        phone=(phone or getattr(applicant, "phone", "") or "")[:20],
    )
    while Appointment.objects.filter(code=appointment.code).exists():
        appointment.code = appointment_code_new()
    appointment.full_clean()
    appointment.save()
    audit_record(
        action="appointment_book",
        obj=appointment,
        actor=applicant,
        to_state=appointment.status,
        details={"category": category.code, "slot": slot["start"].isoformat()},
    )
    return appointment


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, actor: Any, now: dt.datetime | None = None
) -> Appointment:
    """
    Cancel a booked appointment before its slot starts.

    中文：取消预约
    """
    now = now or timezone.now()
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Appointment.Status.BOOKED:
        raise ApplicationError(
            "invalid_appointment_state",
            f"预约当前状态为“{appointment.get_status_display()}”，不能取消。",
            status=409,
        )
    if appointment.slot_start <= now:
        raise ApplicationError(
            "appointment_started", "预约时段已开始，不能取消。", status=409
        )
    appointment.status = Appointment.Status.CANCELLED
    appointment.save(update_fields=["status", "updated_at"])
    audit_record(
        action="appointment_cancel",
        obj=appointment,
        actor=actor,
        from_state=Appointment.Status.BOOKED,
        to_state=appointment.status,
    )
    return appointment


CHECK_IN_EARLY = dt.timedelta(minutes=60)
CHECK_IN_LATE = dt.timedelta(minutes=30)


@transaction.atomic
def appointment_check_in(
    *, code: str, actor: Any = None, now: dt.datetime | None = None
) -> Ticket:
    """
    Check in with an appointment code and issue a priority ticket.

    Allowed from 60 minutes before the slot until 30 minutes after its start.

    中文：预约签到
    """
    now = now or timezone.now()
    code = str(code or "").strip()
    appointment = (
        Appointment.objects.select_for_update()
        .select_related("category", "category__hall")
        .filter(code=code[:8])
        .first()
    )
    if not code.isdigit() or appointment is None:
        raise ApplicationError("unknown_appointment", "预约签到码不正确。")
    if appointment.status != Appointment.Status.BOOKED:
        raise ApplicationError(
            "invalid_appointment_state",
            f"该预约当前状态为“{appointment.get_status_display()}”，不能签到。",
            status=409,
        )
    if now < appointment.slot_start - CHECK_IN_EARLY:
        raise ApplicationError(
            "check_in_too_early",
            f"请于 {timezone.localtime(appointment.slot_start - CHECK_IN_EARLY):%m月%d日 %H:%M} 后签到。",
            status=409,
        )
    if now > appointment.slot_start + CHECK_IN_LATE:
        raise ApplicationError(
            "check_in_too_late", "已超过预约时段，请现场取普通号。", status=409
        )
    ticket = ticket_issue(
        category=appointment.category,
        channel=Ticket.Channel.APPOINTMENT,
        applicant=appointment.applicant,
        phone=appointment.phone,
        actor=actor or appointment.applicant,
        appointment=appointment,
        now=now,
    )
    appointment.status = Appointment.Status.CHECKED_IN
    appointment.checked_in_at = now
    appointment.save(update_fields=["status", "checked_in_at", "updated_at"])
    audit_record(
        action="appointment_check_in",
        obj=appointment,
        actor=actor or appointment.applicant,
        from_state=Appointment.Status.BOOKED,
        to_state=appointment.status,
        details={"ticket": ticket.number},
    )
    return ticket


def appointment_mark_no_shows(*, now: dt.datetime | None = None) -> int:
    """
    Mark booked appointments whose check-in window has passed as no-shows.

    中文：标记预约爽约
    """
    now = now or timezone.now()
    count = 0
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED, slot_start__lt=now - CHECK_IN_LATE
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            appointment = Appointment.objects.select_for_update().get(pk=pk)
            if appointment.status != Appointment.Status.BOOKED:
                continue
            appointment.status = Appointment.Status.NO_SHOW
            appointment.save(update_fields=["status", "updated_at"])
            audit_record(
                action="appointment_no_show",
                obj=appointment,
                actor="系统",
                from_state=Appointment.Status.BOOKED,
                to_state=appointment.status,
            )
            count += 1
    return count


def appointment_send_reminders(*, now: dt.datetime | None = None) -> int:
    """
    Send an SMS the day before each booked appointment, once.

    中文：预约提醒
    """
    from zhengtong.core.sms import sms_send

    now = now or timezone.now()
    tomorrow = timezone.localdate(now, selectors.local_tz()) + dt.timedelta(days=1)
    sent = 0
    due = Appointment.objects.filter(
        status=Appointment.Status.BOOKED, date=tomorrow, reminded_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            appointment = (
                Appointment.objects.select_for_update()
                .select_related("category", "category__hall", "applicant")
                .get(pk=pk)
            )
            if appointment.reminded_at is not None:
                continue
            phone = appointment.phone or appointment.applicant.phone
            if phone:
                local = timezone.localtime(appointment.slot_start)
                sms_send(
                    phone,
                    f"【{appointment.category.hall.name}】您已预约明天 {local:%H:%M} 的"
                    f"“{appointment.category.name}”业务，签到码 {appointment.code}，"
                    "请提前到大厅取号机签到。",
                )
            appointment.reminded_at = now
            appointment.save(update_fields=["reminded_at", "updated_at"])
            audit_record(
                action="appointment_remind",
                obj=appointment,
                actor="系统",
                details={"phone": mask_phone(phone) if phone else ""},
            )
            sent += 1
    return sent
