"""
Export the catalogue to .xlsx, build the import template, and read it back.

The workbook has one sheet of items (one row per item, its newest version)
and one sheet per kind of child row (materials, legal basis, fees, special
procedures, FAQ), joined by the implementation code. The same layout is the
import template, so export → import changes nothing.
"""

import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models
from django.db.models import Max
from django.utils import timezone

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from .constants import Channel, ItemType
from .importers import (
    VERSION_FIELDS,
    ItemRecord,
    RowError,
    SourceUnreadableError,
    _check_limits,
    _text,
    item_type_map,
)
from .models import (
    FAQ,
    Fee,
    LegalBasis,
    Material,
    ServiceItemVersion,
    SpecialProcedure,
)
from .services import VERSION_CHILD_RELATIONS, region_code_normalise

ITEMS_SHEET = "事项"
CODE_HEADER = "实施编码"

# (header, key) of item-level columns; the rest come from VERSION_FIELDS.
RECORD_COLUMNS = [
    ("实施编码", "item_code"),
    ("事项名称", "name"),
    ("实施部门", "department_name"),
    ("区划代码", "region_code"),
    ("部门编码", "dept_code"),
]
VERSION_HEADERS = {
    "category": "主项",
    "basic_code": "基本编码",
    "business_code": "业务办理项编码",
    "item_type": "事项类型",
    "item_type_code": "来源类型编码",
    "implementing_body": "实施主体",
    "service_object": "服务对象",
    "exercise_level": "行使层级",
    "conditions": "受理条件",
    "handling_mode": "办件类型",
    "is_joint": "联办件",
    "is_report_up": "上报件",
    "procedure": "办理流程",
    "statutory_days": "法定时限",
    "statutory_unit": "法定时限单位",
    "statutory_note": "法定时限说明",
    "promised_days": "承诺时限",
    "promised_unit": "承诺时限单位",
    "promised_note": "承诺时限说明",
    "is_free": "不收费",
    "fee_note": "收费说明",
    "channels": "办理渠道",
    "online_depth": "网办深度",
    "online_apply_url": "网上办理地址",
    "max_visits": "到办事现场次数",
    "place": "办理地点",
    "office_hours": "办理时间",
    "traffic": "交通指引",
    "consult_phone": "咨询电话",
    "supervise_phone": "监督投诉电话",
    "result_name": "办理结果名称",
    "result_type": "结果类型",
}
INFO_COLUMNS = [("来源详情页", "detail_url")]
READ_ONLY_COLUMNS = ["版本号", "版本状态", "生效日期"]

CHILD_SHEETS: dict[str, tuple[str, type[models.Model], list[tuple[str, str]]]] = {
    "materials": (
        "申请材料",
        Material,
        [
            ("序号", "order"),
            ("材料名称", "name"),
            ("必要性", "requirement"),
            ("适用情形", "condition_note"),
            ("原件份数", "original_count"),
            ("复印件份数", "copy_count"),
            ("材料形式", "form"),
            ("可容缺", "tolerance_allowed"),
            ("来源渠道", "source_explain"),
            ("签章要求", "sign_requirement"),
            ("设定依据", "by_law"),
            ("页数", "page_count"),
            ("备注", "remark"),
            ("材料编码", "material_code"),
        ],
    ),
    "legal_bases": (
        "设定依据",
        LegalBasis,
        [
            ("序号", "order"),
            ("法律法规名称", "law_name"),
            ("文号", "law_number"),
            ("条款号", "clause_number"),
            ("条款内容", "clause_content"),
        ],
    ),
    "fees": (
        "收费项目",
        Fee,
        [
            ("序号", "order"),
            ("收费项目", "name"),
            ("收费标准", "standard"),
            ("收费依据", "basis"),
            ("金额（元）", "amount_yuan"),
        ],
    ),
    "special_procedures": (
        "特别程序",
        SpecialProcedure,
        [
            ("程序名称", "name"),
            ("时限", "days"),
            ("时限单位", "unit"),
            ("说明", "description"),
            ("实施机构", "department_name"),
        ],
    ),
    "faqs": (
        "常见问题",
        FAQ,
        [("序号", "order"), ("问题", "question"), ("解答", "answer")],
    ),
}

