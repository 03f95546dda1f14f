"""Importing the catalogue: JSON Lines, departments and windows CSV, command."""

import datetime
import io
import json
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from zhengtong.catalog.constants import (
    ItemType,
    ServiceObject,
    VersionStatus,
)
from zhengtong.catalog.importers import (
    SourceUnreadableError,
    catalog_import_file,
    departments_import_file,
    item_type_map,
    windows_import_file,
)
from zhengtong.catalog.models import (
    Counter,
    Department,
    Hall,
    ServiceItem,
    ServiceItemVersion,
)
from zhengtong.catalog.services import department_upsert, region_ensure
from zhengtong.core.models import AuditEvent

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "demo_data"
GUANGAN = DATA / "guangan_511602_catalogue.jsonl"
LINGSHAN = DATA / "lingshan_450721_item_guides.jsonl"
LIAONING = DATA / "liaoning_catalogue_sample.jsonl"


def lingshan_rows() -> list[dict]:
    return [json.loads(line) for line in LINGSHAN.read_text("utf-8").splitlines()]


def write_jsonl(path: Path, rows: list) -> Path:
    lines = [
        r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class TestItemTypeMap:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("1", ItemType.LICENSING),
            ("01", ItemType.LICENSING),
            ("5", ItemType.BENEFIT),
            ("09", ItemType.ADJUDICATION),
            ("10", ItemType.OTHER_POWER),
            ("20", ItemType.PUBLIC_SERVICE),
            ("99", ItemType.UNKNOWN),
            ("", ItemType.UNKNOWN),
            (None, ItemType.UNKNOWN),
        ],
    )
    def test_national_codes(self, raw, expected):
        assert item_type_map(raw) == expected

    def test_name_used_only_when_code_is_empty(self):
        assert item_type_map("", "行政确认") == ItemType.CONFIRMATION
        assert item_type_map("99", "行政确认") == ItemType.UNKNOWN


class TestGuanganCatalogue:
    def test_import_then_reimport_is_idempotent(self):
        departments_import_file(DATA / "guangan_511602_departments.csv")
        report = catalog_import_file(GUANGAN, publish=True)
        assert report.counts() == {
            "total": 759,
            "created": 759,
            "updated": 0,
            "unchanged": 0,
            "flagged": 110,  # codes outside the national pattern (82+26+1+1)
            "rejected": 0,
        }
        assert ServiceItem.objects.count() == 759
        assert Department.objects.count() == 34
        item = ServiceItem.objects.get(
            item_code="G-000007-001-511602000000-000-115113010833722043-1-00"
        )
        assert item.code_shape == "extra_hyphens"
        assert item.item_type == ItemType.BENEFIT
        assert item.item_type_code == "5"
        assert item.current_version.status == VersionStatus.PUBLISHED
        # no invented facts: limits and fees stay unknown
        assert item.current_version.promised_days is None
        assert item.current_version.is_free is None
        assert item.current_version.materials.count() == 0

        events_before = AuditEvent.objects.count()
        again = catalog_import_file(GUANGAN, publish=True)
        assert (again.created, again.updated, again.unchanged) == (0, 0, 759)
        assert ServiceItemVersion.objects.count() == 759
        # only the run event was added
        assert AuditEvent.objects.count() == events_before + 1

    def test_codes_stored_byte_exact_and_unknown_departments_flagged(self):
        report = catalog_import_file(GUANGAN)
        created = [p for p in report.flagged_problems if "已自动新建" in p.reason]
        assert len(created) == 32  # first row of each department not yet listed
        assert Department.objects.count() == 32
        codes = {
            json.loads(line)["item_code"] for line in GUANGAN.open(encoding="utf-8")
        }
        assert set(ServiceItem.objects.values_list("item_code", flat=True)) == codes


