"""
The default catalogue of supervision: the six systems' breaches, the measures
and the default policy (seed-rules.md C: the source documents give no rule for
黄牌/红牌 and no threshold, so all of it is data a region edits in the admin).

``catalogue_seed`` takes the model classes, so the data migration (historical
models) and tests or the demo (after a flush) share one definition.
Idempotent.
"""

from typing import Any

MEASURES = [
    # code, name, severity, assessment points deducted
    ("remind", "提醒", 1, "0"),
    ("educate", "批评教育", 2, "1"),
    ("yellow_card", "黄牌（效能告诫）", 3, "3"),
    ("red_card", "红牌（效能告诫）", 4, "6"),
    ("public_criticism", "通报批评", 5, "10"),
    ("transfer", "调离窗口", 6, "20"),
]

BREACHES = [
    # code, system, name, default measure
    ("first_question_dropped", "first_question", "首问转交未确认或推诿", "educate"),
    ("notice_not_once", "one_notice", "未一次性告知补正内容（多次补正）", "educate"),
    ("instant_as_promised", "promise", "即办件无故按承诺件受理", "yellow_card"),
    ("refusal_unjustified", "promise", "无正当理由不予受理或随意退件", "yellow_card"),
    ("overdue_concluded", "time_limit", "超过承诺时限办结", "yellow_card"),
    ("order_overdue", "time_limit", "督办单逾期未回复", "educate"),
    ("suspension_no_notice", "time_limit", "暂停计时未书面告知", "educate"),
    ("ab_post_vacant", "ab_post", "离岗未交接、B岗未补位", "educate"),
    ("offbook", "post_duty", "体外循环（办理未登记）", "red_card"),
    ("complaint_verified", "post_duty", "投诉经核实属实", "yellow_card"),
    ("bad_rating_verified", "post_duty", "差评经核实属实", "remind"),
]


def catalogue_seed(MeasureKind: Any, BreachKind: Any, Policy: Any) -> None:  # noqa: N803
    """Create the default measures, breach kinds and policy where missing."""
    measures = {}
    for code, name, severity, points in MEASURES:
        measures[code], _ = MeasureKind.objects.get_or_create(
            code=code,
            defaults={"name": name, "severity": severity, "assessment_points": points},
        )
    for code, system, name, measure in BREACHES:
        BreachKind.objects.get_or_create(
            code=code,
            defaults={
                "system": system,
                "name": name,
                "default_measure": measures[measure],
            },
        )
    Policy.objects.get_or_create(
        region_code="",
        defaults={"late_breach_kind": BreachKind.objects.get(code="overdue_concluded")},
    )
