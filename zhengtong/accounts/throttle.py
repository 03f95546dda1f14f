"""
Lock out repeated failed logins per username and client address.

Both the web login form and the token API call these helpers. Counts live in
the cache (Redis when configured), so every worker process shares them.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from zhengtong.core.errors import ApplicationError

LOCK_MESSAGE = "登录失败次数过多，账号已暂时锁定，请{minutes}分钟后再试。"


def _limits() -> tuple[int, int]:
    failures = getattr(settings, "LOGIN_FAILURE_LIMIT", 5)
    window = getattr(settings, "LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
    return failures, window


def _key(username: str, ip: str) -> str:
    raw = f"{(username or '').strip().lower()}|{ip or '-'}"
    return "login-fail:" + hashlib.sha256(raw.encode()).hexdigest()[:32]


def client_ip(request) -> str:
    """Return the client address (REMOTE_ADDR; proxies set it via the server)."""
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def login_is_locked(*, username: str, ip: str) -> bool:
    """
    Return True when this username and address are locked out.

    中文：登录是否锁定
    """
    failures, _window = _limits()
    return int(cache.get(_key(username, ip), 0)) >= failures


def login_check_not_locked(*, username: str, ip: str) -> None:
    """
    Raise ``login_locked`` (HTTP 429) when locked out.

    中文：检查登录锁定
    """
    if login_is_locked(username=username, ip=ip):
        _failures, window = _limits()
        raise ApplicationError(
            "login_locked",
            LOCK_MESSAGE.format(minutes=max(1, window // 60)),
            status=429,
        )


def login_failure_record(*, username: str, ip: str) -> int:
    """
    Count one failed login; return the failures in the current window.

    中文：记录登录失败
    """
    _failures, window = _limits()
    key = _key(username, ip)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def login_success_record(*, username: str, ip: str) -> None:
    """
    Clear the failure count after a successful login.

    中文：登录成功清除计数
    """
    cache.delete(_key(username, ip))
