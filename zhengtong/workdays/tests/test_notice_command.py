"""``manage.py load_holidays --notice FILE``: preview, JSON, load, errors."""

import json
import os
import subprocess
import sys
from datetime import date
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from zhengtong.core.models import AuditEvent
from zhengtong.workdays.models import CalendarDay, CalendarYear
from zhengtong.workdays.selectors import calendar_cache_clear, calendar_year_status
from zhengtong.workdays.services import calendar_year_load, is_working_day

pytestmark = pytest.mark.django_db
NOTICES = Path(__file__).parent / "notices"
D = date.fromisoformat


def call(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_holidays", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def notice(name: str) -> str:
    return str(NOTICES / name)


@pytest.fixture
def provisional_2026():
    """Forget the shipped 2026 notice: 2026 is derived from the law (推定)."""
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    calendar_cache_clear()
    assert calendar_year_status(2026) == "provisional"


def snapshot() -> tuple[int, int, int]:
    return (
        CalendarDay.objects.count(),
        CalendarYear.objects.count(),
        AuditEvent.objects.count(),
    )


class TestDryRunJson:
    @pytest.mark.parametrize(
        ("name", "year", "first"),
        [
            ("2008.txt", 2008, {"date": "2007-12-29", "off_day": False}),
            ("2019-as-amended.txt", 2019, {"date": "2018-12-29", "off_day": False}),
            ("2026-govcn.html", 2026, {"date": "2026-01-01", "off_day": True}),
        ],
    )
    def test_prints_only_the_days_and_changes_nothing(self, name, year, first):
        before = snapshot()
        out, err = call(
            "--year", str(year), "--notice", notice(name), "--dry-run", "--json"
        )
        rows = json.loads(out)
        assert rows[0] == first
        assert all(set(row) == {"date", "off_day"} for row in rows)
        assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)
        assert err == ""
        assert snapshot() == before

    def test_gb18030_file_is_read(self, tmp_path):
        path = tmp_path / "2017.txt"
        path.write_bytes((NOTICES / "2017.txt").read_text("utf-8").encode("gb18030"))
        out, _ = call("--year", "2017", "--notice", str(path), "--dry-run", "--json")
        assert {"date": "2017-01-02", "off_day": True} in json.loads(out)


class TestPreviewAndLoad:
    def test_dry_run_compares_with_the_provisional_year(self, provisional_2026):
        before = snapshot()
        out, _ = call("--year", "2026", "--notice", notice("2026.txt"), "--dry-run")
        assert "推定" in out
        assert "第 5 行  元旦：1月1日至1月3日休 3 天；1月4日上班" in out
        assert "2026-01-02 周五：工作日（推定） → 休息日（元旦）" in out
        assert "2026-01-04 周日：休息日（推定） → 工作日（元旦调休上班）" in out
        assert "2026-01-01" not in out.split("现在 → 通知")[1].split("新增")[0]
        assert "［试运行，未写入］" in out
        assert snapshot() == before
        assert calendar_year_status(2026) == "provisional"

    def test_load_makes_the_year_official_and_a_second_load_changes_nothing(
        self, provisional_2026
    ):
        assert is_working_day(D("2026-01-04")) is False  # no 调休 guessed
        out, _ = call(
            "--year", "2026", "--notice", notice("2026.txt"),
            "--url", "https://www.gov.cn/zhengce/content/202511/content_7047090.htm",
        )  # fmt: skip
        assert "新增 39" in out
        year = CalendarYear.objects.get(year=2026, region_code="")
        assert year.source == "notice"
        assert year.source_notice == "国务院办公厅关于2026年部分节假日安排的通知"
        assert year.source_url.endswith("content_7047090.htm")
        assert calendar_year_status(2026) == "official"
        assert is_working_day(D("2026-01-04")) is True
        assert is_working_day(D("2026-02-23")) is False
        events = AuditEvent.objects.filter(action="workdays.year_load").count()
        assert events >= 1

        before = snapshot()
        out, _ = call("--year", "2026", "--notice", notice("2026.txt"))
        assert "新增 0，修改 0，删除 0，未变 39" in out
        assert snapshot() == before

    def test_title_option_names_the_source(self, provisional_2026):
        call(
            "--year", "2026", "--notice", notice("2026-govcn.html"),
            "--title", "国务院办公厅关于2026年部分节假日安排的通知（gov.cn）",
        )  # fmt: skip
        day = CalendarDay.objects.get(date=D("2026-02-14"))
        assert day.kind == "makeup_workday" and day.name == "春节调休上班"
        assert day.source_notice.endswith("（gov.cn）")

    def test_previous_december_is_set_when_that_year_is_loaded(self):
        calendar_year_load(2018, source="file", days=[])  # 2018 known, no days
        out, _ = call("--year", "2019", "--notice", notice("2019-as-amended.txt"))
        assert "上一年 2018-12-29 调休上班（元旦）：已设置" in out
        assert is_working_day(D("2018-12-29")) is True
        assert CalendarDay.objects.get(date=D("2018-12-31")).name == "元旦"
        assert AuditEvent.objects.filter(action="workdays.day_set").count() == 3

        out, _ = call("--year", "2019", "--notice", notice("2019-as-amended.txt"))
        assert "上一年 2018-12-29 调休上班（元旦）：已是如此" in out
        assert AuditEvent.objects.filter(action="workdays.day_set").count() == 3

    def test_previous_december_is_skipped_when_that_year_is_not_loaded(self):
        out, _ = call("--year", "2008", "--notice", notice("2008.txt"))
        assert "上一年 2007-12-29 调休上班（元旦）：该年未导入，跳过" in out
        assert not CalendarDay.objects.filter(date__year=2007).exists()
        assert CalendarYear.objects.get(year=2008).source == "notice"

    def test_holidays_package_disagreement_is_reported_and_strict_refuses(
        self, provisional_2026, tmp_path
    ):
        text = (
            (NOTICES / "2026.txt")
            .read_text("utf-8")
            .replace(
                "三、清明节：4月4日（周六）至6日（周一）放假，共3天。",
                "三、清明节：4月3日（周五）至5日（周日）放假，共3天。",
            )
        )
        path = tmp_path / "moved.txt"
        path.write_text(text, "utf-8")
        with pytest.raises(CommandError, match="--strict"):
            call("--year", "2026", "--notice", str(path), "--strict")
        assert calendar_year_status(2026) == "provisional"
        _, err = call("--year", "2026", "--notice", str(path), "--dry-run")
        assert "与 holidays 程序包不一致：2026-04-03" in err


