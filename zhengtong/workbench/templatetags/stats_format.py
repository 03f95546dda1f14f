"""Formatting of statistics in templates (percentages, stars, query strings)."""

from typing import Any

from django import template
from django.utils.http import urlencode

register = template.Library()


@register.filter
def pct(value: Any) -> str:
    """Return a rate in [0, 1] as a percentage with one decimal ("—" for none)."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """Return ``mapping[key]`` (None when absent)."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def urlencode_dict(params: Any) -> str:
    """Return a dict of query parameters as a query string."""
    return urlencode(params or {})


@register.filter
def star_text(stars: Any) -> str:
    """Return a star level (1–5) as ★ marks."""
    try:
        n = max(0, min(5, int(stars)))
    except (TypeError, ValueError):
        return ""
    return "★" * n + "☆" * (5 - n)
