"""
Import the catalogue from JSON Lines, .xlsx and CSV files.

Every source is first turned into ``ItemRecord`` objects (one per row); the
loader then creates, updates or leaves each item alone, keyed by the
implementation code (byte-exact). A bad row is reported with its row number
and reason and skipped; good rows are imported. A guide whose content changed
gets a new version (or, when the newest version is still a draft, that draft
is rewritten); an unchanged row changes nothing.
"""

import csv
import datetime
import json
import re
import unicodedata
from collections import Counter as TallyCounter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .codes import parse_item_code
from .constants import (
    CodeShape,
    DayUnit,
    ItemType,
    MaterialForm,
    MaterialRequirement,
    ServiceObject,
    VersionStatus,
)
from .credit import credit_code_state
from .models import Department, Region, ServiceItem, ServiceItemVersion
from .services import (
    VERSION_CHILD_RELATIONS,
    BuiltItem,
    counter_upsert,
    department_upsert,
    hall_upsert,
    item_build,
    item_create,
    item_refresh_current,
    item_version_create_draft,
    item_version_publish,
    item_version_replace_draft,
    items_bulk_create,
    region_code_normalise,
    region_ensure,
)

# Fields of a version that make up "the guide"; a difference in any of them
# (or in the department or the child rows) means the guide changed.
VERSION_FIELDS = [
    "name",
    "category",
    "basic_code",
    "business_code",
    "item_type",
    "item_type_code",
    "implementing_body",
    "service_object",
    "exercise_level",
    "conditions",
    "handling_mode",
    "is_joint",
    "is_report_up",
    "procedure",
    "statutory_days",
    "statutory_unit",
    "statutory_note",
    "promised_days",
    "promised_unit",
    "promised_note",
    "is_free",
    "fee_note",
    "channels",
    "online_depth",
    "online_apply_url",
    "max_visits",
    "place",
    "office_hours",
    "traffic",
    "consult_phone",
    "supervise_phone",
    "result_name",
    "result_type",
]
CHILD_FIELDS = {
    "materials": [
        "order",
        "name",
        "requirement",
        "condition_note",
        "original_count",
        "copy_count",
        "form",
        "tolerance_allowed",
        "source_explain",
        "sign_requirement",
        "by_law",
        "page_count",
        "remark",
        "material_code",
    ],
    "legal_bases": [
        "order",
        "law_name",
        "law_number",
        "clause_number",
        "clause_content",
    ],
    "fees": ["order", "name", "standard", "basis", "amount_yuan"],
    "special_procedures": ["name", "days", "unit", "description", "department_name"],
    "faqs": ["order", "question", "answer"],
}

# Item type codes per source (domain-rules §3.4: map per source, never
# hard-code). The Sichuan portal writes the national codes without the 0.
_NATIONAL_TYPES = {f"{n}": f"{n:02d}" for n in range(1, 11)} | {
    f"{n:02d}": f"{n:02d}" for n in range(1, 11)
}
_NATIONAL_TYPES["20"] = ItemType.PUBLIC_SERVICE
ITEM_TYPE_MAPS: dict[str, dict[str, str]] = {"national": _NATIONAL_TYPES}
_TYPE_BY_LABEL = {str(label): value for value, label in ItemType.choices}


def item_type_map(
    raw_code: Any, raw_name: Any = "", *, source: str = "national"
) -> str:
    """
    Return the ``ItemType`` value for a source's type code (or type name).

    Unknown codes such as the local 99 map to ``unknown``; callers always keep
    the raw code as well.

    中文：事项类型映射
    """
    code = str(raw_code or "").strip()
    mapping = ITEM_TYPE_MAPS.get(source, _NATIONAL_TYPES)
    if code in mapping:
        return mapping[code]
    name = str(raw_name or "").strip()
    if not code and name in _TYPE_BY_LABEL:
        return _TYPE_BY_LABEL[name]
    return ItemType.UNKNOWN


class RowError(Exception):
    """A row that cannot be imported; the message says why (in Chinese)."""

    def __init__(self, message: str, *, sheet: str = "") -> None:
        super().__init__(message)
        self.sheet = sheet


@dataclass
class ItemRecord:
    """
    One item as read from any source, before it touches the database.

    中文：待导入事项记录
    """

    row: int
    item_code: str
    department_name: str
    region_code: str = ""
    dept_code: str = ""
    detail_url: str = ""
    version: dict[str, Any] = field(default_factory=dict)
    children: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    source: dict[str, Any] = field(default_factory=dict)
    source_raw: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    windows: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Problem:
    row: int
    reason: str
    rejected: bool
    item_code: str = ""
    sheet: str = ""

    def __str__(self) -> str:
        label = "拒收" if self.rejected else "标记"
        code = f"［{self.item_code}］" if self.item_code else ""
        where = f"“{self.sheet}”表" if self.sheet else ""
        return f"{where}第 {self.row} 行 {label}{code}：{self.reason}"


