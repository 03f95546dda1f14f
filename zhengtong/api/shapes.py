"""
One input and one output definition per API operation, used cheaply.

Each operation's input and output are DRF serializers (``serializers.py`` of
the app, or an ``InputSerializer`` on the view): drf-spectacular documents
them, and every request is checked and answered through them — there is no
second, hand-written copy (docs/decisions/0003-one-definition-per-api-operation.md).

What makes a serializer costly per request is building it: DRF deep-copies
every declared field for each new instance. ``validated`` and ``rendered``
keep one bound instance per serializer class per thread and call its
``run_validation`` / ``to_representation``, which read nothing but their
argument; the answer (errors included) is what ``is_valid()`` / ``.data`` of
a fresh instance give.

中文：接口输入输出定义
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from rest_framework import serializers
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
        raise serializers.ValidationError(
            ReturnDict(exc.detail, serializer=serializer)
        ) from None


def rendered(cls: type[serializers.Serializer], instance: Any) -> dict[str, Any]:
    """Return ``cls(instance).data``: the output definition applied to ``instance``."""
    return _instance(cls).to_representation(instance)


def rendered_many(
    cls: type[serializers.Serializer], instances: Iterable[Any]
) -> list[dict[str, Any]]:
    """Return ``cls(instances, many=True).data``."""
    to_representation = _instance(cls).to_representation
    return [to_representation(instance) for instance in instances]