_YES = {"是", "y", "yes", "true", "1", "√"}
_NO = {"否", "n", "no", "false", "0", "×"}
_CHANNEL_BY_LABEL = {str(label): value for value, label in Channel.choices}
_CHANNEL_LABEL = {value: str(label) for value, label in Channel.choices}


def _item_headers() -> list[str]:
    headers = [h for h, _k in RECORD_COLUMNS]
    headers += [VERSION_HEADERS[f] for f in VERSION_FIELDS if f != "name"]
    headers += [h for h, _k in INFO_COLUMNS]
    return headers + READ_ONLY_COLUMNS


# ---------------------------------------------------------------- cell values


def cell_from_value(field: models.Field, value: Any) -> Any:
    """
    Return the spreadsheet form of a model value (labels for choices).

    中文：字段值转单元格
    """
    if field.name == "channels":
        return "、".join(_CHANNEL_LABEL.get(v, v) for v in value or [])
    if value is None:
        return None
    if isinstance(field, models.BooleanField):
        return "是" if value else "否"
    if field.choices:
        return str(dict(field.choices).get(value, value)) if value != "" else None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str) and value == "":
        return None
    return value


def value_from_cell(field: models.Field, raw: Any, label: str) -> Any:
    """
    Return the model value of a spreadsheet cell, or raise RowError.

    Empty cells take the field's default (None where the field allows it).

    中文：单元格转字段值
    """
    text = _text(raw)
    if field.name == "channels":
        values = []
        for part in [
            p for p in text.replace(",", "、").replace("，", "、").split("、") if p
        ]:
            if part in _CHANNEL_BY_LABEL:
                values.append(_CHANNEL_BY_LABEL[part])
            elif part in _CHANNEL_LABEL:
                values.append(part)
            else:
                allowed = "、".join(_CHANNEL_BY_LABEL)
                raise RowError(f"{label}“{part}”无法识别，可填：{allowed}。")
        return values
    if text == "":
        if field.null:
            return None
        return field.get_default()
    if isinstance(field, models.BooleanField):
        lowered = text.lower()
        if lowered in _YES:
            return True
        if lowered in _NO:
            return False
        raise RowError(f"{label}应填“是”或“否”，实际为“{text}”。")
    if field.choices:
        by_label = {str(lab): val for val, lab in field.choices}
        if text in by_label:
            return by_label[text]
        if text in dict(field.choices):
            return text
        raise RowError(f"{label}“{text}”无法识别，可填：{'、'.join(by_label)}。")
    if isinstance(field, models.DecimalField):
        try:
            return Decimal(text).quantize(Decimal("0.01"))
        except ArithmeticError as exc:
            raise RowError(f"{label}应为金额数字，实际为“{text}”。") from exc
    if isinstance(field, models.IntegerField):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, int) and raw >= 0:
            return raw
        if text.isdigit():
            return int(text)
        raise RowError(f"{label}应为非负整数，实际为“{text}”。")
    max_length = getattr(field, "max_length", None)
    if max_length and len(text) > max_length:
        raise RowError(f"{label}超过 {max_length} 个字符。")
    return text


# ---------------------------------------------------------------- writing


_HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")


def _sheet_header(sheet: Any, headers: list[str], widths: dict[str, int]) -> None:
    sheet.append(headers)
    for index, header in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(header, 16)
    sheet.freeze_panes = "B2"


_WIDTHS = {
    "实施编码": 34,
    "事项名称": 30,
    "实施部门": 18,
    "受理条件": 40,
    "材料名称": 36,
    "条款内容": 50,
    "法律法规名称": 30,
    "问题": 36,
    "解答": 50,
}


def _version_row(version: ServiceItemVersion) -> list[Any]:
    item = version.item
    department = version.department
    row: list[Any] = [
        item.item_code,
        version.name,
        department.name,
        item.region.code if item.region_id else None,
        department.credit_code or (department.portal_codes.split(",")[0] or None),
    ]
    for name in VERSION_FIELDS:
        if name == "name":
            continue
        field = ServiceItemVersion._meta.get_field(name)
        row.append(cell_from_value(field, getattr(version, name)))
    row.append(item.detail_url or None)
    row += [
        version.version,
        version.get_status_display(),
        version.effective_from.isoformat() if version.effective_from else None,
    ]
    return row


