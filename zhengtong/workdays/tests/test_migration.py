"""The data migration loads 2024-2026 so a fresh install counts correctly."""

import importlib
from datetime import date
from pathlib import Path

from django.apps import apps as global_apps

import pytest

from zhengtong.workdays.models import CalendarDay, CalendarYear
from zhengtong.workdays.official import official_days
from zhengtong.workdays.selectors import add_working_days, calendar_get

migration = importlib.import_module(
    "zhengtong.workdays.migrations.0002_load_official_2024_2026"
)

pytestmark = pytest.mark.django_db


def _rows(year):
    return sorted(
        CalendarDay.objects.filter(region_code="", date__year=year).values_list(
            "date", "kind", "name"
        )
    )


def test_fresh_database_holds_the_three_notices():
    assert set(
        CalendarYear.objects.filter(region_code="").values_list("year", flat=True)
    ) == {2024, 2025, 2026}
    for year in (2024, 2025, 2026):
        assert _rows(year) == official_days(year)
        row = CalendarYear.objects.get(year=year, region_code="")
        assert row.source == "official"
        assert "节假日安排的通知" in row.source_notice


def test_fresh_database_computes_the_worked_example():
    assert add_working_days(date(2026, 2, 10), 20) == date(2026, 3, 16)
    cal = calendar_get()
    assert cal.years - cal.provisional_years == frozenset({2024, 2025, 2026})
    assert cal.provisional_years == frozenset({2027, 2028})


def test_migration_literal_matches_the_official_module():
    for year, notice in migration.OFFICIAL.items():
        literal = [(date.fromisoformat(d), k, n) for d, k, n in notice["days"]]
        assert literal == official_days(year)


def test_migration_does_not_import_chinesecalendar():
    source = Path(migration.__file__).read_text(encoding="utf-8")
    assert "chinese_calendar" not in source
    assert "zhengtong." not in source


def test_migration_reverses_and_reapplies_idempotently():
    migration.unload_official(global_apps, None)
    assert CalendarDay.objects.filter(region_code="").count() == 0
    assert not CalendarYear.objects.exists()
    migration.load_official(global_apps, None)
    migration.load_official(global_apps, None)  # second run adds nothing
    for year in (2024, 2025, 2026):
        assert _rows(year) == official_days(year)
    assert CalendarYear.objects.count() == 3


def test_reverse_keeps_rows_added_later():
    CalendarDay.objects.create(
        date=date(2026, 3, 3),
        kind="holiday",
        name="地方节日",
        region_code="650000000000",
    )
    migration.unload_official(global_apps, None)
    assert CalendarDay.objects.count() == 1
