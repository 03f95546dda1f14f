"""core.db.rows_insert with a model of a domain app (core's own tests may not import one)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhengtong.core.db import rows_insert

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_rows_insert_fills_defaults_and_auto_times():
    from django.contrib.auth import get_user_model

    from zhengtong.cases.models import Notification

    user = get_user_model().objects.create_user(username="收件人", password="x")
    now = datetime(2026, 12, 28, 10, tzinfo=SHANGHAI)
    with time_machine.travel(now, tick=False):
        rows_insert(
            Notification,
            ("user_id", "case_id", "event", "title", "text"),
            [(user.pk, None, "e", "标题", "内容"), (user.pk, None, "e", "二", "二")],
        )
    rows = list(Notification.objects.filter(user=user).order_by("id"))
    assert [n.title for n in rows] == ["标题", "二"]
    assert all(
        n.created_at == now
        and not n.email_sent
        and not n.sms_sent
        and n.read_at is None
        for n in rows
    )
    assert rows_insert(Notification, ("user_id", "event", "title", "text"), []) == 0
