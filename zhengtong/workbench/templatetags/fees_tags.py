"""Template filters and the case panel of the fee pages (收费)."""

from typing import Any

from django import template

from zhengtong.fees import permissions, selectors
from zhengtong.fees.models import RefundState
from zhengtong.fees.templatetags.fees_money import yuan

register = template.Library()


register.filter("yuan", yuan)


@register.filter
def refund_state_label(state: str) -> str:
    """Return the Chinese label of a refund state."""
    try:
        return str(RefundState(state).label)
    except ValueError:
        return ""


@register.filter
def may_reconcile(user: Any) -> bool:
    """Return True when ``user`` may open the daily reconciliation."""
    return permissions.can_view_reconciliation(user)


@register.inclusion_tag("workbench/fees/_panel.html", takes_context=True)
def fees_case_panel(context: Any, case: Any) -> dict[str, Any]:
    """Show a case's fee sums and the way to the fee page (staff case page)."""
    user = context["request"].user
    fee_items = selectors.fee_items_published(version_id=case.item_version_id)
    return {
        "case": case,
        "fees": selectors.case_fees(case=case),
        "fee_items": fee_items,
        "settle_required": any(f.settle_before_delivery for f in fee_items),
        "may_record": permissions.can_record(user=user, case=case),
    }
