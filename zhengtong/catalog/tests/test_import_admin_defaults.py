"""The catalogue import page checks first by default; its report reads once."""

import pytest

from zhengtong.catalog.admin import CatalogImportForm
from zhengtong.catalog.importers import CatalogLoader, ItemRecord


def test_the_import_form_only_checks_unless_told_to_write():
    form = CatalogImportForm()
    assert form.fields["dry_run"].initial is True
    html = str(form["dry_run"])
    assert "checked" in html


@pytest.mark.django_db
def test_an_irregular_code_warning_names_the_shape_once():
    record = ItemRecord(
        row=2,
        item_code="511F0045400001-511602000000-000-11511301452259996u-1-00",
        department_name="区行政审批局",
    )
    record.warnings = []
    CatalogLoader()._warn_shape_and_type(record)
    assert record.warnings == [
        "实施编码不符合国家标准六段式，已原样保存。编码形态：六段式（主体代码非18位）。"
    ]
    assert "六段式（六段式（" not in record.warnings[0]
