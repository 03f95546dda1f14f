"""
导办 records: a hall guide (导办员) notes whom they guided, the need, and
where they sent them (a counter of the hall, an item), with the queue
ticket of the day when one was taken. Personal data are shown masked
(``selectors.guidance_rows``); the audit keeps ids only.

中文：导办记录
"""

import re

from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.catalog.models import Counter, Hall, ServiceItem
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.queueing.models import Ticket

from .. import permissions
from ..constants import ErrorCode
from ..models import GuidanceRecord

PHONE = re.compile(r"^[0-9+\- ]{5,20}$")


def _bad(message: str) -> ApplicationError:
    return ApplicationError(ErrorCode.INVALID_INPUT, message)


def _text(value: str | None, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value or "\x00" in value:
        raise _bad(f"请填写{label}。")
    if len(value) > limit:
        raise _bad(f"{label}不能超过{limit}字。")
    return value


@transaction.atomic
def guidance_record_create(
    *,
    actor: User,
    hall_id: int,
    visitor_name: str,
    need: str,
    visitor_phone: str = "",
    counter_id: int | None = None,
    item_id: int | None = None,
    ticket_number: str = "",
) -> GuidanceRecord:
    """
    Record one 导办: who (name, phone), the need, the counter of the hall
    and/or the item they were sent to, today's ticket of the hall if any.

    中文：登记导办
    """
    permissions.check_record_guidance(user=actor)
    hall = Hall.objects.filter(pk=hall_id).first() if hall_id else None
    if hall is None:
        raise _bad("请选择大厅。")
    name = _text(visitor_name, "来访人姓名", 100)
    need = _text(need, "办事需求", 300)
    phone = (visitor_phone or "").strip()
    if phone and not PHONE.match(phone):
        raise _bad("联系电话格式不正确。")
    counter = None
    if counter_id:
        counter = Counter.objects.filter(pk=counter_id, hall=hall).first()
        if counter is None:
            raise _bad("所选窗口不在该大厅。")
        if not counter.is_active:
            raise _bad("所选窗口已停用，请引导至其他窗口。")
    item = None
    if item_id:
        item = ServiceItem.objects.filter(pk=item_id).first()
        if item is None:
            raise _bad("所选事项不存在。")
    now = timezone.now()
    today = timezone.localdate(now)
    ticket = None
    number = (ticket_number or "").strip().upper()
    if number:
        ticket = Ticket.objects.filter(
            hall=hall, service_date=today, number=number[:10]
        ).first()
        if ticket is None:
            raise _bad(f"本大厅今天没有排队号 {number[:10]}。")
    if counter is None and item is None:
        raise _bad("请选择引导前往的窗口或办理的事项。")
    record = GuidanceRecord.objects.create(
        hall=hall,
        guide=actor,
        visitor_name=name,
        visitor_phone=phone,
        need=need,
        counter=counter,
        item=item,
        ticket=ticket,
        guided_at=now,
        guided_on=today,
    )
    audit_record(
        action="guidance_record",
        obj=record,
        actor=actor,
        details={
            "hall_id": hall.pk,
            "counter_id": counter.pk if counter else None,
            "item_id": item.pk if item else None,
            "ticket_id": ticket.pk if ticket else None,
        },
        new_stream=True,
    )
    return record
