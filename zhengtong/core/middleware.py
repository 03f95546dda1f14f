"""
Request middleware every request passes: a request id, and input bounds.

``RequestIdMiddleware`` (first in ``MIDDLEWARE``) gives each request an id
(a sane ``X-Request-ID`` from the proxy, or a new one), answers it in the
``X-Request-ID`` header, puts it in every log line of the request
(``RequestIdLogFilter``) and in every API error body (``request_id``), the
500 included — so a complaint about an error can be found in the log.

``InputBoundsMiddleware`` answers what the database would fail on: an id in
the address beyond 64 bits is 404 (no such record) and a query parameter
with NUL (or an address with one) is 400 ``invalid_input`` (JSON under /api/). Valid input passes
unchanged.

中文：请求编号与输入边界
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader

from .inputs import has_bad_text, id_in_range

REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def current_request_id() -> str:
    """
    The id of the request being served ("-" outside a request).

    中文：当前请求编号
    """
    return REQUEST_ID.get()


class RequestIdLogFilter(logging.Filter):
    """Add ``record.request_id`` (used by the log format in settings)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = REQUEST_ID.get()
        if request_id == "-":  # Django logs 4xx after the middleware returned
            request_id = getattr(getattr(record, "request", None), "request_id", "-")
        record.request_id = request_id
        return True


class RequestIdMiddleware:
    """Give every request an id (see module doc)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = REQUEST_ID.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            REQUEST_ID.reset(token)
        response["X-Request-ID"] = request_id
        return response


class InputBoundsMiddleware:
    """Refuse ids and parameters no database stores (see module doc)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_bad_text(request.path):
            return _bad_parameter(request)
        for key, values in request.GET.lists():
            if has_bad_text(key) or any(has_bad_text(v) for v in values):
                return _bad_parameter(request)
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> None:
        for value in (*view_args, *view_kwargs.values()):
            if isinstance(value, int) and not id_in_range(value):
                raise Http404("记录不存在。")
        return None


def _bad_parameter(request: HttpRequest) -> HttpResponse:
    message = "请求参数中不能含有空字符或无效字符。"
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "invalid_input",
                "message": message,
                "request_id": current_request_id(),
            },
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    body = loader.get_template("400.html").render()
    return HttpResponse(body, status=400)
