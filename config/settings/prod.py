"""
Production settings: DEBUG off, secrets from the environment, TLS enforced.

Refuses to start without ``SECRET_KEY``, ``ALLOWED_HOSTS`` and
``AUDIT_HMAC_KEY`` in the environment (no public default reaches production).
HSTS, secure cookies and the HTTPS redirect are on; behind a reverse proxy
that terminates TLS set ``SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto`` (the
proxy must set that header and strip it from clients), or turn the redirect
off with ``SECURE_SSL_REDIRECT=false`` when the proxy redirects itself
(docs/operations.md "生产配置").
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *


def _required(name: str, *, refuse: str = "") -> str:
    value = os.environ.get(name, "").strip()
    if not value or value == refuse:
        raise ImproperlyConfigured(
            f"生产配置缺少环境变量 {name}（见 docs/operations.md「生产配置」）。"
        )
    return value


SECRET_KEY = _required("SECRET_KEY", refuse="dev-only-insecure-key-change-me-zhengtong")
_required("ALLOWED_HOSTS")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
AUDIT_HMAC_KEY = _required("AUDIT_HMAC_KEY", refuse=AUDIT_HMAC_KEY_DEV_DEFAULT)

DEBUG = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The health probe of a load balancer may ask over plain HTTP on loopback.
SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[])
_proxy_header = env("SECURE_PROXY_SSL_HEADER", default="")
if _proxy_header:
    # e.g. "X-Forwarded-Proto": the request is HTTPS when it says "https".
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _proxy_header.upper().replace("-", "_"),
        "https",
    )
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading (W021) is a commitment of the domain's owner, asked for at
# hstspreload.org; it is turned on with SECURE_HSTS_PRELOAD=true, not by default.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
