"""
Booked appointments after the working-day calendar changed.

Receiver of ``workdays.recompute.calendar_changed`` (connected in
``apps.QueueingConfig.ready``).  A booked appointment on a date whose
working status changed is checked against the hall's service that day
(``opening.hall_service_day``, the one definition every door uses): when its
slot is no longer served (the date became a holiday when the notice was
loaded) the appointment is cancelled by the centre, audited, and the
applicant told by SMS to book again.  Dates that became working days need
nothing: their slots simply appear.

中文：放假安排变更后处理预约
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengtong.core.audit import audit_record
from zhengtong.core.masking import mask_phone
from zhengtong.workdays.recompute import RecomputeCount

from .models import Appointment
from .opening import hall_service_day

ACTION = "appointment_calendar_cancel"


def appointments_recompute(
    *, changed: frozenset, notice: str = "", **_: Any
) -> RecomputeCount:
    """
    Cancel (and tell) the booked appointments a calendar change leaves unserved.

    中文：校正预约
    """
    from zhengtong.core.sms import sms_send

    count = RecomputeCount(label="预约（当日不再办公而取消）")
    now = timezone.now()
    ids = list(
        Appointment.objects.filter(
            status=Appointment.Status.BOOKED,
            date__in=sorted(changed),
            slot_start__gt=now,
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            appointment = (
                Appointment.objects.select_for_update()
                .select_related("category", "category__hall", "applicant")
                .get(pk=pk)
            )
            count.checked += 1
            if appointment.status != Appointment.Status.BOOKED:
                continue
            day = hall_service_day(
                hall=appointment.category.hall_id, day=appointment.date
            )
            session = day.session_at(
                appointment.slot_start, category_id=appointment.category_id
            )
            if session is not None and session.takes_appointments:
                continue
            appointment.status = Appointment.Status.CANCELLED
            appointment.save(update_fields=["status", "updated_at"])
            phone = appointment.phone or appointment.applicant.phone
            day_text = f"{appointment.date.year}年{appointment.date.month}月{appointment.date.day}日"
            reason = f"依据{notice}，{day_text}不办公"
            audit_record(
                action=ACTION,
                obj=appointment,
                actor="系统",
                from_state=Appointment.Status.BOOKED,
                to_state=appointment.status,
                reason=reason,
                details={"notice": notice, "phone": mask_phone(phone) if phone else ""},
            )
            count.moved += 1
            if phone:
                local = timezone.localtime(appointment.slot_start)
                sms_send(
                    phone,
                    f"【{appointment.category.hall.name}】国务院放假安排公布，"
                    f"{local:%m月%d日} 大厅不办公，您预约的 {local:%H:%M}"
                    f"“{appointment.category.name}”已取消，请重新预约。",
                )
                count.notified += 1
    return count


def on_calendar_changed(sender: Any, **kwargs: Any) -> RecomputeCount:
    """Signal receiver: ``workdays.recompute.calendar_changed``."""
    return appointments_recompute(**kwargs)
