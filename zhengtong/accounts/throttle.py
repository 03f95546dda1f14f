"""
Login lockout on every door, by django-axes (one definition).

The web login (/accounts/login/), the admin login (/admin/login/) and the
token API (/api/v1/auth/token/) all authenticate through
``django.contrib.auth.authenticate``; django-axes (first of
``AUTHENTICATION_BACKENDS``) counts the failures per username and client
address (``AXES_LOCKOUT_PARAMETERS``) in the database (every worker shares
them; the admin lists them) and refuses further attempts for
``AXES_COOLOFF_TIME`` once ``AXES_FAILURE_LIMIT`` failures have been seen.
The failure that reaches the limit is already answered as locked.

This module holds what the doors show: ``lockout_response`` (the
``AXES_LOCKOUT_CALLABLE``) answers 429 ``login_locked`` with ``Retry-After``
on the API and lets the login pages show ``lock_message()`` in their form.

中文：登录失败锁定
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from axes.backends import AxesStandaloneBackend

LOCK_MESSAGE = "登录失败次数过多，账号已暂时锁定，请{minutes}分钟后再试。"


def client_ip(request) -> str:
    """Return the client address (REMOTE_ADDR; proxies set it via the server)."""
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _cooloff_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lock_message() -> str:
    """
    The Chinese message of a locked login.

    中文：锁定提示
    """
    return LOCK_MESSAGE.format(minutes=max(1, _cooloff_seconds() // 60))


def login_is_locked_out(request) -> bool:
    """
    Return True when django-axes refused (or just locked) this login attempt.

    中文：登录是否锁定
    """
    django_request = getattr(request, "_request", request)
    return bool(getattr(django_request, "axes_locked_out", False))


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, *args
) -> HttpResponse:
    """
    ``AXES_LOCKOUT_CALLABLE``: 429 JSON on the API; on a login page 429 with
    the page the view rendered (its form shows ``lock_message()``).

    中文：锁定应答
    """
    retry_after = str(_cooloff_seconds())
    if request.path.startswith("/api/") or not isinstance(
        original_response, HttpResponse
    ):
        response: HttpResponse = JsonResponse(
            {"code": "login_locked", "message": lock_message()}, status=429
        )
    else:
        response = original_response
        response.status_code = 429
    response["Retry-After"] = retry_after
    return response


class LockoutBackend(AxesStandaloneBackend):
    """
    django-axes' backend for the login doors; a call without a request (the
    test client's ``login()``, a management command) is no door and passes.

    中文：登录锁定认证后端
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