@dataclass
class ImportReport:
    """
    Counts and row problems of one import run.

    中文：导入结果
    """

    source: str = ""
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    rejected: int = 0
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    def reject(
        self, row: int, reason: str, item_code: str = "", sheet: str = ""
    ) -> None:
        self.rejected += 1
        self.problems.append(Problem(row, reason, True, item_code, sheet))

    def flag(self, row: int, reasons: list[str], item_code: str = "") -> None:
        self.flagged += 1
        self.problems.append(Problem(row, "；".join(reasons), False, item_code))

    @property
    def rejected_problems(self) -> list[Problem]:
        return [p for p in self.problems if p.rejected]

    @property
    def flagged_problems(self) -> list[Problem]:
        return [p for p in self.problems if not p.rejected]

    def counts(self) -> dict[str, int]:
        return {
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "flagged": self.flagged,
            "rejected": self.rejected,
        }

    def summary(self) -> str:
        prefix = "（试运行，未写入）" if self.dry_run else ""
        return (
            f"{prefix}共 {self.total} 行：新增 {self.created}，更新 {self.updated}，"
            f"未变 {self.unchanged}，标记 {self.flagged}，拒收 {self.rejected}。"
        )


class SourceUnreadableError(Exception):
    """The file cannot be opened or is not of the expected kind."""


# ---------------------------------------------------------------- helpers


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() if not isinstance(value, str) else value.strip()


