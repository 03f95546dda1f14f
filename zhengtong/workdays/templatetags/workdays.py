"""Template filters of the working-day calendar."""

from datetime import date

from django import template

from zhengtong.workdays.selectors import calendar_get

register = template.Library()


@register.filter
def is_provisional(value: date | None) -> bool:
    """
    Return whether a date lies in a provisional (推定) calendar year.

    Use: ``{% if d|is_provisional %}{% include "workdays/_provisional_tag.html" %}{% endif %}``.
    """
    if not isinstance(value, date):
        return False
    return calendar_get().is_provisional(value)
