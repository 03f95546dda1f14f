"""
The fast paths of the rollup give what the plain ones give: the rebuild's
one-scan 受理人 lookup equals the per-batch one, staged rows merged later
equal rows written at once, local dates come from the database as the
calendar day in 北京时间, and a rollup row whose measures all come back
to 0 is deleted (on SQLite and PostgreSQL).
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import transaction

import pytest
import time_machine

from zhengtong.cases.models import Case
from zhengtong.cases.tests.conftest import World
from zhengtong.stats.models_facts import CaseDaily, CaseFact
from zhengtong.stats.services.facts import CASES, case_actors
from zhengtong.stats.services.rollup import (
    rollup_merge,
    rollup_upsert,
    stats_rebuild,
)

from .facts_world import accepted, build, conclude

TZ = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def rows() -> set[tuple]:
    fields = [*CASES.key_fields, *CASES.measures]
    return set(CaseDaily.objects.values_list(*fields))


def test_the_one_scan_of_acceptors_equals_the_per_batch_lookup():
    with time_machine.travel(datetime(2025, 10, 20, 10, tzinfo=TZ), tick=False):
        w = World()
        cases = build(w)
    ids = sorted(c.pk for c in cases.values())
    every = case_actors()
    assert every == case_actors(ids)
    # accepted or refused by the counter clerk: the 受理人 of each
    assert every == dict.fromkeys(ids, w.counter.pk)
    assert case_actors([ids[0]]) == {ids[0]: w.counter.pk}


def test_a_conclusion_just_after_midnight_falls_on_the_local_day():
    with time_machine.travel(datetime(2025, 10, 20, 10, tzinfo=TZ), tick=False):
        w = World()
        case = accepted(w, date(2025, 9, 26))
        conclude(w, case, date(2025, 10, 9), hour=0)  # 10-08 16:00 UTC
    assert Case.objects.get(pk=case.pk).concluded_at.date() == date(2025, 10, 8)
    stats_rebuild()
    fact = CaseFact.objects.get(case_id=case.pk)
    assert fact.concluded_on == date(2025, 10, 9)
    assert fact.early  # promised 10-10


def test_a_row_brought_back_to_zero_is_deleted():
    key = (date(2026, 3, 4), 7, 0, 0, 0, "")  # a Wednesday
    other = (date(2026, 3, 5), 7, 0, 0, 0, "")
    rollup_upsert(CASES, {key: {"received": 2}, other: {"received": 1}})
    assert len(rows()) == 4  # day rows of 03-04 and 03-05, their week and month
    rollup_upsert(CASES, {key: {"received": -2}})
    left = rows()
    # the day row of 03-04 is gone; week and month rows keep 03-05's count
    assert {(r[0], r[1]) for r in left} == {
        ("d", date(2026, 3, 5)),
        ("w", date(2026, 3, 2)),
        ("m", date(2026, 3, 1)),
    }
    rollup_upsert(CASES, {other: {"received": -1, "accepted": 1}})
    # received back to 0 but accepted 1: the rows stay
    assert {(r[0], r[1]) for r in rows()} == {(r[0], r[1]) for r in left}
    rollup_upsert(CASES, {other: {"accepted": -1}})
    assert rows() == set()


def test_staged_rows_merged_later_equal_rows_written_at_once():
    key = (date(2026, 3, 4), 7, 1, 2, 3, "online")
    with transaction.atomic():
        rollup_upsert(CASES, {key: {"received": 2}}, merge=False)
        rollup_upsert(CASES, {key: {"received": 3, "online": 1}}, merge=False)
        rollup_merge(CASES)
    staged = rows()
    CaseDaily.objects.all().delete()
    rollup_upsert(CASES, {key: {"received": 5, "online": 1}})
    assert rows() == staged
    assert {r[len(CASES.key_fields)] for r in staged} == {5}