def _child_row(item_code: str, model: type[models.Model], columns, obj) -> list[Any]:
    row = [item_code]
    for _header, name in columns:
        row.append(cell_from_value(model._meta.get_field(name), getattr(obj, name)))
    return row


def _new_workbook() -> tuple[Workbook, Any, dict[str, Any]]:
    workbook = Workbook()
    items_sheet = workbook.active
    items_sheet.title = ITEMS_SHEET
    _sheet_header(items_sheet, _item_headers(), _WIDTHS)
    child_sheets = {}
    for relation, (title, _model, columns) in CHILD_SHEETS.items():
        sheet = workbook.create_sheet(title)
        _sheet_header(sheet, [CODE_HEADER, *[h for h, _n in columns]], _WIDTHS)
        child_sheets[relation] = sheet
    return workbook, items_sheet, child_sheets


def _add_validations(items_sheet: Any, child_sheets: dict[str, Any]) -> None:
    headers = _item_headers()

    def add(
        sheet: Any, column_headers: list[str], header: str, options: list[str]
    ) -> None:
        if header not in column_headers:
            return
        letter = get_column_letter(column_headers.index(header) + 1)
        validation = DataValidation(
            type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
        )
        validation.error = "请从下拉列表中选择。"
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}5000")

    for name, header in VERSION_HEADERS.items():
        field = ServiceItemVersion._meta.get_field(name)
        if isinstance(field, models.BooleanField):
            add(items_sheet, headers, header, ["是", "否"])
        elif field.choices:
            add(
                items_sheet,
                headers,
                header,
                [str(label) for _v, label in field.choices],
            )
    _title, _model, columns = CHILD_SHEETS["materials"]
    material_headers = [CODE_HEADER, *[h for h, _n in columns]]
    for header, name in columns:
        field = Material._meta.get_field(name)
        if isinstance(field, models.BooleanField):
            add(child_sheets["materials"], material_headers, header, ["是", "否"])
        elif field.choices:
            add(
                child_sheets["materials"],
                material_headers,
                header,
                [str(label) for _v, label in field.choices],
            )


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def catalog_export_xlsx() -> bytes:
    """
    Return the whole catalogue as .xlsx bytes (newest version of each item).

    中文：导出全部事项
    """
    workbook, items_sheet, child_sheets = _new_workbook()
    latest = dict(
        ServiceItemVersion.objects.values("item_id")
        .annotate(top=Max("version"))
        .values_list("item_id", "top")
    )
    version_ids = [
        pk
        for pk, item_id, number in ServiceItemVersion.objects.values_list(
            "pk", "item_id", "version"
        )
        if latest.get(item_id) == number
    ]
    queryset = (
        ServiceItemVersion.objects.filter(pk__in=version_ids)
        .select_related("item", "item__region", "department")
        .prefetch_related(*VERSION_CHILD_RELATIONS)
        .order_by("department__order", "department__name", "item__item_code")
    )
    for start in range(0, len(version_ids), 500):
        for version in queryset[start : start + 500]:
            items_sheet.append(_version_row(version))
            for relation, (_title, model, columns) in CHILD_SHEETS.items():
                rows = getattr(version, relation).all()
                if relation == "special_procedures":
                    rows = sorted(rows, key=lambda r: r.pk)
                for obj in rows:
                    child_sheets[relation].append(
                        _child_row(version.item.item_code, model, columns, obj)
                    )
    _notes_sheet(workbook, exported=True)
    return _save(workbook)


