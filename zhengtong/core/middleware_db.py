"""
A request that lost its database connection is run again (issue 17 item 8).

When PostgreSQL restarts (or fails over), the requests in flight at that
instant fail with ``OperationalError``/``InterfaceError``: their transaction
is gone, nothing of it committed. The pool checks a connection before it
hands it out (``CONN_HEALTH_CHECKS``), so the *next* request is served; this
middleware makes the *interrupted* one be served too, instead of a 500:

- it re-runs the request (up to ``DB_RETRY_ATTEMPTS`` times, with a short
  back-off) when re-running cannot do the work twice: a safe method
  (GET, HEAD, OPTIONS), or a request that carries an ``Idempotency-Key``
  (a replay of a request that did commit answers the stored result);
- the body of such a request is read into memory first (it is bounded by
  ``InputBoundsMiddleware`` and the upload limits; multipart uploads are not
  re-run), so the second run parses the same bytes;
- a request that may not be re-run, or that still fails, gets ``503`` with
  ``Retry-After`` (JSON ``service_unavailable`` under /api/) — the client
  may try again; the server did not fail on its input.

Placed right after the request-id and input-bound middleware, so the re-run
passes through sessions, authentication and every other middleware again.

中文：数据库连接中断的请求自动重试
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from .middleware import current_request_id

logger = logging.getLogger("zhengtong.db")

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
LOST = (OperationalError, InterfaceError)


def _rerunnable(request: HttpRequest) -> bool:
    if request.method in SAFE_METHODS:
        return True
    if not request.headers.get("Idempotency-Key"):
        return False
    return not request.content_type.startswith("multipart/")


def _drop_broken_connections() -> None:
    """Hand back every connection of this thread; the pool discards dead ones."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except Exception:  # already dead: nothing to hand back
            logger.debug("closing a lost connection failed", exc_info=True)


def _unavailable(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "code": "service_unavailable",
                "message": "数据库暂时不可用，请稍后重试。",
                "request_id": current_request_id(),
            },
            status=503,
            json_dumps_params={"ensure_ascii": False},
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = "5"
    return response


class DatabaseRetryMiddleware:
    """Re-run a request whose database connection was lost (see module doc)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.attempts = getattr(settings, "DB_RETRY_ATTEMPTS", 3)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rerunnable = _rerunnable(request)
        if rerunnable and request.method not in SAFE_METHODS:
            request.body  # noqa: B018 - kept in memory for a second parse
        response = self.get_response(request)
        attempt = 0
        while getattr(request, "_db_lost", False):
            request._db_lost = False  # type: ignore[attr-defined]
            _drop_broken_connections()
            if not rerunnable or attempt >= self.attempts:
                return _unavailable(request)
            attempt += 1
            time.sleep(0.25 * 2**attempt)
            logger.warning(
                "database connection lost; %s %s run again (%s)",
                request.method,
                request.path,
                attempt,
            )
            response = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, LOST):
            request._db_lost = True  # type: ignore[attr-defined]
        return None
