"""
Fee totals by department and green-channel counts on the statistics page
(收费统计, 绿色通道统计): read through the one definition of each
(``fees.selectors.fee_totals``, ``agency.selectors.mark_counts``) for the
page's period and scope; drawn by static/workbench/stats_fees.js.
"""

from typing import Any

from django import template

from zhengtong.agency.selectors import mark_counts
from zhengtong.fees.formulas import fen_to_yuan
from zhengtong.fees.selectors import fee_totals, totals_sum
from zhengtong.stats.permissions import stats_scope

register = template.Library()


@register.inclusion_tag("workbench/stats/_fees_marks.html", takes_context=True)
def stats_fees_marks(context: Any, filters: Any) -> dict[str, Any]:
    """The fee table, its bar chart data and the green-channel counts."""
    user = context["request"].user
    scope = stats_scope(user)
    department = scope if scope is not None else filters.department_id
    fees = fee_totals(
        date_from=filters.date_from,
        date_to=filters.date_to,
        group="department",
        department_id=department,
    )
    group = "kind" if department is None else "department"
    marks = mark_counts(
        date_from=filters.date_from, date_to=filters.date_to, group=group
    )
    if department is not None:  # a department sees its own marks only
        marks = [m for m in marks if m["key"] == department]
    return {
        "fees": fees,
        "total": totals_sum(fees),
        "marks": marks,
        "marks_by": "类别" if group == "kind" else "部门",
        "chart": {
            "labels": [r["label"] for r in fees],
            "charged": [fen_to_yuan(r["charged"]) for r in fees],
            "net": [fen_to_yuan(r["net"]) for r in fees],
        },
    }
