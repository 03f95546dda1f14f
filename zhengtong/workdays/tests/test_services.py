"""Calendar services: day edits, year loads, region layers, cache, command."""

import json
from datetime import date
from io import StringIO

from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

import pytest

from zhengtong.core.audit import audit_verify
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.workdays.calc import CalendarYearMissing
from zhengtong.workdays.models import CalendarDay, CalendarYear
from zhengtong.workdays.selectors import (
    calendar_cache_clear,
    calendar_month_get,
    calendar_year_status,
    region_code_normalise,
    region_layers,
)
from zhengtong.workdays.services import (
    DayEntry,
    add_working_days,
    calendar_day_delete,
    calendar_day_set,
    calendar_get,
    calendar_year_load,
    is_working_day,
    next_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db
D = date.fromisoformat
XINJIANG = "650000000000"
URUMQI = "650100000000"
TIANSHAN = "650102000000"


class TestShortcuts:
    def test_module_level_functions_use_the_database_calendar(self):
        assert is_working_day(D("2025-09-28")) is True
        assert is_working_day(D("2025-10-08")) is False
        assert add_working_days(D("2026-02-10"), 20) == D("2026-03-16")
        assert working_days_between(D("2026-02-10"), D("2026-03-16")) == 20
        assert next_working_day(D("2025-12-31")) == D("2026-01-04")

    def test_setting_counts_start_day(self, settings):
        settings.WORKDAYS_COUNT_START_DAY = True
        assert add_working_days(D("2026-02-10"), 20) == D("2026-03-13")
        assert add_working_days(D("2026-02-10"), 20, count_start_day=False) == D(
            "2026-03-16"
        )

    def test_year_missing_is_an_error(self):
        with pytest.raises(CalendarYearMissing, match="2029 年的节假日安排尚未导入"):
            add_working_days(D("2028-12-20"), 20)

    def test_deleting_a_year_makes_it_provisional(self):
        assert is_working_day(D("2026-01-04")) is True  # 调休上班 (notice)
        CalendarYear.objects.filter(year=2026).delete()
        calendar_cache_clear()
        assert calendar_year_status(2026) == "provisional"
        assert is_working_day(D("2026-01-04")) is False  # no 调休 is guessed
        assert calendar_get().is_provisional(D("2026-03-02"))

    def test_without_a_horizon_a_deleted_year_is_unknown(self, settings):
        settings.WORKDAYS_PROVISIONAL_YEARS = 0
        CalendarYear.objects.filter(year=2026).delete()
        calendar_cache_clear()
        with pytest.raises(CalendarYearMissing, match="2026 年"):
            is_working_day(D("2026-03-02"))

    def test_calendar_is_cached_per_region(self, django_assert_num_queries):
        first = calendar_get()
        with django_assert_num_queries(0):
            assert calendar_get() is first


class TestCalendarDaySet:
    def test_adds_a_day_audits_it_and_the_calendar_follows(self):
        assert is_working_day(D("2026-03-02")) is True
        row = calendar_day_set(
            day=D("2026-03-02"), kind="holiday", name="测试放假", actor="tester"
        )
        assert is_working_day(D("2026-03-02")) is False
        event = AuditEvent.objects.get(action="workdays.day_set", object_id=str(row.pk))
        assert (event.from_state, event.to_state) == ("", "holiday")
        assert event.details["date"] == "2026-03-02"
        assert list(audit_verify()) == []

    def test_changes_an_existing_day(self):
        calendar_day_set(day=D("2026-02-15"), kind="holiday", name="春节（更正）")
        row = CalendarDay.objects.get(date=D("2026-02-15"), region_code="")
        assert row.name == "春节（更正）"
        assert CalendarDay.objects.filter(date=D("2026-02-15")).count() == 1

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"day": D("2026-03-03"), "kind": "makeup_workday"}, "周一至周五"),
            ({"day": D("2026-03-07"), "kind": "regular"}, "只用于地方调整"),
            ({"day": D("2026-03-07"), "kind": "weekend"}, "类型应为"),
            (
                {"day": D("2026-03-07"), "kind": "holiday", "region_code": "65"},
                "区划代码",
            ),
            ({"day": D("1900-01-01"), "kind": "holiday"}, "1949"),
        ],
    )
    def test_refuses_bad_entries_and_changes_nothing(self, kwargs, message):
        count = CalendarDay.objects.count()
        with pytest.raises(ApplicationError, match=message) as info:
            calendar_day_set(**kwargs)
        assert info.value.status == 400
        assert CalendarDay.objects.count() == count
        assert not AuditEvent.objects.filter(action="workdays.day_set").exists()

    def test_delete_restores_the_normal_week_and_is_audited(self):
        assert is_working_day(D("2026-01-04")) is True
        assert calendar_day_delete(day=D("2026-01-04"), reason="测试") is True
        assert is_working_day(D("2026-01-04")) is False  # a plain Sunday again
        assert AuditEvent.objects.filter(action="workdays.day_delete").count() == 1
        assert calendar_day_delete(day=D("2026-01-04")) is False

    def test_database_refuses_duplicate_and_bad_region_rows(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            CalendarDay.objects.create(date=D("2026-01-01"), kind="holiday")
        with pytest.raises(IntegrityError), transaction.atomic():
            CalendarDay.objects.create(
                date=D("2026-03-01"), kind="holiday", region_code="abc"
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            CalendarDay.objects.create(date=D("2026-03-01"), kind="regular")


class TestRegionLayers:
    def test_region_codes_normalise_and_layer(self):
        assert region_code_normalise(None) == ""
        assert region_code_normalise("650102") == TIANSHAN
        assert region_layers(TIANSHAN) == ["", XINJIANG, URUMQI, TIANSHAN]
        for bad in ("65", "abcdefabcdef", "6501020000001", "６５０１０２"):
            with pytest.raises(ApplicationError) as info:
                region_code_normalise(bad)
            assert info.value.code == "invalid_region"

    def test_local_holiday_applies_to_the_region_and_below_only(self):
        # 2026-05-27 (Wednesday): a regional festival holiday.
        calendar_day_set(
            day=D("2026-05-27"), kind="holiday", name="古尔邦节", region_code=XINJIANG
        )
        assert is_working_day(D("2026-05-27")) is True
        assert is_working_day(D("2026-05-27"), region_code=XINJIANG) is False
        assert is_working_day(D("2026-05-27"), region_code="650102") is False
        assert is_working_day(D("2026-05-27"), region_code="510000") is True
        assert add_working_days(D("2026-05-26"), 1, region_code=TIANSHAN) == D(
            "2026-05-28"
        )
        assert add_working_days(D("2026-05-26"), 1) == D("2026-05-27")

    def test_lower_layer_overrides_a_higher_one(self):
        calendar_day_set(
            day=D("2026-05-27"), kind="holiday", name="古尔邦节", region_code=XINJIANG
        )
        calendar_day_set(
            day=D("2026-05-27"), kind="regular", name="本区照常", region_code=TIANSHAN
        )
        assert is_working_day(D("2026-05-27"), region_code=URUMQI) is False
        assert is_working_day(D("2026-05-27"), region_code=TIANSHAN) is True

    def test_regional_regular_cancels_a_national_holiday(self):
        calendar_day_set(day=D("2026-10-07"), kind="regular", region_code=XINJIANG)
        assert is_working_day(D("2026-10-07")) is False
        assert is_working_day(D("2026-10-07"), region_code=XINJIANG) is True

    def test_region_uses_national_years(self):
        with pytest.raises(CalendarYearMissing):
            is_working_day(D("2029-01-05"), region_code=XINJIANG)

    def test_month_grid_marks_local_days(self):
        calendar_day_set(
            day=D("2026-05-27"), kind="holiday", name="古尔邦节", region_code=XINJIANG
        )
        grid = calendar_month_get(year=2026, month=5, region_code=TIANSHAN)
        cells = {c.date: c for week in grid for c in week}
        assert cells[D("2026-05-27")].name == "古尔邦节"
        assert cells[D("2026-05-27")].working is False
        assert cells[D("2026-05-09")].kind == "makeup_workday"
        assert cells[D("2026-05-01")].kind == "holiday"
        assert all(len(week) == 7 for week in grid)


class TestCalendarYearLoad:
    def test_reloading_the_official_notice_changes_nothing(self):
        before = AuditEvent.objects.count()
        result = calendar_year_load(year=2026, source="official")
        assert not result.changed
        assert result.unchanged == 39
        assert AuditEvent.objects.count() == before

    def test_new_year_from_a_list_is_loaded_and_audited(self):
        days = [
            DayEntry(D("2027-01-01"), "holiday", "元旦"),
            DayEntry(D("2027-01-02"), "holiday", "元旦"),
        ]
        result = calendar_year_load(year=2027, source="file", days=days, actor="t")
        assert result.year_created and len(result.created) == 2
        assert is_working_day(D("2027-01-01")) is False
        assert add_working_days(D("2026-12-31"), 1) == D("2027-01-04")
        event = AuditEvent.objects.get(action="workdays.year_load")
        assert event.details["created"] == ["2027-01-01", "2027-01-02"]
        again = calendar_year_load(year=2027, source="file", days=days)
        assert not again.changed

    def test_reload_removes_days_missing_from_the_new_list(self):
        days = [DayEntry(D("2027-01-01"), "holiday", "元旦")]
        calendar_year_load(
            year=2027,
            source="file",
            days=[*days, DayEntry(D("2027-01-02"), "holiday", "误录")],
        )
        result = calendar_year_load(year=2027, source="file", days=days)
        assert [e.date for e in result.removed] == [D("2027-01-02")]
        assert CalendarDay.objects.filter(date__year=2027).count() == 1

    def test_a_year_with_no_special_days_is_known(self):
        calendar_year_load(year=2027, source="manual", days=[])
        assert add_working_days(D("2027-01-01"), 1) == D("2027-01-04")

    def test_dry_run_writes_nothing(self):
        result = calendar_year_load(
            year=2027,
            source="file",
            days=[DayEntry(D("2027-01-01"), "holiday", "元旦")],
            dry_run=True,
        )
        assert result.year_created and len(result.created) == 1
        assert not CalendarYear.objects.filter(year=2027).exists()
        assert not CalendarDay.objects.filter(date__year=2027).exists()
        assert calendar_year_status(2027) == "provisional"

    @pytest.mark.parametrize(
        ("days", "message"),
        [
            ([DayEntry(D("2026-01-01"), "holiday")], "不属于 2027 年"),
            (
                [
                    DayEntry(D("2027-01-01"), "holiday"),
                    DayEntry(D("2027-01-01"), "holiday"),
                ],
                "出现了两次",
            ),
            ([DayEntry(D("2027-01-05"), "makeup_workday")], "周一至周五"),
        ],
    )
    def test_bad_lists_are_refused_whole(self, days, message):
        with pytest.raises(ApplicationError, match=message):
            calendar_year_load(year=2027, source="file", days=days)
        assert not CalendarYear.objects.filter(year=2027).exists()

    def test_chinesecalendar_has_no_data_for_an_unpublished_year(self):
        with pytest.raises(ApplicationError, match="还没有 2027 年的数据") as info:
            calendar_year_load(year=2027, source="chinesecalendar")
        assert info.value.code == "year_not_available"

    def test_chinesecalendar_reload_agrees_with_the_holidays_package(self):
        result = calendar_year_load(
            year=2026, source="chinesecalendar", check_holidays_package=True
        )
        assert result.disagreements == []
        assert result.created == [] and result.removed == []

    def test_disagreement_with_holidays_package_is_reported(self):
        result = calendar_year_load(
            year=2026,
            source="file",
            days=[DayEntry(D("2026-03-02"), "holiday", "虚构")],
            dry_run=True,
            check_holidays_package=True,
        )
        assert any(line.startswith("2026-03-02") for line in result.disagreements)


class TestLoadHolidaysCommand:
    def _call(self, *args):
        out, err = StringIO(), StringIO()
        call_command("load_holidays", *args, stdout=out, stderr=err)
        return out.getvalue(), err.getvalue()

    def test_loading_2026_from_chinesecalendar_is_idempotent(self):
        out, err = self._call("--year", "2026")
        assert "新增 0" in out and "删除 0" in out
        assert err == ""
        out, _ = self._call("--year", "2026")
        assert "修改 0" in out

    def test_loading_an_older_year_registers_it(self):
        out, _ = self._call("--year", "2023")
        assert "登记年度" in out
        assert is_working_day(D("2023-10-07")) is True  # make-up Saturday
        assert is_working_day(D("2023-10-02")) is False

    def test_dry_run_changes_nothing(self):
        out, _ = self._call("--year", "2023", "--dry-run")
        assert "试运行" in out
        assert not CalendarYear.objects.filter(year=2023).exists()

    def test_region_file_is_loaded(self, tmp_path):
        path = tmp_path / "xj.json"
        path.write_text(
            json.dumps(
                {
                    "year": 2026,
                    "region_code": "650000",
                    "source_notice": "自治区通知",
                    "days": [
                        {"date": "2026-05-27", "kind": "holiday", "name": "古尔邦节"}
                    ],
                }
            ),
            encoding="utf-8",
        )
        out, _ = self._call("--year", "2026", "--file", str(path))
        assert "650000000000" in out and "新增 1" in out
        assert is_working_day(D("2026-05-27"), region_code="650000") is False
        assert CalendarYear.objects.filter(year=2026, region_code=XINJIANG).exists()

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--year", "2027"], "还没有 2027 年"),
            (["--year", "2026", "--region", "650000"], "--file"),
            (["--year", "2026", "--file", "/nonexistent.json"], "无法读取"),
        ],
    )
    def test_errors_are_clear(self, args, message):
        with pytest.raises(CommandError, match=message):
            self._call(*args)

    def test_file_with_a_bad_entry_is_refused(self, tmp_path):
        path = tmp_path / "bad.json"
        path.write_text(json.dumps({"days": [{"date": "2027-13-01"}]}), "utf-8")
        with pytest.raises(CommandError, match="第 1 条有误"):
            self._call("--year", "2027", "--file", str(path))