def _int_or_none(value: Any, label: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise RowError(f"{label}应为整数，实际为“{value}”。")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not re.fullmatch(r"[0-9]+", text):
        raise RowError(f"{label}应为非负整数，实际为“{value}”。")
    return int(text)


def _decimal_or_none(value: Any, label: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise RowError(f"{label}应为金额数字，实际为“{value}”。") from exc


def _check_limits(version: dict[str, Any]) -> None:
    promised, statutory = version.get("promised_days"), version.get("statutory_days")
    if promised is not None and statutory is not None and promised > statutory:
        raise RowError(f"承诺时限（{promised}）超过法定时限（{statutory}）。")


def _unit(raw: Any) -> str:
    text = _text(raw)
    if text in ("自然日", "日", "天", DayUnit.NATURAL):
        return DayUnit.NATURAL
    return DayUnit.WORKING


# ---------------------------------------------------------------- JSON Lines

_GX_FORMS = {
    "1": MaterialForm.PAPER,
    "2": MaterialForm.ELECTRONIC,
    "3": MaterialForm.BOTH,
}
_GX_CHANNELS = {"1": "counter", "2": "online", "3": "mail"}
_GX_LEVELS = {
    "1": "国家级",
    "2": "省级",
    "3": "市级",
    "4": "县级",
    "5": "乡镇（街道）级",
}


def _split_raw(raw: Any) -> list[str]:
    return [p for p in re.split(r"[,，^、\s]+", _text(raw)) if p]


def record_from_json(row: int, data: Any) -> ItemRecord:
    """
    Turn one JSON Lines object into an ``ItemRecord`` (or raise RowError).

    Understands the catalogue-only rows of the 广安区 file and the full
    guides of the 灵山县 file; rows without an implementation code (the 辽宁
    sample) are rejected.

    中文：解析 JSON Lines 事项行
    """
    if not isinstance(data, dict):
        raise RowError("该行不是 JSON 对象。")
    code = data.get("item_code")
    name = _text(data.get("item_name"))
    if not isinstance(code, str) or not code.strip():
        basic = _text(data.get("basic_code"))
        hint = f"（只有基本编码 {basic}）" if basic else ""
        raise RowError(
            "缺少实施编码 item_code" + hint + "：事项按实施编码唯一登记，"
            "仅含基本编码的目录行不导入。"
        )
    if code != code.strip() or len(code) > 120:
        raise RowError("实施编码含首尾空白或超过120个字符，无法原样保存。")
    if not name:
        raise RowError("缺少事项名称 item_name。")
    department = _text(data.get("department"))
    if not department:
        raise RowError("缺少实施部门 department。")
    region_code = _text(data.get("region_code"))
    if region_code:
        try:
            region_code = region_code_normalise(region_code)
        except ApplicationError as exc:
            raise RowError(exc.message) from exc
    type_code = _text(data.get("item_type_code"))
    version: dict[str, Any] = {
        "name": name,
        "category": _text(data.get("category")),
        "basic_code": _text(data.get("basic_code"))
        or parse_item_code(code).basic_code[:40],
        "business_code": _text(data.get("business_code")),
        "item_type": item_type_map(type_code, data.get("item_type")),
        "item_type_code": type_code,
        "conditions": _text(data.get("conditions")),
        "result_name": _text(data.get("result_name")),
        "consult_phone": _text(data.get("consult_phone")),
        "supervise_phone": _text(data.get("supervise_phone")),
        "online_apply_url": _text(data.get("online_apply_url")),
        "statutory_days": _int_or_none(data.get("legal_limit_days"), "法定时限"),
        "statutory_unit": _unit(data.get("legal_limit_unit")),
        "statutory_note": _text(data.get("legal_limit_note")),
        "promised_days": _int_or_none(data.get("promised_limit_days"), "承诺时限"),
        "promised_unit": _unit(data.get("promised_limit_unit")),
        "promised_note": _text(data.get("promised_limit_note")),
    }
    _check_limits(version)
    notes = [str(n) for n in data.get("data_quality_notes") or []]
    warnings: list[str] = []
    fee = data.get("fee")
    children: dict[str, list[dict[str, Any]]] = {k: [] for k in VERSION_CHILD_RELATIONS}
    if isinstance(fee, dict):
        charges = fee.get("charges") or []
        version["is_free"] = not fee.get("charged") and not charges
        for i, charge in enumerate(charges, start=1):
            if not isinstance(charge, dict):
                continue
            children["fees"].append(
                {
                    "order": i,
                    "name": _text(charge.get("name")) or "收费项目",
                    "standard": _text(charge.get("standard")),
                    "basis": _text(charge.get("basis")),
                    "amount_yuan": _decimal_or_none(charge.get("amount"), "收费金额"),
                }
            )
    else:
        version["is_free"] = None  # the source says nothing about fees
    channels = [
        _GX_CHANNELS[c]
        for c in _split_raw(data.get("handle_type_raw"))
        if c in _GX_CHANNELS
    ]
    version["channels"] = list(dict.fromkeys(channels))
    serve = set(_split_raw(data.get("serve_type_raw")))
    if serve:
        if serve == {"1"}:
            version["service_object"] = ServiceObject.PERSON
        elif "1" in serve:
            version["service_object"] = ServiceObject.BOTH
        else:
            version["service_object"] = ServiceObject.ENTERPRISE
    level = _text(data.get("use_level_raw"))
    version["exercise_level"] = _GX_LEVELS.get(level, "")

    for i, m in enumerate(data.get("materials") or [], start=1):
        if not isinstance(m, dict) or not _text(m.get("name")):
            raise RowError(f"第 {i} 项申请材料缺少名称。")
        required_raw = _text(m.get("required_raw"))
        if required_raw == "2" or m.get("required") is False:
            requirement = MaterialRequirement.OPTIONAL
        else:
            requirement = MaterialRequirement.REQUIRED
        children["materials"].append(
            {
                "order": _int_or_none(m.get("order"), "材料序号") or i,
                "name": _text(m.get("name")),
                "requirement": requirement,
                "condition_note": "",
                "original_count": _int_or_none(m.get("original_count"), "原件份数")
                or 0,
                "copy_count": _int_or_none(m.get("copy_count"), "复印件份数") or 0,
                "form": _GX_FORMS.get(
                    _text(m.get("material_form_raw")), MaterialForm.BOTH
                ),
                "tolerance_allowed": bool(m.get("tolerance_allowed", False)),
                "source_explain": _text(m.get("source_explain")),
                "sign_requirement": _text(m.get("sign_requirement")),
                "by_law": _text(m.get("by_law")),
                "page_count": _int_or_none(m.get("page_num"), "材料页数"),
                "remark": _text(m.get("remark")),
                "material_code": _text(m.get("material_code")),
            }
        )
    for i, law in enumerate(data.get("legal_basis") or [], start=1):
        if isinstance(law, str):
            law = {"law_name": law}
        if not isinstance(law, dict) or not _text(law.get("law_name")):
            raise RowError(f"第 {i} 条设定依据缺少法律法规名称。")
        children["legal_bases"].append(
            {
                "order": i,
                "law_name": _text(law.get("law_name")),
                "law_number": _text(law.get("law_number")),
                "clause_number": _text(law.get("clause_number")),
                "clause_content": _text(law.get("clause_content")),
            }
        )
    for i, proc in enumerate(data.get("special_procedures") or [], start=1):
        if not isinstance(proc, dict):
            continue
        description = _text(proc.get("description"))
        head = description.split("：", 1)[0] if "：" in description[:12] else ""
        children["special_procedures"].append(
            {
                "name": _text(proc.get("name")) or head or f"特别程序{i}",
                "days": _int_or_none(proc.get("days"), "特别程序时限"),
                "unit": _unit(
                    "工作日"
                    if _text(proc.get("day_type_raw")) in ("", "1")
                    else "自然日"
                ),
                "description": description,
                "department_name": _text(proc.get("dept")),
            }
        )
    for i, faq in enumerate(data.get("faq") or [], start=1):
        if not isinstance(faq, dict) or not _text(faq.get("q") or faq.get("question")):
            continue
        children["faqs"].append(
            {
                "order": i,
                "question": _text(faq.get("q") or faq.get("question")),
                "answer": _text(faq.get("a") or faq.get("answer")),
            }
        )
    windows = [w for w in data.get("service_windows") or [] if isinstance(w, dict)]
    if windows:
        version["place"] = "\n".join(
            dict.fromkeys(_text(w.get("address")) for w in windows if w.get("address"))
        )
        version["office_hours"] = "\n".join(
            dict.fromkeys(_text(w.get("hours")) for w in windows if w.get("hours"))
        )
        version["traffic"] = "\n".join(
            dict.fromkeys(_text(w.get("traffic")) for w in windows if w.get("traffic"))
        )
    if "materials" not in data and "legal_limit_days" not in data:
        notes.append("来源只含目录信息：申请材料、时限、收费以窗口告知为准。")
    source = data.get("source") if isinstance(data.get("source"), dict) else {}
    return ItemRecord(
        row=row,
        item_code=code,
        department_name=department,
        region_code=region_code,
        dept_code=_text(data.get("dept_code")),
        detail_url=_text(data.get("detail_url")),
        version=version,
        children=children,
        source=source,
        source_raw=data,
        notes=notes,
        warnings=warnings,
        windows=windows,
    )


def read_jsonl(path: Path) -> Iterator[tuple[int, ItemRecord | RowError]]:
    """
    Yield (line number, record or error) for each non-blank line.

    中文：读取 JSON Lines 文件
    """
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise SourceUnreadableError(
            f"无法打开文件 {path}：{exc.strerror or exc}"
        ) from exc
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield (
                        number,
                        RowError(f"不是有效的 JSON（第 {exc.colno} 列：{exc.msg}）。"),
                    )
                    continue
                try:
                    yield number, record_from_json(number, data)
                except RowError as exc:
                    yield number, exc
        except UnicodeDecodeError as exc:
            raise SourceUnreadableError(f"文件 {path} 不是 UTF-8 编码的文本。") from exc


def count_lines(path: Path) -> int:
    try:
        with path.open("rb") as handle:
            return sum(1 for line in handle if line.strip())
    except OSError:
        return 0


# ---------------------------------------------------------------- loader


def _snapshot_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, list):
        return list(value)
    return value


def version_snapshot(version: ServiceItemVersion) -> dict[str, Any]:
    """Return the comparable content of a stored version."""
    snap: dict[str, Any] = {
        f: _snapshot_value(getattr(version, f)) for f in VERSION_FIELDS
    }
    snap["department_id"] = version.department_id
    for relation, fields in CHILD_FIELDS.items():
        rows = getattr(version, relation).all()
        if relation == "special_procedures":
            rows = sorted(rows, key=lambda r: r.pk)
        snap[relation] = [
            {f: _snapshot_value(getattr(r, f)) for f in fields} for r in rows
        ]
    return snap


def record_snapshot(record: ItemRecord, department: Department) -> dict[str, Any]:
    """Return the comparable content of an incoming record."""
    defaults = {
        f: ServiceItemVersion._meta.get_field(f).get_default() for f in VERSION_FIELDS
    }
    snap = {
        f: _snapshot_value(record.version.get(f, defaults[f])) for f in VERSION_FIELDS
    }
    snap["department_id"] = department.pk
    for relation, fields in CHILD_FIELDS.items():
        model = VERSION_CHILD_RELATIONS[relation]
        child_defaults = {f: model._meta.get_field(f).get_default() for f in fields}
        snap[relation] = [
            {f: _snapshot_value(row.get(f, child_defaults[f])) for f in fields}
            for row in record.children.get(relation, [])
        ]
    return snap


class CatalogLoader:
    """
    Write ``ItemRecord`` objects into the catalogue.

    中文：事项导入器
    """

    def __init__(
        self,
        *,
        publish: bool = False,
        effective_from: datetime.date | None = None,
        actor: Any = None,
        create_departments: bool = True,
    ) -> None:
        self.publish = publish
        self.effective_from = effective_from or timezone.localdate()
        self.actor = actor
        self.create_departments = create_departments
        self.regions: dict[str, Region] = {r.code: r for r in Region.objects.all()}
        self.departments: dict[tuple[int | None, str], Department] = {
            (d.region_id, d.name): d for d in Department.objects.all()
        }
        self.items: dict[str, ServiceItem] = {}

    def mark(self) -> tuple[set[str], set[tuple[int | None, str]]]:
        """Remember the cached regions and departments (before a savepoint)."""
        return set(self.regions), set(self.departments)

    def forget_since(self, mark: tuple[set[str], set[tuple[int | None, str]]]) -> None:
        """Drop cache entries created inside a savepoint that was rolled back."""
        regions, departments = mark
        for code in set(self.regions) - regions:
            del self.regions[code]
        for key in set(self.departments) - departments:
            del self.departments[key]

    def preload(self, codes: Iterable[str]) -> None:
        """Fetch existing items with their newest version and its children."""
        codes = [c for c in codes if c not in self.items]
        for start in range(0, len(codes), 500):
            chunk = codes[start : start + 500]
            for item in ServiceItem.objects.filter(
                item_code__in=chunk
            ).prefetch_related(
                Prefetch(
                    "versions",
                    queryset=ServiceItemVersion.objects.order_by(
                        "-version"
                    ).prefetch_related(*VERSION_CHILD_RELATIONS),
                )
            ):
                self.items[item.item_code] = item

    def _region(self, record: ItemRecord) -> Region | None:
        if not record.region_code:
            return None
        region = self.regions.get(record.region_code)
        if region is None:
            region = region_ensure(code=record.region_code, actor=self.actor)
            self.regions[region.code] = region
            record.warnings.append(f"区划 {record.region_code} 未登记，已按代码新建。")
        return region

    def _department(self, record: ItemRecord, region: Region | None) -> Department:
        key = (region.pk if region else None, record.department_name)
        department = self.departments.get(key)
        if department is None:
            if not self.create_departments:
                raise RowError(f"实施部门“{record.department_name}”不在部门名单中。")
            code = record.dept_code if len(record.dept_code) == 18 else ""
            department, _ = department_upsert(
                region=region,
                name=record.department_name,
                credit_code=code,
                portal_codes=record.dept_code,
                actor=self.actor,
            )
            self.departments[key] = department
            record.warnings.append(
                f"实施部门“{record.department_name}”不在部门名单中，已自动新建。"
            )
        return department

    def _prepare(
        self, record: ItemRecord
    ) -> tuple[Region | None, Department, dict[str, Any]]:
        region = self._region(record)
        department = self._department(record, region)
        self._warn_shape_and_type(record)
        data = dict(record.version)
        data["department"] = department
        data["source_raw"] = record.source_raw
        data["data_quality_notes"] = record.notes + record.warnings
        return region, department, data

    def build(self, record: ItemRecord) -> BuiltItem:
        """Validate a record of a new item without writing it."""
        region, department, data = self._prepare(record)
        return item_build(
            item_code=record.item_code,
            department=department,
            region=region,
            data=data,
            children=record.children,
            detail_url=record.detail_url,
            source=record.source,
        )

    def unchanged(self, record: ItemRecord) -> bool:
        """
        Return True when an existing item needs no write at all.

        Read-only: a record whose region or department is not on file, or
        whose content differs, returns False and goes through ``load``.
        """
        item = self.items.get(record.item_code)
        region = self.regions.get(record.region_code) if record.region_code else None
        if item is None or (record.region_code and region is None):
            return False
        department = self.departments.get(
            (region.pk if region else None, record.department_name)
        )
        if department is None:
            return False
        versions = list(item.versions.all())
        if not versions:
            return False
        latest = versions[0]
        if self.publish and latest.status == VersionStatus.DRAFT:
            return False
        if item.region_id != (region.pk if region else None):
            return False
        if item.detail_url != record.detail_url:
            return False
        if record.source and item.source != record.source:
            return False
        if (
            not item.current_version_id
            and item.basic_code != ((record.version.get("basic_code") or "")[:40])
        ):
            return False
        if version_snapshot(latest) != record_snapshot(record, department):
            return False
        record.warnings = []
        self._warn_shape_and_type(record)
        return True

    def _warn_shape_and_type(self, record: ItemRecord) -> None:
        parsed = parse_item_code(record.item_code)
        if not parsed.is_national_pattern:
            record.warnings.append(
                "实施编码不符合国家标准六段式，已原样保存。"
                f"编码形态：{CodeShape(parsed.shape).label}。"
            )
        if record.version.get("item_type") == ItemType.UNKNOWN:
            raw = record.version.get("item_type_code") or "空"
            record.warnings.append(f"事项类型编码“{raw}”无法映射，记为未分类。")

    def load(self, record: ItemRecord, report: ImportReport) -> str:
        """Import one record; return created, updated or unchanged."""
        record.warnings = []
        region, department, data = self._prepare(record)
        item = self.items.get(record.item_code)
        result = "unchanged"
        if item is None:
            item = item_create(
                item_code=record.item_code,
                name=data["name"],
                department=department,
                region=region,
                basic_code=data.get("basic_code", "")[:40],
                category=data.get("category", ""),
                item_type=data.get("item_type", ItemType.UNKNOWN),
                item_type_code=data.get("item_type_code", ""),
                detail_url=record.detail_url,
                source=record.source,
                actor=self.actor,
                audit=False,
            )
            version = item_version_create_draft(
                item=item, data=data, children=record.children, audit=False, first=True
            )
            result = "created"
        else:
            item_changed = self._item_update(item, record, region)
            versions = list(item.versions.all())
            latest = versions[0] if versions else None
            same = latest is not None and version_snapshot(latest) == record_snapshot(
                record, department
            )
            if same:
                version = latest
                result = "updated" if item_changed else "unchanged"
            elif latest is not None and latest.status == VersionStatus.DRAFT:
                version = item_version_replace_draft(
                    version=latest, data=data, children=record.children, audit=False
                )
                result = "updated"
            else:
                version = item_version_create_draft(
                    item=item, data=data, children=record.children, audit=False
                )
                result = "updated"
        if self.publish and version.status == VersionStatus.DRAFT:
            item_version_publish(
                version=version, effective_from=self.effective_from, audit=False
            )
            if result == "unchanged":
                result = "updated"
        elif result != "unchanged":
            item_refresh_current(item=item)
        if result != "unchanged":
            audit_record(
                action=f"catalog.item_{result}",
                obj=item,
                actor=self.actor,
                to_state=version.status,
                details={
                    "version": version.version,
                    "source": report.source,
                    "row": record.row,
                },
            )
        return result

    def _item_update(
        self, item: ServiceItem, record: ItemRecord, region: Region | None
    ) -> bool:
        values = {
            "region_id": region.pk if region else None,
            "detail_url": record.detail_url,
        }
        if not item.current_version_id:
            values["basic_code"] = (record.version.get("basic_code") or "")[:40]
        changed = [k for k, v in values.items() if getattr(item, k) != v]
        if record.source and item.source != record.source:
            values["source"] = record.source
            changed.append("source")
        if not changed:
            return False
        for key in changed:
            setattr(item, key, values[key])
        item.save(
            update_fields=[*(k.removesuffix("_id") for k in changed), "updated_at"]
        )
        return True


ProgressFn = Callable[[int, int], None]


def catalog_import(
    rows: Iterable[tuple[int, ItemRecord | RowError]],
    *,
    source: str,
    total_rows: int = 0,
    publish: bool = False,
    effective_from: datetime.date | None = None,
    actor: Any = None,
    dry_run: bool = False,
    create_departments: bool = True,
    progress: ProgressFn | None = None,
    progress_every: int = 100,
) -> ImportReport:
    """
    Import rows (records or row errors) and return the report.

    Each row runs in its own savepoint: a row that fails is rolled back and
    reported, the others are kept. One audit event per run records the
    counts; each created or updated item gets its own event too.

    中文：导入事项目录
    """
    report = ImportReport(source=source, dry_run=dry_run)
    rows = list(rows)
    with transaction.atomic():
        loader = CatalogLoader(
            publish=publish,
            effective_from=effective_from,
            actor=actor,
            create_departments=create_departments,
        )
        loader.preload(r.item_code for _n, r in rows if isinstance(r, ItemRecord))
        seen: dict[str, int] = {}
        pending: list[tuple[int, ItemRecord, BuiltItem]] = []
        created_codes: list[str] = []

        def load_one(number: int, record: ItemRecord) -> None:
            mark = loader.mark()
            try:
                with transaction.atomic():
                    result = loader.load(record, report)
            except (RowError, ApplicationError, DatabaseError) as exc:
                loader.forget_since(mark)
                if isinstance(exc, DatabaseError):
                    loader.items.pop(record.item_code, None)
                    reason = f"数据库拒绝写入：{exc}"
                else:
                    reason = getattr(exc, "message", None) or str(exc)
                report.reject(number, reason, record.item_code)
            else:
                setattr(report, result, getattr(report, result) + 1)
                if result == "created":
                    created_codes.append(record.item_code)
                if record.warnings:
                    report.flag(number, record.warnings, record.item_code)

        def flush() -> None:
            if not pending:
                return
            try:
                with transaction.atomic():
                    items_bulk_create(
                        built=[b for _n, _r, b in pending],
                        effective_from=loader.effective_from if publish else None,
                    )
            except DatabaseError:
                for number, record, _built in pending:  # find the bad row(s)
                    load_one(number, record)
            else:
                for number, record, _built in pending:
                    report.created += 1
                    created_codes.append(record.item_code)
                    if record.warnings:
                        report.flag(number, record.warnings, record.item_code)
            pending.clear()

        for index, (number, record) in enumerate(rows, start=1):
            report.total += 1
            if isinstance(record, RowError):
                report.reject(number, str(record), sheet=record.sheet)
            elif record.item_code in seen:
                report.reject(
                    number,
                    f"实施编码与第 {seen[record.item_code]} 行重复，本行未导入。",
                    record.item_code,
                )
            elif record.item_code in loader.items:
                seen[record.item_code] = number
                if loader.unchanged(record):
                    report.unchanged += 1
                    if record.warnings:
                        report.flag(number, record.warnings, record.item_code)
                else:
                    load_one(number, record)
            else:
                seen[record.item_code] = number
                mark = loader.mark()
                try:
                    with transaction.atomic():
                        built = loader.build(record)
                except (RowError, ApplicationError) as exc:
                    loader.forget_since(mark)
                    reason = getattr(exc, "message", None) or str(exc)
                    report.reject(number, reason, record.item_code)
                else:
                    pending.append((number, record, built))
                    if len(pending) >= 250:
                        flush()
            if progress and (index % progress_every == 0 or index == len(rows)):
                if index == len(rows):
                    flush()
                progress(index, total_rows or len(rows))
        flush()
        audit_record(
            action="catalog.import_run",
            stream="catalog.import",
            actor=actor,
            details={
                **report.counts(),
                "source": source,
                "publish": publish,
                "effective_from": loader.effective_from if publish else None,
                "created_codes": created_codes,
            },
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


def catalog_import_file(
    path: str | Path,
    *,
    publish: bool = False,
    effective_from: datetime.date | None = None,
    actor: Any = None,
    dry_run: bool = False,
    create_departments: bool = True,
    progress: ProgressFn | None = None,
) -> ImportReport:
    """
    Import a .jsonl or .xlsx file; raise SourceUnreadableError if it can't be read.

    中文：导入事项目录文件
    """
    path = Path(path)
    if not path.is_file():
        raise SourceUnreadableError(f"找不到文件：{path}")
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        rows = list(read_jsonl(path))
    elif suffix == ".xlsx":
        from .exporters import read_xlsx

        rows = list(read_xlsx(path))
    else:
        raise SourceUnreadableError(
            f"不支持的文件类型“{suffix or '无扩展名'}”：请使用 .jsonl 或 .xlsx。"
        )
    return catalog_import(
        rows,
        source=path.name,
        total_rows=len(rows),
        publish=publish,
        effective_from=effective_from,
        actor=actor,
        dry_run=dry_run,
        create_departments=create_departments,
        progress=progress,
    )


# ---------------------------------------------------------------- CSV files


def _read_csv(path: Path, required: set[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = set(reader.fieldnames or [])
            missing = required - header
            if missing:
                raise SourceUnreadableError(
                    f"文件 {path.name} 缺少列：{'、'.join(sorted(missing))}。"
                )
            return [(n, row) for n, row in enumerate(reader, start=2)]
    except OSError as exc:
        raise SourceUnreadableError(
            f"无法打开文件 {path}：{exc.strerror or exc}"
        ) from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        raise SourceUnreadableError(f"文件 {path.name} 不是 UTF-8 CSV：{exc}") from exc


def departments_import_file(
    path: str | Path, *, actor: Any = None, dry_run: bool = False
) -> ImportReport:
    """
    Import departments from a CSV (order, department, region_code,
    dept_codes_seen). An 18-character code among the codes seen becomes the
    credit code; a failing check flags the row, it is still imported.

    中文：导入部门名单
    """
    path = Path(path)
    rows = _read_csv(path, {"department", "region_code"})
    report = ImportReport(source=path.name, dry_run=dry_run)
    with transaction.atomic():
        for number, row in rows:
            report.total += 1
            name = _text(row.get("department"))
            if not name:
                report.reject(number, "缺少部门名称。")
                continue
            try:
                with transaction.atomic():
                    region = region_ensure(
                        code=_text(row.get("region_code")), actor=actor
                    )
                    codes = [
                        c
                        for c in re.split(
                            r"[;；,，]", _text(row.get("dept_codes_seen"))
                        )
                        if c
                    ]
                    credit = next((c for c in codes if len(c) == 18), "")
                    order = _int_or_none(row.get("order"), "排序")
                    department, result = department_upsert(
                        region=region,
                        name=name,
                        credit_code=credit,
                        portal_codes=",".join(codes),
                        order=order,
                        actor=actor,
                    )
            except (RowError, ApplicationError) as exc:
                report.reject(number, getattr(exc, "message", str(exc)))
                continue
            setattr(report, result, getattr(report, result) + 1)
            if credit_code_state(department.credit_code) is False:
                report.flag(
                    number,
                    [
                        f"统一社会信用代码 {department.credit_code} 校验位不符（已保存并标记）。"
                    ],
                )
        audit_record(
            action="catalog.departments_import_run",
            stream="catalog.import",
            actor=actor,
            details={**report.counts(), "source": path.name},
        )
        if dry_run:
            transaction.set_rollback(True)
    return report


_CIRCLED = {chr(0x2460 + i): str(i + 1) for i in range(20)}
_FLOOR = re.compile(r"([一二三四五六七八九十0-9]+)楼")


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def _phone_key(phone: str) -> str:
    return re.sub(r"[^0-9]", "", _nfkc(phone.replace("—", "-")))


@dataclass
class WindowSpec:
    """A counter parsed from a window row."""

    number: str
    name: str
    floor: str
    zone: str
    phone: str
    hours: str
    address: str
    traffic: str
    departments: list[str]
    rows: list[int]


def window_parse(name: str, address: str) -> tuple[str, str, str, str]:
    """
    Split a window name into (number, name, floor, zone).

    ``县政务服务中心法人大厅②工程建设项目综合窗口`` → ("2", "工程建设项目综合窗口",
    "一楼" (from the address), "法人大厅"); ``…二楼④⑤⑥综合窗口`` → ("4-6",
    "综合窗口", "二楼", "").

    中文：解析窗口名称
    """
    text = name.strip()
    for prefix in ("灵山县", "县"):
        text = text.removeprefix(prefix)
    text = re.sub(r"^(政务服务中心|政务中心)", "", text)
    zone = ""
    if "法人大厅" in text or "法人大厅" in address:
        zone = "法人大厅"
        text = text.replace("法人大厅", "")
    floor_match = _FLOOR.search(text) or _FLOOR.search(address)
    floor = floor_match.group(0) if floor_match else ""
    text = _FLOOR.sub("", text, count=1) if _FLOOR.search(text) else text
    circled = [_CIRCLED[c] for c in text if c in _CIRCLED]
    text = "".join(c for c in text if c not in _CIRCLED)
    trailing = re.search(r"([0-9]+)$", text)
    if circled:
        number = circled[0] if len(circled) == 1 else f"{circled[0]}-{circled[-1]}"
    elif trailing:
        number = trailing.group(1)
        text = text[: trailing.start()]
    else:
        number = ""
    return number, text.strip() or "综合窗口", floor, zone


def windows_plan(rows: list[tuple[int, dict[str, str]]]) -> list[WindowSpec]:
    """
    De-duplicate window rows into counters.

    Two rows are the same counter when their window names reduce to the same
    core name and they share the phone number (digits only); a number found
    in either row is kept.

    中文：窗口去重
    """
    specs: dict[tuple[str, str], WindowSpec] = {}
    for number, row in rows:
        address = _nfkc(row.get("address", ""))
        num, name, floor, zone = window_parse(_text(row.get("window_name")), address)
        key = (name, _phone_key(row.get("phone", "")))
        departments = [
            d for d in re.split(r"[;；,，、]", _text(row.get("departments_seen"))) if d
        ]
        spec = specs.get(key)
        if spec is None:
            specs[key] = WindowSpec(
                number=num,
                name=name,
                floor=floor,
                zone=zone,
                phone=_nfkc(row.get("phone", "")).replace("—", "-"),
                hours=_nfkc(row.get("hours", "")),
                address=address,
                traffic=_nfkc(row.get("traffic", "")),
                departments=departments,
                rows=[number],
            )
            continue
        spec.rows.append(number)
        spec.number = spec.number or num
        spec.floor = spec.floor or floor
        spec.zone = spec.zone or zone
        for dept in departments:
            if dept not in spec.departments:
                spec.departments.append(dept)
        hours = _nfkc(row.get("hours", ""))
        if len(hours) > len(spec.hours):
            spec.hours = hours
    plan = list(specs.values())
    used = {s.number for s in plan if s.number}
    extra = 1
    for spec in plan:
        if not spec.number:
            while f"W{extra}" in used:
                extra += 1
            spec.number = f"W{extra}"
            used.add(spec.number)
    return plan


def _hall_address(addresses: list[str]) -> str:
    streets = TallyCounter()
    for address in addresses:
        match = re.match(r"^(.*?[0-9]+号)", address)
        if match:
            streets[match.group(1)] += 1
    if not streets:
        return addresses[0] if addresses else ""
    main, *others = [s for s, _n in streets.most_common()]
    if others:
        return f"{main}（亦写作{'、'.join(others)}）"
    return main


def windows_import_file(
    path: str | Path,
    *,
    hall_name: str = "",
    actor: Any = None,
    dry_run: bool = False,
) -> ImportReport:
    """
    Import a windows CSV (window_name, address, phone, hours, traffic,
    departments_seen, region_code) as one hall per region and de-duplicated
    counters. Counters serve the listed departments and their items.

    中文：导入窗口
    """
    path = Path(path)
    rows = _read_csv(path, {"window_name", "address", "region_code"})
    report = ImportReport(source=path.name, dry_run=dry_run)
    by_region: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, row in rows:
        report.total += 1
        if not _text(row.get("window_name")):
            report.reject(number, "缺少窗口名称。")
            continue
        try:
            code = region_code_normalise(_text(row.get("region_code")))
        except ApplicationError as exc:
            report.reject(number, exc.message)
            continue
        by_region.setdefault(code, []).append((number, row))
    with transaction.atomic():
        for code, region_rows in by_region.items():
            region = region_ensure(code=code, actor=actor)
            plan = windows_plan(region_rows)
            name = hall_name or (
                f"{region.name}政务服务中心" if region.name != code else "政务服务中心"
            )
            hall, _ = hall_upsert(
                region=region,
                name=name,
                address=_hall_address([s.address for s in plan]),
                phone=plan[0].phone if plan else "",
                hours=TallyCounter(s.hours for s in plan).most_common(1)[0][0]
                if plan
                else "",
                traffic=plan[0].traffic if plan else "",
                actor=actor,
            )
            for spec in plan:
                departments = []
                for dept_name in spec.departments:
                    dept, _ = department_upsert(
                        region=region, name=dept_name, actor=actor
                    )
                    departments.append(dept)
                items = list(
                    ServiceItem.objects.filter(
                        department__in=departments, region=region
                    )
                )
                _counter, result = counter_upsert(
                    hall=hall,
                    number=spec.number,
                    name=spec.name,
                    floor=spec.floor,
                    zone=spec.zone,
                    is_integrated="综合窗口" in spec.name,
                    phone=spec.phone,
                    departments=departments,
                    items=items,
                    actor=actor,
                )
                setattr(report, result, getattr(report, result) + 1)
                if len(spec.rows) > 1:
                    report.flag(
                        spec.rows[0],
                        [
                            f"第 {'、'.join(map(str, spec.rows))} 行是同一窗口"
                            f"（{spec.number} 号 {spec.name}），已合并。"
                        ],
                    )
        audit_record(
            action="catalog.windows_import_run",
            stream="catalog.import",
            actor=actor,
            details={**report.counts(), "source": path.name},
        )
        if dry_run:
            transaction.set_rollback(True)
    return report
