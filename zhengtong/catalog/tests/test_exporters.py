"""The .xlsx template, the catalogue export and reading .xlsx back."""

import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from zhengtong.catalog.exporters import (
    CHILD_SHEETS,
    ITEMS_SHEET,
    catalog_export_xlsx,
    catalog_template_xlsx,
)
from zhengtong.catalog.importers import SourceUnreadableError, catalog_import_file
from zhengtong.catalog.models import ServiceItem, ServiceItemVersion

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "demo_data"
LINGSHAN = DATA / "lingshan_450721_item_guides.jsonl"


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def item_headers(book) -> list[str]:
    return [c.value for c in book[ITEMS_SHEET][1]]


class TestTemplate:
    def test_headers_example_and_materials_sheet(self):
        book = workbook(catalog_template_xlsx())
        headers = item_headers(book)
        assert headers[:3] == ["实施编码", "事项名称", "实施部门"]
        assert {"法定时限", "承诺时限", "不收费", "办理渠道", "办件类型"} <= set(
            headers
        )
        assert book[ITEMS_SHEET].max_row == 2  # one example row
        assert "申请材料" in book.sheetnames
        assert book["申请材料"]["C2"].value == "申请书"
        assert "说明" in book.sheetnames

    def test_template_imports_as_is(self, tmp_path):
        path = tmp_path / "template.xlsx"
        path.write_bytes(catalog_template_xlsx())
        report = catalog_import_file(path, publish=True)
        assert (report.created, report.rejected) == (1, 0)
        version = ServiceItem.objects.get().current_version
        assert (version.statutory_days, version.promised_days) == (20, 5)
        assert version.materials.get().name == "申请书"
        assert set(version.channels) == {"counter", "online"}
        assert version.online_depth == "4"


class TestRoundTrip:
    def test_export_then_import_changes_nothing(self, tmp_path):
        catalog_import_file(DATA / "guangan_511602_catalogue.jsonl", publish=True)
        catalog_import_file(LINGSHAN, publish=True)
        versions_before = ServiceItemVersion.objects.count()
        data = catalog_export_xlsx()
        book = workbook(data)
        assert book[ITEMS_SHEET].max_row == 1 + 762
        assert book["申请材料"].max_row == 1 + 9 + 2 + 7
        path = tmp_path / "export.xlsx"
        path.write_bytes(data)
        report = catalog_import_file(path, publish=True)
        assert (report.created, report.updated, report.unchanged, report.rejected) == (
            0,
            0,
            762,
            0,
        )
        assert ServiceItemVersion.objects.count() == versions_before

    def test_edited_export_creates_a_new_version(self, tmp_path):
        catalog_import_file(LINGSHAN, publish=True)
        book = workbook(catalog_export_xlsx())
        sheet = book[ITEMS_SHEET]
        headers = item_headers(book)
        row = next(
            r
            for r in range(2, sheet.max_row + 1)
            if sheet.cell(r, 1).value == "TE45072110000000034450708001W01"
        )
        sheet.cell(row, headers.index("承诺时限") + 1).value = 2
        path = tmp_path / "edited.xlsx"
        book.save(path)
        report = catalog_import_file(path, publish=True)
        assert (report.updated, report.unchanged) == (1, 2)
        item = ServiceItem.objects.get(item_code="TE45072110000000034450708001W01")
        assert item.current_version.promised_days == 2
        assert item.current_version.materials.count() == 7  # children kept
        old = item.versions.get(version=1)
        assert old.promised_days == 1


class TestBadXlsx:
    def make_book(self, tmp_path, rows, materials=()):
        book = workbook(catalog_template_xlsx())
        items = book[ITEMS_SHEET]
        items.delete_rows(2)
        headers = item_headers(book)
        for values in rows:
            items.append([values.get(h) for h in headers])
        sheet = book["申请材料"]
        sheet.delete_rows(2)
        for values in materials:
            sheet.append(values)
        book["设定依据"].delete_rows(2)
        book["常见问题"].delete_rows(2)
        path = tmp_path / "bad.xlsx"
        book.save(path)
        return path

    def test_bad_rows_are_reported_with_row_numbers(self, tmp_path):
        base = {"实施编码": "X-1", "事项名称": "甲", "实施部门": "区甲局"}
        path = self.make_book(
            tmp_path,
            [
                base,  # row 2 ok
                {**base, "实施编码": "X-2", "事项名称": None},  # row 3
                {**base, "实施编码": "X-3", "法定时限": 5, "承诺时限": 6},  # row 4
                {**base, "实施编码": "X-4", "联办件": "也许"},  # row 5
                {**base, "实施编码": "X-5", "法定时限单位": "月"},  # row 6
                {**base, "实施编码": "X-6"},  # row 7: its material is bad
                {**base, "实施编码": None},  # row 8
            ],
            materials=[
                ["X-1", 1, "申请书", "必要"],
                ["X-6", 1, "申请书", "随便"],
                ["X-9", 1, "孤儿材料", "必要"],
            ],
        )
        report = catalog_import_file(path)
        rejected = {(p.sheet, p.row): p.reason for p in report.rejected_problems}
        assert "缺少事项名称" in rejected[("", 3)]
        assert "承诺时限（6）超过法定时限（5）" in rejected[("", 4)]
        assert "联办件应填“是”或“否”" in rejected[("", 5)]
        assert "法定时限单位“月”无法识别" in rejected[("", 6)]
        assert "“申请材料”表第 3 行" in rejected[("", 7)]
        assert "缺少实施编码" in rejected[("", 8)]
        assert "不在“事项”表中" in rejected[("申请材料", 4)]
        assert report.created == 1
        assert ServiceItem.objects.get().current_version is None  # draft only
        assert ServiceItem.objects.get().versions.get().materials.count() == 1
        text = str(report.rejected_problems[-1])
        assert text.startswith("“申请材料”表第 4 行 拒收")

    def test_not_an_xlsx(self, tmp_path):
        path = tmp_path / "fake.xlsx"
        path.write_text("not a workbook")
        with pytest.raises(SourceUnreadableError, match=r"不是有效的 \.xlsx"):
            catalog_import_file(path)

    def test_workbook_without_items_sheet(self, tmp_path):
        from openpyxl import Workbook

        book = Workbook()
        book.active.title = "Sheet1"
        path = tmp_path / "other.xlsx"
        book.save(path)
        with pytest.raises(SourceUnreadableError, match="缺少“事项”工作表"):
            catalog_import_file(path)

    def test_all_child_sheets_present_in_export(self):
        book = workbook(catalog_export_xlsx())
        for title, _model, _columns in CHILD_SHEETS.values():
            assert title in book.sheetnames
        assert json.dumps(item_headers(book), ensure_ascii=False)
