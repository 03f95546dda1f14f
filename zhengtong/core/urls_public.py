"""
The one public address of the site, for every absolute link and QR code.

Notices, guides and ticket slips leave the building: a QR code printed on
paper must open the public site wherever the server runs, never the host a
staff browser happened to use. So absolute links are built from one setting,
``PUBLIC_BASE_URL`` (default: the address ``scripts/demo.sh`` prints), and
never from the request's Host header.
"""

from collections.abc import Mapping

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode


def public_base_url() -> str:
    """
    Return the configured public address without a trailing slash.

    中文：对外访问地址
    """
    return str(settings.PUBLIC_BASE_URL).rstrip("/")


def public_url(path: str, query: Mapping[str, str] | None = None) -> str:
    """
    Return the absolute public URL of a site path (``/cases/lookup/``).

    中文：对外链接
    """
    if not path.startswith("/"):
        path = "/" + path
    url = public_base_url() + path
    if query:
        url += "?" + urlencode(query)
    return url


def public_reverse(
    viewname: str,
    *,
    args: list | tuple | None = None,
    kwargs: dict | None = None,
    query: Mapping[str, str] | None = None,
) -> str:
    """
    Return the absolute public URL of a named view.

    中文：对外链接（按路由名）
    """
    return public_url(reverse(viewname, args=args, kwargs=kwargs), query)
