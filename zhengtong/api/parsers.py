"""
Strict JSON for every API request body.

Python's ``json`` accepts what JSON (RFC 8259) does not and what the database
cannot store: ``NaN``, ``Infinity`` and ``-Infinity``, numbers such as
``1e999`` that become infinity, duplicate keys (the last one silently wins),
lone surrogates and ``\\u0000`` in strings (PostgreSQL's ``jsonb`` and text
columns refuse both), and nesting deep enough to exhaust the stack.
``json_strict_loads`` refuses all of them with one stable answer: 400
``{"code": "invalid_input", "message": …}``, the code malformed JSON has
always had. ``StrictJSONParser`` is the JSON parser of every API view
(``REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]``), so nothing is stored from
such a body.

中文：严格 JSON 解析
"""

from __future__ import annotations

import json
import re
from typing import Any

from rest_framework.parsers import JSONParser

from zhengtong.core.errors import ApplicationError

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects a request body may have."""

_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse(message: str) -> ApplicationError:
    return ApplicationError("invalid_input", f"请求内容不是有效的 JSON：{message}")


def _constant(name: str) -> Any:
    raise _refuse(f"不接受 {name}，数值必须是有限的数字。")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _refuse(f"数字 {text[:40]} 超出范围。")
    return value


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _refuse(f"对象中的键“{key[:40]}”重复出现。")
            seen.add(key)
    return data


_DECODER = json.JSONDecoder(
    parse_constant=_constant, parse_float=_finite, object_pairs_hook=_unique_keys
)


def _check_text(value: str) -> None:
    if "\x00" in value:
        raise _refuse("字符串中不能含有空字符（\\u0000）。")
    if _SURROGATE.search(value):
        raise _refuse("字符串中含有不成对的代理字符。")


def _walk(data: Any, *, escapes: bool) -> None:
    """Check nesting depth and (when the text had ``\\u`` escapes) strings."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_DEPTH:
                raise _refuse(f"嵌套层数超过 {MAX_DEPTH} 层。")
            for key, item in value.items():
                if escapes:
                    _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                raise _refuse(f"嵌套层数超过 {MAX_DEPTH} 层。")
            stack.extend((item, depth + 1) for item in value)
        elif escapes and isinstance(value, str):
            _check_text(value)


def json_strict_loads(raw: bytes | str) -> Any:
    """
    Return the value of the JSON text ``raw`` (UTF-8 when bytes), or raise
    ApplicationError ``invalid_input`` (400) for anything outside strict JSON
    (see module doc).

    The strings are only searched when the text has ``\\u`` escapes (raw
    UTF-8 cannot carry a lone surrogate, and raw control characters are
    refused by the decoder), and the depth only when the text has more
    brackets than the limit: a usual body costs one ``json`` decode.
    """
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _refuse("不是 UTF-8 编码。") from None
    else:
        text = raw
    try:
        data = _DECODER.decode(text)
    except RecursionError:
        raise _refuse(f"嵌套层数超过 {MAX_DEPTH} 层。") from None
    except ValueError as exc:  # JSONDecodeError, or an integer too long
        raise _refuse("格式错误。") from exc
    escapes = "\\u" in text
    if escapes or text.count("[") + text.count("{") > MAX_DEPTH:
        _walk(data, escapes=escapes)
    return data


class StrictJSONParser(JSONParser):
    """DRF's JSON parser with ``json_strict_loads`` (see module doc)."""

    def parse(self, stream, media_type=None, parser_context=None) -> Any:
        return json_strict_loads(stream.read())
