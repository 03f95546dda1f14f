"""Template filters of the supervision order and card pages (督办单、效能告诫)."""

from typing import Any

from django import template

from zhengtong.supervision import permissions

register = template.Library()


@register.filter
def may_open_order(user: Any) -> bool:
    """Return True when ``user`` may open a supervision order (督办)."""
    return permissions.can_open_order(user)
