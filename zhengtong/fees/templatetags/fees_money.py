"""Money in templates: fen shown as yuan (the one definition: formulas.fen_to_yuan)."""

from typing import Any

from django import template

from zhengtong.fees.formulas import fen_to_yuan

register = template.Library()


@register.filter
def yuan(fen: Any) -> str:
    """Return an amount in fen as yuan text ("12.50")."""
    try:
        return fen_to_yuan(int(fen))
    except (TypeError, ValueError):
        return ""
