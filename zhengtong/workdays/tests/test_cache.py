"""The cached calendar follows writes, commits and rollbacks."""

from datetime import date

from django.core.cache import cache
from django.db import transaction

import pytest

from zhengtong.workdays import selectors
from zhengtong.workdays.models import CalendarDay
from zhengtong.workdays.services import calendar_day_set, calendar_get, is_working_day

D = date.fromisoformat


class RollbackError(Exception):
    pass


@pytest.mark.django_db
def test_rolled_back_write_leaves_no_trace_in_the_cache():
    assert is_working_day(D("2026-03-02")) is True
    with pytest.raises(RollbackError), transaction.atomic():
        calendar_day_set(day=D("2026-03-02"), kind="holiday", name="回滚")
        assert is_working_day(D("2026-03-02")) is False  # own write visible
        raise RollbackError
    assert not CalendarDay.objects.filter(date=D("2026-03-02")).exists()
    assert is_working_day(D("2026-03-02")) is True


@pytest.mark.django_db
def test_calendar_is_not_cached_while_a_write_is_open():
    calendar_day_set(day=D("2026-03-02"), kind="holiday")
    assert calendar_get() is not calendar_get()


@pytest.mark.django_db(transaction=True)
def test_commit_drops_the_shared_fingerprint_and_other_processes_rebuild(settings):
    settings.WORKDAYS_CACHE_CHECK_SECONDS = 0
    old = calendar_get()
    before = cache.get(selectors.VERSION_KEY)
    assert before is not None
    calendar_day_set(day=D("2026-03-02"), kind="holiday", name="提交")
    # dropped on commit — or already rebuilt by a reader that ran after the
    # commit (the supervision resync does, at once under the test's huey)
    assert cache.get(selectors.VERSION_KEY) != before
    new = calendar_get()
    assert new is not old
    assert new.is_working_day(D("2026-03-02")) is False
    assert calendar_get() is new  # cached again once committed


@pytest.mark.django_db(transaction=True)
def test_change_made_without_signals_is_seen_after_the_fingerprint_expires(settings):
    settings.WORKDAYS_CACHE_CHECK_SECONDS = 0
    assert calendar_get().is_working_day(D("2026-03-03")) is True
    # bulk_create sends no signal: like a write from another process.
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=D("2026-03-03"), kind="holiday", name="别处写入")]
    )
    assert calendar_get().is_working_day(D("2026-03-03")) is True  # still cached
    cache.delete(selectors.VERSION_KEY)  # what expiry does
    assert calendar_get().is_working_day(D("2026-03-03")) is False