def test_skipping_a_year_is_warned(tmp_path):
    path = tmp_path / "2028.txt"
    path.write_text(
        "国务院办公厅关于2028年部分节假日安排的通知\n一、元旦：1月1日放假，与周末连休。\n",
        "utf-8",
    )
    _, err = call("--year", "2028", "--notice", str(path), "--dry-run")
    assert "2027 年的通知尚未导入" in err and "请先导入 2027 年的通知" in err
    _, err = call("--year", "2026", "--notice", notice("2026.txt"), "--dry-run")
    assert "尚未导入" not in err


class TestErrors:
    def test_unreadable_text_names_line_and_phrase_and_writes_nothing(self, tmp_path):
        path = tmp_path / "bad.txt"
        text = (NOTICES / "2026.txt").read_text("utf-8").replace("共5天", "共6天")
        path.write_text(text, "utf-8")
        before = snapshot()
        with pytest.raises(CommandError) as info:
            call("--year", "2026", "--notice", str(path))
        assert str(info.value).startswith("第 8 行“四、劳动节：")
        assert "“共6天”：与放假日期不符" in str(info.value)
        assert snapshot() == before

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--year", "2027", "--notice", "/nonexistent.txt"], "无法读取通知文件"),
            (["--year", "2027", "--notice", "NOTICE", "--region", "650000"], "全国"),
            (["--year", "2027", "--notice", "NOTICE", "--dry-run"], "与指定的 2027 年不一致"),
            (["--year", "2026", "--json"], "--json 只用于 --notice"),
        ],
    )  # fmt: skip
    def test_errors_are_clear(self, args, message):
        args = [notice("2026.txt") if a == "NOTICE" else a for a in args]
        with pytest.raises(CommandError, match=message):
            call(*args)

    def test_exit_status_is_non_zero_from_the_shell(self, tmp_path):
        path = tmp_path / "bad.txt"
        path.write_text(
            "国务院办公厅关于2024年部分节假日安排的通知\n三、清明节：4月4日至6日放假期间。\n"
        )
        manage = Path(__file__).resolve().parents[3] / "manage.py"
        done = subprocess.run(
            [sys.executable, str(manage), "load_holidays", "--year", "2024",
             "--notice", str(path), "--dry-run", "--json"],
            capture_output=True, text=True, check=False,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        )  # fmt: skip
        assert done.returncode != 0
        assert done.stdout == ""
        assert "第 2 行" in done.stderr and "“期间”" in done.stderr
