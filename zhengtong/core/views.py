"""
Error pages the visitor reads: Chinese 404 and 500, JSON under /api/.

Wired in config/urls.py (``handler404``, ``handler500``). With DEBUG off
(the demo and production) these replace Django's English pages; the API
keeps its one error shape ``{"code", "message"}`` (zhengtong/api/exceptions.py)
also for addresses no API view matches.
"""

import re

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
)
from django.template import loader
from django.templatetags.static import static

from .middleware import current_request_id

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """
    Answer an unknown address or a missing record with a Chinese page.

    A Chinese message raised with Http404 ("尚未配置大厅。") is shown; an
    English one from Django ("No Case matches the given query.") is not.

    中文：页面不存在
    """
    if _is_api(request):
        return JsonResponse(
            {
                "code": "not_found",
                "message": "接口不存在，请核对地址（接口文档 /api/docs/）。",
                "request_id": current_request_id(),
            },
            status=404,
            json_dumps_params={"ensure_ascii": False},
        )
    message = exception.args[0] if getattr(exception, "args", None) else ""
    reason = message if isinstance(message, str) and _CJK.search(message) else ""
    template = loader.get_template("404.html")
    body = template.render({"reason": reason, "request_path": request.path}, request)
    return HttpResponse(body, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """
    Answer an unexpected failure with a Chinese page (no request context).

    The page is rendered without context processors, as Django does: the
    failure may be in one of them.

    中文：服务器错误
    """
    if _is_api(request):
        return JsonResponse(
            {
                "code": "server_error",
                "message": "服务器内部错误，请稍后再试。",
                "request_id": current_request_id(),
            },
            status=500,
            json_dumps_params={"ensure_ascii": False},
        )
    body = loader.get_template("500.html").render()
    return HttpResponse(body, status=500)


def favicon(request: HttpRequest) -> HttpResponse:
    """
    Send ``/favicon.ico`` (asked for by browsers and pages without a
    ``<link rel="icon">``: the queue screens, the admin) to the static icon.

    中文：网站图标
    """
    return HttpResponsePermanentRedirect(static("favicon.ico"))
