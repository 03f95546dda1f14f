"""
Map every error to one JSON shape: {"code", "message", "details"?, "request_id"}.

ApplicationError carries its own code and status; DRF errors get stable
codes; nothing a client sends produces a 500.
"""

from typing import Any

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    ValidationError,
)
from django.http import Http404

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from zhengtong.core.errors import ApplicationError
from zhengtong.core.middleware import current_request_id


def _first_message(detail: Any) -> str:
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        msg = _first_message(value)
        return msg if key in ("non_field_errors", "detail") else f"{key}：{msg}"
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """Every API error as ``{"code", "message", "details"?, "request_id"}``."""
    response = _error_response(exc, context)
    if response is not None and isinstance(response.data, dict):
        response.data["request_id"] = current_request_id()
    return response


def _error_response(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"code": "request_too_large", "message": "请求内容过大。"}, status=413
        )
    if isinstance(exc, ApplicationError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, ValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    if isinstance(exc, Http404):
        return Response(
            {"code": "not_found", "message": "记录不存在或无权查看。"},
            status=status.HTTP_404_NOT_FOUND,
        )
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    codes = {
        400: ("invalid_input", "请求参数有误。"),
        401: ("not_authenticated", "请先登录。"),
        403: ("permission_denied", "您没有执行此操作的权限。"),
        404: ("not_found", "记录不存在或无权查看。"),
        405: ("method_not_allowed", "不支持该请求方法。"),
        406: ("not_acceptable", "无法提供所请求的格式。"),
        415: ("unsupported_media_type", "不支持的请求内容类型。"),
        429: ("throttled", "请求过于频繁，请稍后再试。"),
    }
    code, default_message = codes.get(response.status_code, ("error", "请求失败。"))
    if isinstance(exc, exceptions.ValidationError):
        message = _first_message(exc.detail) or default_message
        response.data = {"code": code, "message": message, "details": exc.detail}
    else:
        response.data = {"code": code, "message": default_message}
    return response
