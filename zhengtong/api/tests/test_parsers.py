"""Strict JSON: what Python's json accepts but JSON and the database do not."""

import pytest

from zhengtong.api.parsers import MAX_DEPTH, json_strict_loads
from zhengtong.core.errors import ApplicationError


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


REFUSED = [
    b'{"x": NaN}',
    b'{"x": Infinity}',
    b'{"x": -Infinity}',
    b"[1e999]",
    b'{"x": -1e400}',
    b'{"a": 1, "a": 2}',
    b'{"o": {"k": 1, "k": 1}}',
    b'{"s": "\\ud800"}',
    b'{"\\udc00": 1}',
    b'["a\\u0000b"]',
    b'{"\\u0000": 1}',
    b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1),
    b"[" * 100_000,  # deeper than the interpreter's stack
    b"{not json",
    b'"\xff"',  # not UTF-8
    b"",
]


@pytest.mark.parametrize("raw", REFUSED)
def test_outside_strict_json_is_refused_with_a_stable_code(raw):
    with pytest.raises(ApplicationError) as exc:
        json_strict_loads(raw)
    assert exc.value.code == "invalid_input" and exc.value.status == 400
    assert exc.value.message.startswith("请求内容不是有效的 JSON")


@pytest.mark.parametrize(
    "raw, value",
    [
        (b'{"x": 1.5, "y": -2e3, "z": 10}', {"x": 1.5, "y": -2000.0, "z": 10}),
        ('{"名": "\\u4e2d\\ud83d\\ude00"}'.encode(), {"名": "中😀"}),
        (b"[" * MAX_DEPTH + b"]" * MAX_DEPTH, _nested(MAX_DEPTH)),
        (b'[{"a": 1}, {"a": 2}]', [{"a": 1}, {"a": 2}]),
        (b'"NaN"', "NaN"),
    ],
)
def test_strict_json_is_read_as_json(raw, value):
    assert json_strict_loads(raw) == value
