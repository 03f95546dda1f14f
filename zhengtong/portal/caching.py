"""
Caches of the public portal, all keyed by the catalogue signature.

The portal is read far more than the catalogue changes. Two layers keep a
page cheap without ever showing a stale catalogue for longer than the
signature re-check time (``CATALOG_SEARCH_RECHECK_SECONDS``, 1 s):

- ``item_rows_html``: the rendered result row of each item, per process. A
  search page renders only its page frame and joins ready rows; the rows
  hold nothing user-specific.
- ``public_page``: whole GET pages for visitors without a session
  (no login, no flash messages), in the Django cache, for at most
  ``PUBLIC_PAGE_CACHE_SECONDS`` (default 300; 0 turns it off). Logged-in
  users, responses that set a cookie (a CSRF token) and anything but
  200 OK always take the normal path. The key holds the full path with its
  query, the large-text and high-contrast preferences and the htmx target,
  so each variant is stored on its own.

中文：门户缓存
"""

import functools
import hashlib
import threading
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from zhengtong.catalog import search, selectors

# Cookies that do not make a page personal: the text-size preference and
# the CSRF cookie (a page that puts a token in a form sets the cookie again
# and is therefore never stored).
NEUTRAL_COOKIES = frozenset({"large_text", "high_contrast", settings.CSRF_COOKIE_NAME})

_rows: dict[int, SafeString] = {}
_rows_signature: tuple | None = None
_rows_lock = threading.Lock()


def item_rows_html(ids: list[int]) -> list[SafeString]:
    """
    Return the rendered result row (``portal/_item_row.html``) of each item.

    Rows are rendered once per catalogue signature and process; ids that
    are no longer published are left out.

    中文：事项列表行
    """
    global _rows_signature
    signature = search.catalogue_signature_current()
    with _rows_lock:
        if signature != _rows_signature:
            _rows.clear()
            _rows_signature = signature
        rows = {i: _rows[i] for i in ids if i in _rows}
    missing = [i for i in ids if i not in rows]
    if missing:
        found = selectors.item_queryset_public().order_by().in_bulk(missing)
        rendered = {
            pk: render_to_string("portal/_item_row.html", {"item": item})
            for pk, item in found.items()
        }
        rows.update(rendered)
        with _rows_lock:
            if signature == _rows_signature:
                _rows.update(rendered)
    return [rows[i] for i in ids if i in rows]


_options: dict[tuple, dict[str, SafeString]] = {}
_OPTIONS_MAX = 512


def filter_options_html(
    *, department_id: int | None, item_type: str | None
) -> dict[str, SafeString]:
    """
    Return the ``<option>`` lists of the department and item-type filters,
    with the chosen ones selected, per catalogue signature.

    中文：筛选选项
    """
    signature = search.catalogue_signature_current()
    key = (signature, department_id, item_type)
    found = _options.get(key)
    if found is None:
        facets = selectors.catalogue_facets()
        found = {
            "departments": _options_html(
                [(d["id"], d["name"], d["item_count"]) for d in facets["departments"]],
                department_id,
            ),
            "item_types": _options_html(
                [(t["code"], t["name"], t["item_count"]) for t in facets["item_types"]],
                item_type,
            ),
        }
        if len(_options) >= _OPTIONS_MAX or any(k[0] != signature for k in _options):
            _options.clear()
        _options[key] = found
    return found


def _options_html(choices: list[tuple], chosen: object) -> SafeString:
    """``<option>`` tags for (value, name, count) rows, ``chosen`` selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}（{}）</option>',
        (
            # " selected" is plain text: escaping leaves it as it is
            (value, " selected" if value == chosen else "", name, count)
            for value, name, count in choices
        ),
    )


def _page_key(request: HttpRequest) -> str:
    parts = (
        repr(search.catalogue_signature_current()),
        request.get_full_path(),
        request.COOKIES.get("large_text", ""),
        request.COOKIES.get("high_contrast", ""),
        request.headers.get("HX-Request", ""),
        request.headers.get("HX-Target", ""),
    )
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return "portal:page:" + digest


def _cacheable_request(request: HttpRequest) -> bool:
    return request.method == "GET" and not (set(request.COOKIES) - NEUTRAL_COOKIES)


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """
    Serve a public GET page to visitors without a session from the cache.

    中文：公开页面缓存
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        seconds = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 300)
        if not seconds or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _page_key(request)
        hit = cache.get(key)
        if hit is not None:
            headers, content = hit
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            return response
        response = view(request, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            # a CSRF token went into the page: its cookie is set on the way out
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not response.has_header("Cache-Control")
        ):
            cache.set(key, (list(response.items()), response.content), seconds)
        return response

    return wrapper
