"""The daily job brings a future-dated version into force on its date."""

import datetime

from django.utils import timezone

import pytest

from zhengtong.catalog.constants import VersionStatus
from zhengtong.catalog.tasks import items_refresh_current_daily
from zhengtong.catalog.tests.factories import (
    ServiceItemFactory,
    ServiceItemVersionFactory,
)

pytestmark = pytest.mark.django_db


def test_daily_job_switches_to_version_in_force(monkeypatch):
    item = ServiceItemFactory()
    old = item.current_version
    today = timezone.localdate()
    old.effective_from = today - datetime.timedelta(days=30)
    old.save(update_fields=["effective_from"])
    new = ServiceItemVersionFactory(
        item=item,
        version=old.version + 1,
        status=VersionStatus.PUBLISHED,
        effective_from=today + datetime.timedelta(days=1),
        name=item.name + "（新版）",
    )
    items_refresh_current_daily.call_local()
    item.refresh_from_db()
    assert item.current_version_id == old.pk

    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    items_refresh_current_daily.call_local()
    item.refresh_from_db()
    assert item.current_version_id == new.pk
