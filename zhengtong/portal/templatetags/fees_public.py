"""The applicant's view of a case's fees: what they paid and why (收费明细)."""

from typing import Any

from django import template

from zhengtong.fees import notices, permissions, selectors

register = template.Library()


@register.inclusion_tag("portal/fees/_case_fees.html", takes_context=True)
def case_fees_panel(context: Any, case: Any) -> dict[str, Any]:
    """Show the case's charges, payments and refunds to whoever sees the case."""
    user = context["request"].user
    if not permissions.can_see_fees(user=user, case=case):
        return {"fees": None}
    fees = selectors.case_fees(case=case)
    notice = notices.payment_notice_latest(case=case) if fees.outstanding > 0 else None
    return {"case": case, "fees": fees, "notice": notice}
