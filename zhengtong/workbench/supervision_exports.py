"""
Excel (.xlsx) exports of the supervision desk's lists (监察台导出).

One sheet per list: a title row (what was exported, with the filters, and
when), a header row and the rows, written by openpyxl in write-only mode
(constant memory however long the list).  Every list of the desk is
exported through ``xlsx_response``; the columns are declared once per list
beside the page that shows it (``supervision_views``).

中文：监察台导出 Excel
"""

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_LIMIT = 200_000  # rows; a longer list is cut and says so


@dataclass(frozen=True)
class Column:
    """One exported column: header and how to read the value from a row."""

    header: str
    value: Callable[[Any], Any]
    width: int = 14


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).replace(tzinfo=None)
            if timezone.is_aware(value)
            else value
        )
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str | int | float | date):
        return value
    return str(value)


def xlsx_bytes(
    *, title: str, columns: Sequence[Column], rows: Iterable[Any], note: str = ""
) -> bytes:
    """Return the workbook of one list as bytes."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for index, column in enumerate(columns):
        sheet.column_dimensions[get_column_letter(index + 1)].width = column.width
    bold = Font(bold=True)
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = Font(bold=True, size=13)
    stamp = f"导出时间：{timezone.localtime():%Y-%m-%d %H:%M}"
    sheet.append([heading, stamp, note])
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for count, row in enumerate(rows):
        if count >= EXPORT_LIMIT:
            sheet.append([f"（仅导出前 {EXPORT_LIMIT} 行，请缩小筛选范围）"])
            break
        sheet.append([_cell_value(column.value(row)) for column in columns])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    *,
    title: str,
    filename: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    note: str = "",
) -> HttpResponse:
    """Return an attachment response with the list as an .xlsx workbook."""
    content = xlsx_bytes(title=title, columns=columns, rows=rows, note=note)
    response = HttpResponse(content, content_type=XLSX)
    stamped = f"{filename}-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{stamped}\"; filename*=UTF-8''{quote(stamped)}"
    )
    return response