class TestLingshanGuides:
    def test_full_guides(self):
        report = catalog_import_file(LINGSHAN, publish=True)
        assert (report.created, report.rejected) == (3, 0)
        item = ServiceItem.objects.get(item_code="1145072100811537184452004020000")
        version = item.current_version
        assert item.code_shape == "legacy_31"
        assert (version.statutory_days, version.promised_days) == (20, 5)
        assert version.is_free is True
        assert version.materials.count() == 9
        first = version.materials.get(order=1)
        assert (first.original_count, first.copy_count) == (0, 3)
        assert version.legal_bases.count() >= 1
        assert version.special_procedures.get().days == 30
        assert version.faqs.count() == 1
        assert set(version.channels) == {"counter", "online"}
        assert "江南路5号" in version.place
        ethnic = ServiceItem.objects.get(item_code="TE45072110000000034450708001W01")
        assert ethnic.current_version.service_object == ServiceObject.PERSON
        assert ethnic.current_version.data_quality_notes

    def test_changed_guide_creates_a_new_version_and_keeps_the_old(self, tmp_path):
        catalog_import_file(LINGSHAN, publish=True)
        rows = lingshan_rows()
        rows[0]["promised_limit_days"] = 4
        rows[0]["materials"][1]["requirement"] = "x"  # ignored key, no effect
        changed = write_jsonl(tmp_path / "changed.jsonl", rows)
        report = catalog_import_file(
            changed, publish=True, effective_from=datetime.date(2099, 1, 1)
        )
        assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
        item = ServiceItem.objects.get(item_code=rows[0]["item_code"])
        v1, v2 = item.versions.order_by("version")
        assert (v1.promised_days, v2.promised_days) == (5, 4)
        assert v2.effective_from == datetime.date(2099, 1, 1)
        assert item.current_version == v1  # the new one is not in force yet
        assert v1.materials.count() == 9

    def test_without_publish_changes_go_to_one_draft(self, tmp_path):
        catalog_import_file(LINGSHAN, publish=True)
        rows = lingshan_rows()
        rows[1]["promised_limit_days"] = 3
        catalog_import_file(write_jsonl(tmp_path / "a.jsonl", rows))
        rows[1]["promised_limit_days"] = 2
        report = catalog_import_file(write_jsonl(tmp_path / "b.jsonl", rows))
        assert report.updated == 1
        item = ServiceItem.objects.get(item_code=rows[1]["item_code"])
        assert item.versions.count() == 2
        draft = item.versions.get(status=VersionStatus.DRAFT)
        assert draft.promised_days == 2
        assert item.current_version.promised_days == 5
        # publishing the unchanged draft later counts as an update
        report = catalog_import_file(tmp_path / "b.jsonl", publish=True)
        assert report.updated == 1
        item.refresh_from_db()
        assert item.current_version == draft


class TestBadRows:
    def test_each_bad_row_reported_with_number_and_good_rows_imported(self, tmp_path):
        region_ensure(code="450721000000", name="灵山县")
        department_upsert(region=None, name="x")  # unrelated
        good = lingshan_rows()[2]
        no_name = {**good, "item_code": "A-1", "item_name": ""}
        too_long = {
            **good,
            "item_code": "A-2",
            "legal_limit_days": 10,
            "promised_limit_days": 11,
        }
        negative = {**good, "item_code": "A-3", "promised_limit_days": "三"}
        unknown_dept = {**good, "item_code": "A-4", "department": "灵山县新设局"}
        not_object = "[1, 2]"
        path = write_jsonl(
            tmp_path / "bad.jsonl",
            [
                good,
                "{not json",
                no_name,
                too_long,
                negative,
                unknown_dept,
                not_object,
                good,
            ],
        )
        report = catalog_import_file(path)
        rejected = {p.row: p.reason for p in report.rejected_problems}
        assert set(rejected) == {2, 3, 4, 5, 7, 8}
        assert "不是有效的 JSON" in rejected[2]
        assert "缺少事项名称" in rejected[3]
        assert "承诺时限（11）超过法定时限（10）" in rejected[4]
        assert "承诺时限应为非负整数" in rejected[5]
        assert "不是 JSON 对象" in rejected[7]
        assert "与第 1 行重复" in rejected[8]
        flagged = {p.row: p.reason for p in report.flagged_problems}
        assert "不在部门名单中，已自动新建" in flagged[6]
        assert report.created == 2
        assert ServiceItem.objects.filter(item_code__in=["A-2", "A-3"]).count() == 0
        assert Department.objects.filter(name="灵山县新设局").exists()

    def test_too_long_values_are_rejected_with_the_field_label(self, tmp_path):
        good = lingshan_rows()[2]
        long_name = {**good, "item_code": "L-1", "item_name": "长" * 301}
        long_material = {
            **good,
            "item_code": "L-2",
            "materials": [{"order": 1, "name": "材" * 501}],
        }
        report = catalog_import_file(
            write_jsonl(tmp_path / "long.jsonl", [long_name, long_material, good])
        )
        rejected = {p.row: p.reason for p in report.rejected_problems}
        assert rejected[1].startswith("事项名称：")
        assert "300" in rejected[1]
        assert rejected[2].startswith("申请材料：材料名称：")
        assert report.created == 1
        assert not ServiceItem.objects.filter(item_code__in=["L-1", "L-2"]).exists()

    def test_strict_departments_rejects_unknown_department(self, tmp_path):
        row = {**lingshan_rows()[2], "department": "不存在的局"}
        report = catalog_import_file(
            write_jsonl(tmp_path / "d.jsonl", [row]), create_departments=False
        )
        assert report.rejected == 1
        assert "不在部门名单中" in report.rejected_problems[0].reason
        assert not Department.objects.filter(name="不存在的局").exists()

    def test_liaoning_rows_without_implementation_code_are_rejected(self):
        report = catalog_import_file(LIAONING)
        assert (report.total, report.rejected, report.created) == (30, 30, 0)
        assert all("缺少实施编码" in p.reason for p in report.problems)
        assert "210973001000" in report.problems[0].reason
        assert ServiceItem.objects.count() == 0

    def test_dry_run_writes_nothing(self):
        report = catalog_import_file(LINGSHAN, dry_run=True)
        assert report.created == 3
        assert ServiceItem.objects.count() == 0
        assert Department.objects.count() == 0

    def test_unreadable_files(self, tmp_path):
        with pytest.raises(SourceUnreadableError, match="找不到文件"):
            catalog_import_file(tmp_path / "missing.jsonl")
        (tmp_path / "x.csv").write_text("a,b")
        with pytest.raises(SourceUnreadableError, match="不支持的文件类型"):
            catalog_import_file(tmp_path / "x.csv")
        (tmp_path / "gbk.jsonl").write_bytes('{"item_name": "测试"}'.encode("gbk"))
        with pytest.raises(SourceUnreadableError, match="UTF-8"):
            catalog_import_file(tmp_path / "gbk.jsonl")


