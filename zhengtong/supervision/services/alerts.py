"""Warnings to people (预警消息): in-app rows, then the notification backend."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model

from zhengtong.accounts.constants import ROLE_GROUP_NAMES, Role
from zhengtong.core.db import rows_insert
from zhengtong.core.outbox import outbox_enqueue, outbox_job
from zhengtong.core.sms import sms_send

from ..models import Alert

User = get_user_model()


def people_with_role(role: Role, *, department_id: int | None = None) -> list[int]:
    """
    Return the ids of active users holding ``role`` (in ``department_id``).

    中文：按角色取人员
    """
    qs = User.objects.filter(is_active=True, groups__name=ROLE_GROUP_NAMES[role])
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    return list(qs.values_list("pk", flat=True).distinct())


def alerts_send(
    *,
    recipients: Iterable[int | None],
    level: str,
    text: str,
    day: date,
    clock_id: int | None = None,
    order_id: int | None = None,
) -> int:
    """
    Write one alert per recipient for this transition, at most once.

    A repeated call for the same recipient, clock (or order), level and day
    writes nothing (a unique constraint; ``ignore_conflicts``), so a sweep
    that runs twice sends nothing twice.  Delivery by the notification
    backend is queued after commit for the rows written.

    中文：发送预警
    """
    ids = sorted({r for r in recipients if r})
    if not ids:
        return 0
    rows = [
        Alert(
            recipient_id=r,
            clock_id=clock_id,
            order_id=order_id,
            level=level,
            day=day,
            text=text[:300],
        )
        for r in ids
    ]
    Alert.objects.bulk_create(rows, ignore_conflicts=True)
    _deliver_later()
    return len(rows)


ALERT_COLUMNS = ("recipient_id", "clock_id", "order_id", "level", "day", "text")


def alerts_send_many(rows: list[Alert]) -> int:
    """
    Write prepared alerts at once (the sweep), at most once each.

    The alerts already sent for these clocks that day are read in one
    statement and left out; the rest go in as plain rows (``rows_insert``:
    COPY on PostgreSQL).  The sweep holds its lock, so nobody else writes
    the same alerts meanwhile.
    """
    if not rows:
        return 0
    days = {r.day for r in rows}
    clocks = {r.clock_id for r in rows if r.clock_id}
    sent = set(
        Alert.objects.filter(day__in=days, clock_id__in=clocks).values_list(
            "recipient_id", "clock_id", "level", "day"
        )
    )
    seen: set[tuple] = set()
    values = []
    for r in rows:
        key = (r.recipient_id, r.clock_id, r.level, r.day)
        if r.clock_id and (key in sent or key in seen):
            continue
        seen.add(key)
        values.append((r.recipient_id, r.clock_id, r.order_id, r.level, r.day, r.text))
    rows_insert(Alert, ALERT_COLUMNS, values)
    if values:
        _deliver_later()
    return len(values)


def _deliver_later() -> None:
    """Request the delivery in the transaction that wrote the alerts (outbox)."""
    outbox_enqueue(alerts_deliver_job)


@outbox_job
def alerts_deliver_job() -> int:
    """Deliver the unsent alerts (an outbox job: marks and sends in one run)."""
    return alerts_deliver()


def alerts_deliver(limit: int = 500) -> int:
    """
    Send unsent alerts through the SMS backend (staff with a phone) and mark them.

    Each row is claimed (``sent`` set) before it is sent, so two workers
    never send the same alert.

    中文：推送预警
    """
    sent = 0
    pending = list(
        Alert.objects.filter(sent=False)
        .select_related("recipient")
        .order_by("id")[:limit]
    )
    for alert in pending:
        claimed = Alert.objects.filter(pk=alert.pk, sent=False).update(sent=True)
        if not claimed:
            continue
        phone = getattr(alert.recipient, "phone", "")
        if phone:
            sms_send(phone, f"【政务服务电子监察】{alert.text}")
        sent += 1
    return sent


def alerts_mark_read(*, user: Any, alert_ids: Iterable[int], now: datetime) -> int:
    """Mark ``user``'s alerts read (other people's ids are ignored)."""
    return Alert.objects.filter(
        recipient=user, pk__in=list(alert_ids), read_at__isnull=True
    ).update(read_at=now)
