"""
Demo catalogue: the real 广安区 catalogue and the 灵山县 guides and windows.

The data files in ``demo_data/`` are copies of public portal data (see
``demo_data/SOURCE.md``). The 广安区 rows carry no materials, limits or fees.
For the items a visitor meets first (the home page's 高频事项) and for the
items applicable online, ``guangan_511602_guides.json`` holds full guides
compiled from the national laws each one cites; they are published as a new
version marked 演示指南 on top of the catalogue row (which stays in the
version history). The other rows stay as the source has them (the guide
shows 以窗口告知为准) rather than invented.
Idempotent: a second run changes nothing.
"""

import datetime
import json
from pathlib import Path
from typing import IO

from django.utils import timezone

from .importers import (
    catalog_import_file,
    departments_import_file,
    windows_import_file,
)
from .models import Department, Region, ServiceItem
from .services import (
    counter_upsert,
    hall_upsert,
    item_version_create_draft,
    item_version_publish,
    region_ensure,
)

DATA_DIR = Path(__file__).resolve().parent / "demo_data"
DEMO_EFFECTIVE_FROM = datetime.date(2025, 1, 1)
GUIDES_FILE = "guangan_511602_guides.json"
GUIDES_EFFECTIVE_FROM = datetime.date(2025, 7, 1)
# Fields of the catalogue row a demo guide version keeps as they are.
GUIDE_KEEP_FIELDS = (
    "name",
    "category",
    "basic_code",
    "business_code",
    "item_type",
    "item_type_code",
    "department",
    "implementing_body",
    "exercise_level",
    "is_joint",
    "is_report_up",
    "consult_phone",
    "supervise_phone",
)
GUIDE_FIELDS = (
    "conditions",
    "handling_mode",
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
    "max_visits",
    "place",
    "office_hours",
    "service_object",
    "procedure",
    "result_name",
    "result_type",
)

REGIONS = [
    ("510000000000", "四川省"),
    ("511600000000", "广安市"),
    ("511602000000", "广安区"),
    ("450000000000", "广西壮族自治区"),
    ("450700000000", "钦州市"),
    ("450721000000", "灵山县"),
]

GUANGAN_HALL = "广安区政务服务中心"
# number, name, floor, zone, integrated, departments served
GUANGAN_COUNTERS = [
    *[
        (str(n), "综合窗口", "一楼", "A区 综合受理区", True, ["区行政审批局"])
        for n in range(1, 7)
    ],
    ("7", "公安窗口", "二楼", "B区", False, ["区公安分局"]),
    ("8", "人社窗口", "二楼", "B区", False, ["区人社局"]),
    ("9", "医保窗口", "二楼", "B区", False, ["区医疗保障局"]),
    ("10", "税务窗口", "二楼", "B区", False, ["广安区税务局"]),
    ("11", "住建窗口", "三楼", "C区", False, ["区住建局"]),
    ("12", "自然资源和规划窗口", "三楼", "C区", False, ["区自然资源和规划局"]),
]


def _say(stdout: IO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def seed(*, password: str, stdout: IO | None = None) -> None:
    """
    Load regions, departments, items (published), halls and counters.

    中文：演示事项目录
    """
    del password  # the catalogue has no accounts
    for code, name in REGIONS:
        region_ensure(code=code, name=name)
    report = departments_import_file(DATA_DIR / "guangan_511602_departments.csv")
    _say(stdout, f"部门：{report.summary()}")
    for name in ("guangan_511602_catalogue.jsonl", "lingshan_450721_item_guides.jsonl"):
        if _demo_file_loaded(DATA_DIR / name):
            # Re-importing would replace versions that later demo steps (cases)
            # published on top of the source rows; the demo stays as it is.
            _say(stdout, f"事项 {name}：已导入，跳过（更新请用 import_catalog）。")
            continue
        report = catalog_import_file(
            DATA_DIR / name, publish=True, effective_from=DEMO_EFFECTIVE_FROM
        )
        _say(stdout, f"事项 {name}：{report.summary()}")
    created = guides_load()
    _say(stdout, f"演示指南：新发布 {created} 个（{GUIDES_FILE}）。")
    report = windows_import_file(DATA_DIR / "lingshan_450721_service_windows.csv")
    _say(stdout, f"灵山县窗口：{report.summary()}")
    _seed_guangan_hall()
    _say(
        stdout,
        f"事项目录就绪：{ServiceItem.objects.count()} 个事项，"
        f"{Department.objects.count()} 个部门。",
    )


def _demo_file_loaded(path: Path) -> bool:
    """Return True when every item of a demo JSONL file is already in the catalogue."""
    codes = set()
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                codes.add(json.loads(line)["item_code"])
    return ServiceItem.objects.filter(item_code__in=codes).count() == len(codes)


def guides_load(path: Path | None = None) -> int:
    """
    Publish the full demo guides of ``guangan_511602_guides.json``.

    Each guide becomes a new version of its 广安区 item, marked with the
    file's note in ``data_quality_notes``; an item that already has such a
    version is left alone. Returns the number of versions published.

    中文：载入演示办事指南
    """
    data = json.loads((path or DATA_DIR / GUIDES_FILE).read_text(encoding="utf-8"))
    note = data["note"]
    region = Region.objects.filter(code="511602000000").first()
    today = timezone.localdate()
    effective = min(GUIDES_EFFECTIVE_FROM, today)
    created = 0
    for guide in data["guides"]:
        item = (
            ServiceItem.objects.filter(region=region, name=guide["item_name"])
            .select_related("current_version")
            .first()
        )
        current = item.current_version if item else None
        if current is None:
            continue
        if any(note in (v.data_quality_notes or []) for v in item.versions.all()):
            continue
        values = {f: getattr(current, f) for f in GUIDE_KEEP_FIELDS}
        values.update({f: guide[f] for f in GUIDE_FIELDS if f in guide})
        values["promised_note"] = values.get("promised_note") or note
        values["data_quality_notes"] = [note, data["source"]]
        children = {
            "materials": [
                {**m, "condition_note": "", "form": m.get("form", "both")}
                for m in guide["materials"]
            ],
            "legal_bases": [
                {"order": n, **law}
                for n, law in enumerate(guide.get("legal_bases", []), start=1)
            ],
            "faqs": [
                {"order": n, **faq}
                for n, faq in enumerate(guide.get("faqs", []), start=1)
            ],
        }
        version = item_version_create_draft(item=item, data=values, children=children)
        item_version_publish(version=version, effective_from=effective)
        created += 1
    return created


def _seed_guangan_hall() -> None:
    region = Region.objects.get(code="511602000000")
    hall, _ = hall_upsert(
        region=region,
        name=GUANGAN_HALL,
        address="",
        hours="工作日（演示数据，以大厅公告为准）",
    )
    for number, name, floor, zone, integrated, dept_names in GUANGAN_COUNTERS:
        departments = list(
            Department.objects.filter(region=region, name__in=dept_names)
        )
        items = list(ServiceItem.objects.filter(department__in=departments))
        counter_upsert(
            hall=hall,
            number=number,
            name=name,
            floor=floor,
            zone=zone,
            is_integrated=integrated,
            departments=departments,
            items=items,
        )