class TestCommands:
    def test_exit_zero_with_counts_and_progress(self):
        out, err = io.StringIO(), io.StringIO()
        call_command(
            "import_catalog", str(GUANGAN), "--publish", stdout=out, stderr=err
        )
        text = out.getvalue()
        assert "已处理 100/759 行" in text
        assert "新增 759" in text
        assert "标记 135" in text  # shapes + first row of each new department
        assert err.getvalue() == ""

    def test_rejected_rows_go_to_stderr_and_still_exit_zero(self):
        out, err = io.StringIO(), io.StringIO()
        call_command("import_catalog", str(LIAONING), stdout=out, stderr=err)
        assert "第 1 行 拒收" in err.getvalue()
        assert "拒收 30" in out.getvalue()

    def test_unreadable_file_fails_with_chinese_message(self, tmp_path):
        with pytest.raises(CommandError, match="找不到文件"):
            call_command("import_catalog", str(tmp_path / "none.jsonl"))

    def test_bad_effective_date(self):
        with pytest.raises(CommandError, match="格式错误"):
            call_command(
                "import_catalog",
                str(LINGSHAN),
                "--publish",
                "--effective-from",
                "2026/1/1",
            )
        with pytest.raises(CommandError, match="--publish"):
            call_command(
                "import_catalog", str(LINGSHAN), "--effective-from", "2026-01-01"
            )


class TestDepartmentsCsv:
    def test_34_departments_with_credit_flags(self):
        report = departments_import_file(DATA / "guangan_511602_departments.csv")
        assert (report.created, report.rejected, report.flagged) == (34, 0, 1)
        assert "11511301452259996u" in report.flagged_problems[0].reason
        assert report.flagged_problems[0].row == 25  # 区残联, line 25 of the file
        disabled = Department.objects.get(name="区残联")
        assert disabled.credit_code_valid is False
        finance = Department.objects.get(name="区财政局")
        assert finance.credit_code_valid is True
        assert finance.order == 6
        assert Department.objects.get(name="区经信局").credit_code_valid is None
        tax = Department.objects.get(name="区交通运输局")
        assert tax.portal_codes == "11511301008778386B,11736"
        again = departments_import_file(DATA / "guangan_511602_departments.csv")
        assert again.unchanged == 34

    def test_missing_columns(self, tmp_path):
        path = tmp_path / "d.csv"
        path.write_text("name\n区某局\n", encoding="utf-8")
        with pytest.raises(SourceUnreadableError, match="缺少列"):
            departments_import_file(path)

    def test_blank_name_row_is_rejected_with_row_number(self, tmp_path):
        path = tmp_path / "d.csv"
        path.write_text(
            "order,department,region_code\n1,区甲局,511602000000\n2,,511602000000\n"
            "3,区乙局,51160\n",
            encoding="utf-8",
        )
        report = departments_import_file(path)
        assert report.created == 1
        assert [p.row for p in report.rejected_problems] == [3, 4]


class TestWindowsCsv:
    def test_six_rows_become_one_hall_and_three_counters(self):
        catalog_import_file(LINGSHAN, publish=True)
        report = windows_import_file(DATA / "lingshan_450721_service_windows.csv")
        assert report.created == 3
        hall = Hall.objects.get()
        assert hall.name == "灵山县政务服务中心" or hall.name.endswith("政务服务中心")
        assert "江南路12号" in hall.address and "江南路5号" in hall.address
        counters = {c.number: c for c in Counter.objects.all()}
        assert set(counters) == {"2", "11", "4-6"}
        assert counters["2"].zone == "法人大厅"
        assert counters["2"].floor == "一楼"
        assert counters["2"].phone == "0777-6428820"
        assert counters["11"].floor == "二楼"
        assert counters["4-6"].is_integrated is True
        depts = set(counters["2"].departments.values_list("name", flat=True))
        assert depts == {"灵山县发展和改革局", "灵山县行政审批局"}
        assert counters["2"].items.count() == 2
        assert "２" not in hall.hours
        again = windows_import_file(DATA / "lingshan_450721_service_windows.csv")
        assert again.unchanged == 3
        assert Counter.objects.count() == 3
