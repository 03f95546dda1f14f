"""
Abuse limits of the API, in one module (rates in ``settings.REST_FRAMEWORK``).

Each limited door names a scope whose rate lives in
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``:

- ``ticket_anon`` — ticket issue without login, per client address;
- ``ticket_kiosk`` — ticket issue from a registered kiosk (header
  ``X-Kiosk-Device`` carrying a token of ``QUEUE_KIOSK_DEVICES``), per device,
  a higher budget than one address;
- ``ticket_user`` — ticket issue by a signed-in person, per account;
- ``public_lookup`` — the public case lookup, per client address;
- ``login`` — the token API, per client address (the lockout per account
  and address is django-axes, see ``zhengtong/accounts/throttle.py``).

A limited request answers 429 ``{"code": "throttled", "message": …}`` with
``Retry-After`` (``zhengtong/api/exceptions.py``). The open tickets one phone
number may hold per day are a rule of the ticket issue
(``QUEUE_OPEN_TICKETS_PER_PHONE``, queueing/services/issue.py).

中文：接口限流
"""

from __future__ import annotations

import hmac

from django.conf import settings

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

KIOSK_HEADER = "X-Kiosk-Device"
KIOSK_COOKIE = "kiosk_device"
"""The kiosk page (a browser in kiosk mode) may carry the token as a cookie."""


def kiosk_device_name(request) -> str | None:
    """
    Return the name of the registered kiosk that sent ``request``, or None
    (header ``X-Kiosk-Device`` or cookie ``kiosk_device``).

    中文：取号机设备
    """
    token = request.headers.get(KIOSK_HEADER, "") or request.COOKIES.get(
        KIOSK_COOKIE, ""
    )
    if not token:
        return None
    devices: dict[str, str] = getattr(settings, "QUEUE_KIOSK_DEVICES", {}) or {}
    for known, name in devices.items():
        if known and hmac.compare_digest(known.encode(), token.encode()):
            return name
    return None


class _ScopeThrottle(SimpleRateThrottle):
    """A rate from the settings under ``scope``; subclasses pick the ident."""

    scope = ""

    def get_rate(self) -> str | None:
        # Read the settings on each request (DRF binds them at import), so an
        # override (tests, a changed environment) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def ident_for(self, request) -> str | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_cache_key(self, request, view) -> str | None:
        ident = self.ident_for(request)
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}


class TicketAnonThrottle(_ScopeThrottle):
    """Anonymous ticket issue, per client address (not a registered kiosk)."""

    scope = "ticket_anon"

    def ident_for(self, request) -> str | None:
        if request.user.is_authenticated or kiosk_device_name(request):
            return None
        return self.get_ident(request)


class TicketKioskThrottle(_ScopeThrottle):
    """Ticket issue from a registered kiosk, per device."""

    scope = "ticket_kiosk"

    def ident_for(self, request) -> str | None:
        if request.user.is_authenticated:
            return None
        return kiosk_device_name(request)


class TicketUserThrottle(_ScopeThrottle):
    """Ticket issue by a signed-in account, per account."""

    scope = "ticket_user"

    def ident_for(self, request) -> str | None:
        return str(request.user.pk) if request.user.is_authenticated else None


TICKET_ISSUE_THROTTLES = [TicketAnonThrottle, TicketKioskThrottle, TicketUserThrottle]


class PublicLookupThrottle(_ScopeThrottle):
    """The public case lookup API, per client address."""

    scope = "public_lookup"

    def ident_for(self, request) -> str | None:
        return self.get_ident(request)


class LoginThrottle(_ScopeThrottle):
    """The token API, per client address."""

    scope = "login"

    def ident_for(self, request) -> str | None:
        return self.get_ident(request)


def limit_wait(request, throttles: list[type[_ScopeThrottle]]) -> float | None:
    """
    Count ``request`` against ``throttles`` outside DRF (the HTML doors, such
    as the kiosk page); return the seconds to wait when one refuses, else None.

    中文：页面限流
    """
    waits = []
    for throttle_class in throttles:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 1)
    return max(waits) if waits else None
