"""Template filters for catalogue wording: ``{{ days|limit_text:unit }}``."""

from django import template

from zhengtong.catalog import constants

register = template.Library()


@register.filter
def limit_text(days: int | None, unit: str = "") -> str:
    """Render a time limit with its unit, e.g. "5 个工作日" or "30 个自然日"."""
    return constants.limit_text(days, unit or constants.DayUnit.WORKING)
