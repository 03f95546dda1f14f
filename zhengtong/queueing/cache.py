"""
Per-process cache of the queue configuration read on every ticket.

Categories, opening sessions, counters' category ranks and queue policies
change a few times a year but were read several times per ticket. They are
kept per process and dropped when the configuration changes:

* in this process at once: a ``post_save`` / ``post_delete`` signal of the
  configuration models clears the local copy (``config_changed``);
* in every other process at the next request: the same signal writes a new
  random token into the one-row table ``ConfigVersion``, and the cache
  compares that token (one primary-key read, no ORM compilation) once per
  request in a WSGI worker, and on every lookup elsewhere (threads of an
  ASGI server, tasks, shell, tests).

Because the token is written in the writer's transaction, other processes
see the new token together with the new rows; a rolled-back change leaves
the old token, so a copy built from uncommitted rows is never reused.
Bulk writes that send no signal (``QuerySet.update``, raw SQL, fixtures)
must call ``config_changed()`` themselves.

The cached values are model instances; callers get a copy, so changing an
attribute never leaks into another request.

中文：排队配置缓存
"""

from __future__ import annotations

import copy
import secrets
import threading
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import connection

from .models import ConfigVersion

_MISSING = object()
MAX_ENTRIES = 10_000


class _LocalCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.token: int | None = None
        self.entries: dict[tuple, Any] = {}


_local = _LocalCache()
# .checked: this thread has compared the token during the current request.
_request = threading.local()


def _token_from_db() -> int:
    # One primary-key read on every request: raw SQL because compiling the
    # equivalent ORM query would cost ten times the read itself.
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM queueing_configversion WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else 0


def _entries() -> dict[tuple, Any]:
    """Return the entries valid for the current configuration token."""
    if getattr(_request, "checked", False) and _local.token is not None:
        return _local.entries
    token = _token_from_db()
    with _local.lock:
        if token != _local.token:
            _local.entries = {}
            _local.token = token
        entries = _local.entries
    if getattr(_request, "active", False):
        _request.checked = True
    return entries


def config_cached(
    key: tuple,
    build: Callable[[], Any],
    *,
    valid: Callable[[Any], bool] | None = None,
) -> Any:
    """
    Return the cached value of ``key``, building it with ``build()`` once.

    ``valid`` may reject a cached value (it is then rebuilt). The value is
    returned as a shallow copy (lists, dicts, model instances), so the
    caller may change it freely. Nothing is cached when ``build`` raises.

    中文：读取排队配置缓存
    """
    entries = _entries()
    value = entries.get(key, _MISSING)
    if value is _MISSING or (valid is not None and not valid(value)):
        value = build()
        if len(entries) >= MAX_ENTRIES:  # e.g. sessions of many distinct days
            entries.clear()
        entries[key] = value
    return copy.copy(value)


def config_changed() -> None:
    """
    Drop the cached configuration here and, through the token, everywhere.

    中文：排队配置已变更
    """
    with _local.lock:
        _local.entries = {}
        _local.token = None
    _request.checked = False
    token = secrets.randbits(62)
    if not ConfigVersion.objects.filter(pk=1).update(token=token):
        ConfigVersion.objects.update_or_create(pk=1, defaults={"token": token})


def _request_begins(**_kwargs: Any) -> None:
    _request.active = True
    _request.checked = False


def _request_ends(**_kwargs: Any) -> None:
    _request.active = False
    _request.checked = False


request_started.connect(_request_begins, dispatch_uid="queueing_config_request")
request_finished.connect(_request_ends, dispatch_uid="queueing_config_request")
