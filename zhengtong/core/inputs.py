"""
What a client may send as an id or a text parameter (no 500 from input).

Every database we run on stores ids as signed 64-bit integers: SQLite raises
``OverflowError`` and PostgreSQL ``DataError`` for a larger number, and
PostgreSQL refuses NUL (``\\x00``) in text. ``int_id`` reads an id from text
(None when it is not one), ``id_in_range`` checks a converted URL id, and
``has_nul`` finds a NUL in a parameter. The request middleware
(``zhengtong/core/middleware.py``) applies them to every request.

中文：输入边界
"""

from __future__ import annotations

import re

ID_MAX = 2**63 - 1
"""The largest id (a signed 64-bit integer)."""

_SURROGATE = re.compile("[\ud800-\udfff]")


def id_in_range(value: int) -> bool:
    """
    Return True when ``value`` fits a database id (signed 64 bits).

    中文：编号范围
    """
    return -ID_MAX - 1 <= value <= ID_MAX


def int_id(text: str | None) -> int | None:
    """
    Return the positive id written in ``text`` (ASCII digits, in range), else None.

    中文：解析编号
    """
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= ID_MAX else None


def has_bad_text(text: str) -> bool:
    """
    Return True when ``text`` holds a NUL or a lone surrogate (no database
    stores either).

    中文：非法字符
    """
    return "\x00" in text or bool(_SURROGATE.search(text))
