"""rows_insert writes what save() writes, from plain tuples (COPY on PostgreSQL)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from zhengtong.core.db import rows_insert
from zhengtong.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_rows_insert_stores_the_values_save_would():
    at = datetime(2026, 12, 28, 10, 0, 0, 123456, tzinfo=SHANGHAI)
    saved = AuditEvent.objects.create(
        stream="s:1",
        seq=1,
        created_at=at,
        action="a",
        reason="含\t制表符、换行\n与反斜杠\\",
        details={"日期": "2027-01-04", "n": [1, 2.5, None]},
        hash="h1",
    )
    written = rows_insert(
        AuditEvent,
        ("stream", "seq", "created_at", "action", "reason", "details", "hash"),
        [
            (
                "s:2",
                1,
                at,
                "a",
                saved.reason,
                '{"日期": "2027-01-04", "n": [1, 2.5, null]}',
                "h2",
            )
        ],
    )
    assert written == 1
    fields = ("created_at", "actor_id", "actor_label", "reason", "details", "prev_hash")
    copied = AuditEvent.objects.values(*fields).get(stream="s:2")
    assert copied == AuditEvent.objects.values(*fields).get(pk=saved.pk)
