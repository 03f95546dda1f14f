"""
One input and one output definition per API operation, used cheaply.

Each operation's input and output are DRF serializers (``serializers.py`` of
the app, or an ``InputSerializer`` on the view): drf-spectacular documents
them, and every request is checked and answered through them — there is no
second, hand-written copy (docs/decisions/0003-one-definition-per-api-operation.md).

What makes a serializer costly per request is building it: DRF deep-copies
every declared field for each new instance. ``validated`` keeps one bound
instance per serializer class per thread and calls its ``run_validation``,
which reads nothing but its argument; the answer (errors included) is what
``is_valid()`` of a fresh instance gives. ``rendered`` and ``rendered_many``
walk the bound instance's readable fields once into a plan (per field: how
to read the value, and the field's own ``to_representation``), and apply the
plan to each instance or row: exactly ``Serializer.to_representation``,
without its per-value lookups — a 100-row case list is rendered from the
same ``CaseListItemOutput`` at a fraction of the cost.

中文：接口输入输出定义
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ObjectDoesNotExist

from rest_framework import serializers
from rest_framework.fields import is_simple_callable
from rest_framework.relations import PKOnlyObject
from rest_framework.utils.serializer_helpers import ReturnDict

_local = threading.local()


def _instance(cls: type[serializers.Serializer]) -> serializers.Serializer:
    cache = getattr(_local, "serializers", None)
    if cache is None:
        cache = _local.serializers = {}
    serializer = cache.get(cls)
    if serializer is None:
        serializer = cache[cls] = cls()
    return serializer


def validated(cls: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    """
    Return ``data`` checked by the input serializer ``cls`` (its validated
    data), or raise its ValidationError (400 ``invalid_input`` with the
    serializer's ``details``).
    """
    serializer = _instance(cls)
    try:
        return serializer.run_validation(data)
    except serializers.ValidationError as exc:
        detail = exc.detail
        if not isinstance(detail, Mapping):  # the body itself (null, a list)
            detail = {"non_field_errors": detail}
        raise serializers.ValidationError(
            ReturnDict(detail, serializer=serializer)
        ) from None


def _read(attr: str) -> Callable[[Any], Any]:
    """Return ``Field.get_attribute`` for a one-step source, without its wrapping."""

    def read(instance: Any) -> Any:
        try:
            if isinstance(instance, Mapping):
                value = instance[attr]
            else:
                value = getattr(instance, attr)
        except ObjectDoesNotExist:
            return None
        return value() if is_simple_callable(value) else value

    return read


def _plan(cls: type[serializers.Serializer]) -> list[tuple[str, Any, Any]]:
    """Return (key, instance -> value, value -> representation) per readable field."""
    cache = getattr(_local, "plans", None)
    if cache is None:
        cache = _local.plans = {}
    plan = cache.get(cls)
    if plan is None:
        plan = []
        for field in _instance(cls)._readable_fields:
            attrs = field.source_attrs
            plain = type(field).get_attribute is serializers.Field.get_attribute
            read = _read(attrs[0]) if plain and len(attrs) == 1 else field.get_attribute
            if isinstance(field, serializers.SerializerMethodField):
                # what its to_representation does: the serializer's get_<name>
                to_representation = getattr(field.parent, field.method_name)
            else:
                to_representation = field.to_representation
            plan.append((field.field_name, read, to_representation))
        cache[cls] = plan
    return plan


def _apply(plan: list[tuple[str, Any, Any]], instance: Any) -> dict[str, Any]:
    ret = {}
    for key, read, to_representation in plan:
        value = read(instance)
        check = value.pk if isinstance(value, PKOnlyObject) else value
        ret[key] = None if check is None else to_representation(value)
    return ret


def rendered(cls: type[serializers.Serializer], instance: Any) -> dict[str, Any]:
    """Return ``cls(instance).data``: the output definition applied to ``instance``."""
    return _apply(_plan(cls), instance)


def rendered_many(
    cls: type[serializers.Serializer], instances: Iterable[Any]
) -> list[dict[str, Any]]:
    """Return ``cls(instances, many=True).data``."""
    plan = _plan(cls)
    return [_apply(plan, instance) for instance in instances]