def catalog_template_xlsx() -> bytes:
    """
    Return the import template: headers, one example row, a notes sheet.

    中文：下载导入模板
    """
    workbook, items_sheet, child_sheets = _new_workbook()
    code = "示例0001-511602000000-000-11511301008778255F-1-00"
    example = {
        "实施编码": code,
        "事项名称": "（示例，导入前请删除本行）某某许可",
        "实施部门": "区行政审批局",
        "区划代码": "511602000000",
        "主项": "某某许可",
        "事项类型": "行政许可",
        "来源类型编码": "01",
        "服务对象": "自然人、法人",
        "受理条件": "按设定依据填写受理条件。",
        "办件类型": "承诺件",
        "联办件": "否",
        "上报件": "否",
        "法定时限": 20,
        "法定时限单位": "工作日",
        "承诺时限": 5,
        "承诺时限单位": "工作日",
        "不收费": "是",
        "办理渠道": "窗口办理、网上办理",
        "网办深度": "全程网办（四星）",
        "到办事现场次数": 1,
        "办理地点": "区政务服务中心",
        "办理时间": "工作日 9:00-12:00，14:00-17:00",
        "办理结果名称": "某某许可证",
    }
    items_sheet.append([example.get(h) for h in _item_headers()])
    child_sheets["materials"].append(
        [code, 1, "申请书", "必要", None, 1, 0, "纸质、电子", "否", "申请人自备"]
    )
    child_sheets["legal_bases"].append(
        [code, 1, "《中华人民共和国行政许可法》", None, "第二十九条", "（示例）"]
    )
    child_sheets["faqs"].append([code, 1, "（示例）问题", "（示例）解答"])
    _add_validations(items_sheet, child_sheets)
    _notes_sheet(workbook, exported=False)
    return _save(workbook)


def _notes_sheet(workbook: Workbook, *, exported: bool) -> None:
    sheet = workbook.create_sheet("说明")
    lines = [
        "政通事项目录导入/导出表（manage.py import_catalog 文件.xlsx 可直接导入）",
        f"生成时间：{timezone.localtime().strftime('%Y-%m-%d %H:%M')}",
        "“事项”表每行一个事项，以“实施编码”为唯一键（逐字保存，不做任何修改）；重复导入按实施编码更新，不会产生重复事项。",
        "其他各表（申请材料、设定依据、收费项目、特别程序、常见问题）每行一条，第一列填所属事项的实施编码。",
        "必填：实施编码、事项名称、实施部门。承诺时限不得超过法定时限。",
        "“不收费”填 是/否；留空表示来源未载明收费信息（指南显示“以窗口告知为准”）。",
        "“办理渠道”可填多个，以顿号分隔：" + "、".join(_CHANNEL_BY_LABEL) + "。",
        "“事项类型”填名称（"
        + "、".join(str(lab) for _v, lab in ItemType.choices)
        + "）；留空时按“来源类型编码”映射。",
        "“版本号、版本状态、生效日期”仅供查看，导入时忽略；内容有变化时导入生成新版本。",
        "出错的行会连同行号和原因列出，其余行照常导入。",
    ]
    if not exported:
        lines.append("模板第 2 行为示例，导入前请删除。")
    for line in lines:
        sheet.append([line])
    sheet.column_dimensions["A"].width = 120


# ---------------------------------------------------------------- reading


def _header_map(sheet: Any) -> dict[str, int]:
    first = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())
    mapping = {}
    for index, value in enumerate(first):
        header = _text(value).split("（")[0] if value is not None else ""
        if header and header not in mapping:
            mapping[header] = index
        full = _text(value)
        if full and full not in mapping:
            mapping[full] = index
    return mapping


def _cell(row: tuple, headers: dict[str, int], header: str) -> Any:
    index = headers.get(header)
    if index is None or index >= len(row):
        return None
    return row[index]


