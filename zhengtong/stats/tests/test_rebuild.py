"""
Incremental = rebuild: the rollups are the same whatever the order the
events are fed in, however often they are re-read, and after
``stats_rebuild`` (all, or ``--from``); the API answers the same before
and after.
"""

import random
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

import pytest
import time_machine

from zhengtong.cases.tests.conftest import World
from zhengtong.core.models import AuditEvent
from zhengtong.stats import selectors
from zhengtong.stats.models_facts import CaseDaily, CaseFact, StatsCursor, TicketDaily
from zhengtong.stats.services.facts import sources
from zhengtong.stats.services.rollup import (
    facts_apply,
    source_rebuild,
    stats_rebuild,
    stats_refresh,
)

from .facts_world import build
from .ticket_world import build_tickets

TZ = ZoneInfo("Asia/Shanghai")
SOURCES = sources()


def snapshot() -> dict[str, set[tuple]]:
    """Every rollup row with a non-zero measure, as plain tuples."""
    out = {}
    for source in SOURCES:
        fields = [*source.key_fields, *source.measures]
        rows = source.rollup_model._default_manager.values_list(*fields)
        k = len(source.key_fields)
        out[source.name] = {r for r in rows if any(r[k:])}
    return out


@pytest.fixture
def both(db):
    with time_machine.travel(datetime(2025, 10, 20, 10, tzinfo=TZ), tick=False):
        w = World()
        cases = build(w)
        _setup, tickets = build_tickets()
        yield w, cases, tickets


def test_refresh_equals_rebuild_and_is_idempotent(both):
    stats_refresh()
    incremental = snapshot()
    assert incremental["cases"] and incremental["tickets"]
    stats_refresh()  # the overlap re-reads events: nothing changes
    assert snapshot() == incremental
    stats_rebuild()
    assert snapshot() == incremental


def test_random_event_orders_give_the_rebuilt_rollups(both):
    stats_rebuild()
    expected = snapshot()
    pairs = list(AuditEvent.objects.values_list("object_type", "object_id"))
    rng = random.Random(15)  # noqa: S311 (a fixed order, not a secret)
    for _round in range(3):
        for source in SOURCES:
            source.fact_model._default_manager.all().delete()
            source.rollup_model._default_manager.all().delete()
        rng.shuffle(pairs)
        start = 0
        while start < len(pairs):
            size = rng.randint(1, 7)
            chunk = pairs[start : start + size]
            start += size
            for source in SOURCES:
                ids = sorted(source.ids_for_events(chunk))
                if ids:
                    facts_apply(source, ids)
        assert snapshot() == expected


def test_refresh_between_steps_moves_rows_by_exact_deltas(db):
    """Facts seen mid-story (open, suspended, decided) are moved, not double counted."""
    with time_machine.travel(datetime(2025, 10, 20, 10, tzinfo=TZ), tick=False):
        w = World()
        seen = []

        def tick():
            stats_refresh()
            seen.append(CaseFact.objects.count())

        build(w, tick=tick)
        stats_refresh()
        incremental = snapshot()
        assert len(seen) > 3 and seen[-1] == 6
        stats_rebuild()
        assert snapshot() == incremental


def test_week_and_month_rows_are_the_sums_of_their_days(both):
    """Every week row (Monday) and month row equals the sum of its day rows, exactly."""
    stats_refresh()
    for source in SOURCES:
        rows = snapshot()[source.name]
        k = len(source.key_fields)
        expected: dict[tuple, list[int]] = {}
        for row in rows:
            if row[0] != "d":
                continue
            day = row[1]
            for grain, first in (
                ("w", day - timedelta(days=day.weekday())),
                ("m", day.replace(day=1)),
            ):
                acc = expected.setdefault(
                    (grain, first, *row[2:k]), [0] * (len(row) - k)
                )
                for i, value in enumerate(row[k:]):
                    acc[i] += value
        coarse = {r for r in rows if r[0] != "d"}
        assert {r[0] for r in coarse} == {"w", "m"}
        assert coarse == {(*key, *vals) for key, vals in expected.items() if any(vals)}


def test_rebuild_from_a_day_keeps_the_numbers(both, client):
    w, _cases, _tickets = both
    stats_refresh()
    rows = snapshot()
    # 2025-10-01 is a Wednesday: the week row of 09-29 is cut and rewritten
    stats_rebuild(from_day=date(2025, 10, 10))
    assert snapshot() == rows
    client.force_login(w.supervisor)
    url = "/api/v1/stats/cases/?from=2025-09-01&to=2025-10-31&group=day"
    before = client.get(url).json()
    out = StringIO()
    call_command("stats_rebuild", "--from", "2025-10-10", stdout=out)
    assert "统计汇总已重建" in out.getvalue()
    assert client.get(url).json() == before
    # the rows before the day were not emptied, those after were rebuilt
    assert CaseDaily.objects.filter(day__lt=date(2025, 10, 10)).exists()
    call_command("stats_rebuild", stdout=StringIO())
    assert client.get(url).json() == before
    tickets = "/api/v1/stats/tickets/?from=2026-11-23&to=2026-11-23&group=none"
    (row,) = client.get(tickets).json()["results"]
    assert row == {
        "key": None,
        "label": "合计",
        "issued": 3,
        "served": 2,
        "no_show": 1,
        "avg_wait_minutes": 17.67,
        "p90_wait_minutes": 29,
        "avg_service_minutes": 10.0,
    }


def test_rebuild_command_rejects_a_bad_date(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("stats_rebuild", "--from", "2025-13-01", stdout=StringIO())


def test_cursor_is_resumable(both):
    stats_refresh()
    newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert set(StatsCursor.objects.values_list("last_event_id", flat=True)) == {newest}
    assert TicketDaily.objects.exists()
    # a rebuild of one source leaves the cursor at the newest event it saw
    source_rebuild(SOURCES[1])
    assert StatsCursor.objects.get(source="tickets").last_event_id == newest
    by_hour = selectors.waiting_by_hour(
        date_from=date(2026, 11, 23), date_to=date(2026, 11, 23)
    )
    assert [(r["key"], r["issued"]) for r in by_hour] == [(9, 3)]


def test_week_rows_of_an_upgraded_database_equal_the_rebuilt_ones(both):
    """Migration 0005 sums the week rows of a database rolled up before it."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("zhengtong.stats.migrations.0005_week_grain")
    stats_rebuild()
    rebuilt = snapshot()
    assert any(r[0] == "w" for r in rebuilt["cases"])
    assert any(r[0] == "w" for r in rebuilt["tickets"])
    CaseDaily.objects.filter(grain="w").delete()
    TicketDaily.objects.filter(grain="w").delete()
    migration.week_rows(apps, None)
    assert snapshot() == rebuilt
    migration.week_rows(apps, None)  # rows present: nothing added twice
    assert snapshot() == rebuilt
