"""
The complaint categories as data (投诉类别): the county rules' five
categories with their numbered sub-items (seed-rules.md B, source 001) and
the 12345 hotline request types (../shared/data/
service_evaluation_and_hotline_categories.json, 国办发〔2020〕53号).

``catalogue_seed`` takes the model classes, so the data migration
(historical models), the demo and the test worlds share one definition.
Idempotent: existing rows are left as a region edited them.

中文：投诉类别目录
"""

from typing import Any

# code, name, integrity (不廉洁: the discipline queue), sub-items (code, name)
CATEGORIES: list[tuple[str, str, bool, list[tuple[str, str]]]] = [
    (
        "attitude",
        "不热情服务",
        False,
        [
            ("attitude_rude", "态度粗暴、言行不文明"),
            ("attitude_unclear", "不能及时准确解答咨询"),
            ("attitude_not_once", "不能一次性告知或不出具补办材料通知书"),
            ("attitude_no_apology", "出现差错不改正、不道歉"),
        ],
    ),
    (
        "rules",
        "不按办事规则办事",
        False,
        [
            ("rules_refused", "材料齐全故意不受理"),
            ("rules_instant_as_promised", "可当场办结的即办件按承诺件受理"),
            ("rules_overdue", "承诺件在承诺时限内未办结"),
            ("rules_returned", "随意退件"),
        ],
    ),
    (
        "fees",
        "不按规定收费",
        False,
        [
            ("fees_over_standard", "超公示标准收取费用"),
            ("fees_extra", "搭车收费"),
            ("fees_no_invoice", "不开具财政正式票据"),
            ("fees_unauthorised_relief", "擅自减、免、缓收费"),
        ],
    ),
    (
        "integrity",
        "不廉洁",
        True,
        [
            ("integrity_favour", "不给好处不办事"),
            ("integrity_extortion", "吃拿卡要"),
        ],
    ),
    (
        "other",
        "其它",
        False,
        [
            ("other_disagree", "对处理结果有异议"),
            ("other_unsatisfied", "其他不满意事项"),
        ],
    ),
]

# 12345 request types (诉求类型): the hotline's own classification of a
# transferred order, kept beside the county category.
HOTLINE_TYPES: list[tuple[str, str]] = [
    ("hotline_consult", "咨询"),
    ("hotline_help", "求助"),
    ("hotline_complaint", "投诉"),
    ("hotline_report", "举报"),
    ("hotline_suggest", "建议"),
    ("hotline_praise", "表扬"),
    ("hotline_query", "查询"),
]

DISCIPLINE_GROUP = "纪检监察"
INTEGRITY_PERMISSION = "handle_integrity_complaint"


def catalogue_seed(ComplaintCategory: Any) -> None:  # noqa: N803
    """Create the default categories, sub-items and hotline types where missing."""
    position = 0
    for code, name, integrity, items in CATEGORIES:
        position += 10
        parent, _ = ComplaintCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "integrity": integrity, "position": position},
        )
        for sub_position, (sub_code, sub_name) in enumerate(items, start=1):
            ComplaintCategory.objects.get_or_create(
                code=sub_code,
                defaults={
                    "name": sub_name,
                    "parent": parent,
                    "integrity": integrity,
                    "position": position + sub_position,
                },
            )
    for offset, (code, name) in enumerate(HOTLINE_TYPES, start=1):
        ComplaintCategory.objects.get_or_create(
            code=code,
            defaults={"name": name, "hotline": True, "position": 1000 + offset},
        )


def discipline_group_seed(Group: Any, Permission: Any, ContentType: Any) -> None:  # noqa: N803
    """Create the 纪检监察 group holding the integrity-complaint permission."""
    content_type, _ = ContentType.objects.get_or_create(
        app_label="feedback", model="complaint"
    )
    permission, _ = Permission.objects.get_or_create(
        codename=INTEGRITY_PERMISSION,
        content_type=content_type,
        defaults={"name": "办理廉洁类投诉（纪检）"},
    )
    group, _ = Group.objects.get_or_create(name=DISCIPLINE_GROUP)
    group.permissions.add(permission)