def _blank(row: tuple) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def read_xlsx(path: Path) -> Iterator[tuple[int, ItemRecord | RowError]]:
    """
    Yield (row number, record or error) for each item row of the workbook.

    Child rows whose item code is not on the items sheet are reported with
    their own sheet and row number.

    中文：读取导入模板
    """
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise SourceUnreadableError(f"无法读取 Excel 文件 {path.name}：{exc}") from exc
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise SourceUnreadableError(
            f"无法读取 Excel 文件 {path.name}：不是有效的 .xlsx 文件。"
        ) from exc
    try:
        if ITEMS_SHEET not in workbook.sheetnames:
            raise SourceUnreadableError(
                f"Excel 文件缺少“{ITEMS_SHEET}”工作表，请使用管理后台下载的导入模板。"
            )
        sheet = workbook[ITEMS_SHEET]
        headers = _header_map(sheet)
        missing = [h for h, _k in RECORD_COLUMNS[:3] if h not in headers]
        if missing:
            raise SourceUnreadableError(
                f"“{ITEMS_SHEET}”表缺少列：{'、'.join(missing)}。"
            )
        children: dict[str, dict[str, list[tuple[int, dict[str, Any]]]]] = {}
        child_errors: dict[str, list[str]] = {}
        orphans: list[tuple[int, RowError]] = []
        item_rows = [
            (n, row)
            for n, row in enumerate(
                sheet.iter_rows(min_row=2, values_only=True), start=2
            )
            if not _blank(row)
        ]
        codes = {_text(_cell(r, headers, CODE_HEADER)) for _n, r in item_rows}
        for relation, (title, model, columns) in CHILD_SHEETS.items():
            if title not in workbook.sheetnames:
                continue
            child_sheet = workbook[title]
            child_headers = _header_map(child_sheet)
            for number, row in enumerate(
                child_sheet.iter_rows(min_row=2, values_only=True), start=2
            ):
                if _blank(row):
                    continue
                code = _text(_cell(row, child_headers, CODE_HEADER))
                if code not in codes:
                    orphans.append(
                        (
                            number,
                            RowError(
                                f"实施编码“{code}”不在“{ITEMS_SHEET}”表中，本行未导入。",
                                sheet=title,
                            ),
                        )
                    )
                    continue
                try:
                    values = {
                        name: value_from_cell(
                            model._meta.get_field(name),
                            _cell(row, child_headers, header),
                            header,
                        )
                        for header, name in columns
                    }
                    required = (
                        columns[0][1]
                        if relation == "special_procedures"
                        else columns[1][1]
                    )
                    if values.get(required) in (None, ""):
                        raise RowError(
                            f"缺少{dict((n, h) for h, n in columns)[required]}。"
                        )
                except RowError as exc:
                    child_errors.setdefault(code, []).append(
                        f"“{title}”表第 {number} 行：{exc}"
                    )
                    continue
                children.setdefault(code, {}).setdefault(relation, []).append(
                    (number, values)
                )
        for number, row in item_rows:
            try:
                yield (
                    number,
                    _record_from_row(number, row, headers, children, child_errors),
                )
            except RowError as exc:
                yield number, exc
        yield from orphans
    finally:
        workbook.close()


def _record_from_row(
    number: int,
    row: tuple,
    headers: dict[str, int],
    children: dict[str, dict[str, list[tuple[int, dict[str, Any]]]]],
    child_errors: dict[str, list[str]],
) -> ItemRecord:
    raw = _cell(row, headers, CODE_HEADER)
    code = raw if isinstance(raw, str) else _text(raw)
    if not code or not code.strip():
        raise RowError("缺少实施编码。")
    if code != code.strip() or len(code) > 120:
        raise RowError("实施编码含首尾空白或超过120个字符。")
    if code in child_errors:
        raise RowError("；".join(child_errors[code]))
    name = _text(_cell(row, headers, "事项名称"))
    if not name:
        raise RowError("缺少事项名称。")
    department = _text(_cell(row, headers, "实施部门"))
    if not department:
        raise RowError("缺少实施部门。")
    region_code = _text(_cell(row, headers, "区划代码"))
    if region_code:
        try:
            region_code = region_code_normalise(region_code)
        except Exception as exc:
            raise RowError(getattr(exc, "message", str(exc))) from exc
    version: dict[str, Any] = {"name": name}
    for field_name in VERSION_FIELDS:
        if field_name == "name":
            continue
        header = VERSION_HEADERS[field_name]
        field = ServiceItemVersion._meta.get_field(field_name)
        if field_name == "item_type":
            text = _text(_cell(row, headers, header))
            if text:
                version["item_type"] = value_from_cell(field, text, header)
            continue
        version[field_name] = value_from_cell(
            field, _cell(row, headers, header), header
        )
    if "item_type" not in version:
        version["item_type"] = item_type_map(version.get("item_type_code"))
    _check_limits(version)
    record_children = {
        relation: [values for _n, values in children.get(code, {}).get(relation, [])]
        for relation in CHILD_SHEETS
    }
    return ItemRecord(
        row=number,
        item_code=code,
        department_name=department,
        region_code=region_code,
        dept_code=_text(_cell(row, headers, "部门编码")),
        detail_url=_text(_cell(row, headers, "来源详情页")),
        version=version,
        children=record_children,
        source={},
        source_raw={"xlsx_row": number},
    )
