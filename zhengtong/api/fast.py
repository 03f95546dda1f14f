"""
A fast lane for the most frequent, well-formed API writes.

For a submission, the page middleware (sessions, CSRF, messages, locale,
htmx…) and DRF's request handling (request wrapper, parser and renderer
negotiation, authenticator, permission and throttle objects, rendering)
cost as much CPU as writing the case. ``FastLaneMiddleware`` sits right
after the security and static-file middleware: for a POST to an API view
that has a ``fast_lane(request, **kwargs)`` function it calls that function,
which answers the common case itself (``Token`` header, JSON object body)
with the helpers below, or returns None to hand the request, untouched, to
the rest of the middleware and to DRF (a missing or bad token, another body
type, unusual input). A lane must give the very answers of the DRF path
(status, JSON bytes, headers); each view that has one tests that.

Middleware listed after ``FastLaneMiddleware`` in settings does not see
lane requests.

中文：接口快速通道
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.translation import get_language

from rest_framework import exceptions
from rest_framework.views import APIView

from zhengtong.accounts.authentication import TokenAuthentication
from zhengtong.accounts.models import User

_AUTH = TokenAuthentication()


def token_user(request: HttpRequest) -> User | None:
    """
    Return the active user of a valid ``Authorization: Token <key>`` header.

    None for anything else (no header, another scheme, an unknown or inactive
    token): the DRF path then answers as it always does.
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    keyword, _, key = header.partition(" ")
    if keyword != "Token" or not key or " " in key:
        return None
    try:
        user, _token = _AUTH.authenticate_credentials(key)
    except exceptions.AuthenticationFailed:
        return None
    return user


def lane_user(request: HttpRequest) -> User | AnonymousUser | None:
    """
    Return who sends ``request`` for a lane that also serves anonymous
    callers: the user of a valid ``Token`` header, AnonymousUser when the
    request carries no credentials at all, None when DRF must decide (a bad
    token or another scheme; a session, which DRF checks with its CSRF
    token; DRF's test client's ``force_authenticate()``).
    """
    if "HTTP_AUTHORIZATION" in request.META:
        return token_user(request)
    if (
        settings.SESSION_COOKIE_NAME in request.COOKIES
        or getattr(request, "_force_auth_user", None) is not None
    ):
        return None
    return AnonymousUser()


def answers_json(request: HttpRequest) -> bool:
    """
    Return whether DRF would answer ``request`` in JSON without negotiating:
    no query string (DRF reads ``?format=``) and an ``Accept`` of JSON or
    anything. Otherwise DRF negotiates (browsable API, 406 …).
    """
    if request.META.get("QUERY_STRING"):
        return False
    return request.META.get("HTTP_ACCEPT", "") in ("", "*/*", "application/json")


def json_object(request: HttpRequest) -> dict | None:
    """
    Return the body when it is a JSON object sent as application/json to a
    client that takes JSON back (``answers_json``).
    """
    if request.content_type != "application/json" or not answers_json(request):
        return None
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if type(data) is dict else None


@functools.cache
def _allow(view_class: type[APIView]) -> str:
    view = view_class()
    view.setup(None)  # as as_view() does: HEAD where there is GET
    return ", ".join(view.allowed_methods)


def json_response(data: Any, *, status: int, view_class: type[APIView]) -> HttpResponse:
    """
    Return ``data`` as DRF's JSONRenderer writes it (compact, UTF-8, no
    ASCII escapes), with the headers the DRF path's response carries.
    ``data`` None is an empty answer (204), as DRF sends it: no body and no
    content type.
    """
    if data is None:
        body = b""
        response = HttpResponse(body, status=status)
        del response["Content-Type"]
    else:
        body = json.dumps(
            data, ensure_ascii=False, allow_nan=False, separators=(",", ":")
        ).encode()
        response = HttpResponse(body, status=status, content_type="application/json")
    response["Allow"] = _allow(view_class)
    # what DRF, LocaleMiddleware, CommonMiddleware and XFrameOptionsMiddleware add
    response["Vary"] = "Accept, Accept-Language"
    response["Content-Language"] = get_language()
    response["Content-Length"] = str(len(body))
    response["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response


class FastLaneMiddleware:
    """Hand API POSTs to their view's ``fast_lane`` first (see module doc)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info.startswith("/api/"):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return self.get_response(request)
            view_class = getattr(match.func, "view_class", None)
            lane = getattr(view_class, "fast_lane", None)
            if lane is not None:
                response = lane(request, **match.kwargs)
                if response is not None:
                    return response
        return self.get_response(request)
