"""
Rater devices (评价器): a tablet bound to a counter by a centre user.

Binding makes a device token that the tablet keeps in a cookie (not a
session): the tablet rates the tickets just finished at its counter and
nothing else.

中文：评价器绑定
"""

import secrets
from typing import Any

from django.db import transaction

from zhengtong.catalog.models import Counter
from zhengtong.core.audit import audit_record

from .. import permissions
from ..models_ratings import RaterDevice

DEVICE_COOKIE = "zt_rater"
DEVICE_COOKIE_AGE = 10 * 365 * 24 * 3600  # seconds: the tablet keeps its binding


@transaction.atomic
def device_bind(*, actor: Any, counter: Counter, name: str = "") -> RaterDevice:
    """
    Bind a new rater device to ``counter`` and return it (with its token).

    中文：绑定评价器
    """
    permissions.check_bind_device(actor)
    device = RaterDevice.objects.create(
        counter=counter,
        name=(name or f"{counter.number}号窗口评价器")[:100],
        token=secrets.token_urlsafe(32),
        bound_by=actor,
    )
    audit_record(
        action="rater_device.bind",
        obj=device,
        actor=actor,
        details={"counter": counter.pk},
        new_stream=True,
    )
    return device


@transaction.atomic
def device_unbind(*, actor: Any, device: RaterDevice) -> RaterDevice:
    """
    Switch a rater device off (its token stops working).

    中文：解绑评价器
    """
    permissions.check_bind_device(actor)
    device.is_active = False
    device.save(update_fields=["is_active", "updated_at"])
    audit_record(action="rater_device.unbind", obj=device, actor=actor)
    return device
