"""
``validated`` and ``rendered`` give what a fresh serializer gives: the same
validated data and errors, the same representation (plans are per class).
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from rest_framework import serializers

from zhengtong.api.shapes import rendered, rendered_many, validated


class Inner(serializers.Serializer):
    code = serializers.CharField()


class Shape(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="title")
    inner_code = serializers.CharField(source="inner.code")
    day = serializers.DateField(allow_null=True)
    label = serializers.SerializerMethodField()
    display = serializers.CharField(source="get_display")
    items = Inner(many=True)

    def get_label(self, obj) -> str:
        return f"#{obj['id'] if isinstance(obj, dict) else obj.id}"


def _object(day):
    return SimpleNamespace(
        id=3,
        title="甲",
        inner=SimpleNamespace(code="c"),
        day=day,
        get_display=lambda: "显示",
        items=[{"code": "x"}],
    )


@pytest.mark.parametrize("day", [dt.date(2026, 3, 2), None])
def test_rendered_equals_the_serializer_data(day):
    obj = _object(day)
    assert rendered(Shape, obj) == Shape(obj).data
    row = {
        "id": 4,
        "title": "乙",
        "inner": {"code": "d"},
        "day": day,
        "get_display": "行",
        "items": [],
    }
    assert rendered_many(Shape, [row, obj]) == Shape([row, obj], many=True).data


class Input(serializers.Serializer):
    code = serializers.CharField(max_length=5)
    n = serializers.IntegerField(default=1)


@pytest.mark.parametrize(
    "data",
    [{"code": " ab "}, {"code": "abcdef"}, {}, [1], {"code": "a", "n": "x"}],
)
def test_validated_equals_a_fresh_serializer(data):
    fresh = Input(data=data)
    if fresh.is_valid():
        assert validated(Input, data) == fresh.validated_data
    else:
        with pytest.raises(serializers.ValidationError) as exc:
            validated(Input, data)
        assert exc.value.detail == fresh.errors


def test_a_null_body_is_invalid_input_not_a_500():
    """Schemathesis (issue 17): a JSON ``null`` body raised ValueError."""
    with pytest.raises(serializers.ValidationError) as exc:
        validated(Input, None)
    assert list(exc.value.detail) == ["non_field_errors"]
