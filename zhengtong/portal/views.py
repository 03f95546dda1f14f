"""
Public portal (群众端): home, search, guide pages and guide PDFs.

Pages work without JavaScript; htmx swaps only the result list when it is
there. Reads go through ``catalog.selectors``; nothing here writes.
"""

import hashlib
from typing import Any

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View

from zhengtong.catalog import selectors
from zhengtong.catalog.apis import item_filters_parse
from zhengtong.catalog.constants import (
    Channel,
    HandlingMode,
    ItemType,
    OnlineDepth,
    ServiceObject,
    limit_text,
)
from zhengtong.catalog.models import ServiceItem, ServiceItemVersion
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.core.pdf import pdf_render, qr_data_uri
from zhengtong.core.urls_public import public_reverse
from zhengtong.fees.selectors import fee_items_published

from .caching import filter_options_html, item_rows_html, public_page

PAGE_SIZE = 20
PDF_CACHE_SECONDS = 60 * 60 * 24
GUIDE_CACHE_SECONDS = 5 * 60


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def guide_context(version: ServiceItemVersion) -> dict[str, Any]:
    """
    Return the derived, display-ready values of a guide.

    Shared by the guide page and the guide PDF so both show the same.

    中文：办事指南展示数据
    """
    channels = version.channels if isinstance(version.channels, list) else []
    return {
        "guide": version,
        "materials": list(version.materials.all()),
        "legal_bases": list(version.legal_bases.all()),
        "fees": list(version.fees.all()),
        "fee_items": fee_items_published(version_id=version.pk),
        "special_procedures": list(version.special_procedures.all()),
        "faqs": list(version.faqs.all()),
        "item_type_name": _label(ItemType, version.item_type),
        "handling_mode_name": _label(HandlingMode, version.handling_mode),
        "service_object_name": _label(ServiceObject, version.service_object)
        if version.service_object
        else "",
        "online_depth_name": _label(OnlineDepth, version.online_depth),
        "channel_names": [_label(Channel, str(c)) for c in channels],
        "statutory_text": limit_text(version.statutory_days, version.statutory_unit),
        "promised_text": limit_text(version.promised_days, version.promised_unit),
        "online_apply_url": version.online_apply_url
        if version.online_apply_url.startswith(("https://", "http://"))
        else "",
    }


def _item_or_404(item_id: int) -> ServiceItem:
    try:
        return selectors.item_get_public(item_id=item_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc


@method_decorator(public_page, name="get")
class HomeView(View):
    """
    Show the home page: search box, departments, item types, popular items.

    中文：首页
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        facets = selectors.catalogue_facets()
        return render(
            request,
            "portal/home.html",
            {**facets, "popular": selectors.item_list_popular(limit=8)},
        )


def _filters_from(request: HttpRequest) -> tuple[dict[str, Any], list[str], dict]:
    """Parse each filter on its own; drop bad ones with a message."""
    filters: dict[str, Any] = {}
    errors: list[str] = []
    raw: dict[str, str] = {}
    for name in ("q", "department", "type", "online"):
        value = request.GET.get(name, "")
        raw[name] = value
        if not value:
            continue
        try:
            filters.update(item_filters_parse({name: value}))
        except ApplicationError as exc:
            errors.append(exc.message)
            raw[name] = ""
    return filters, errors, raw


@method_decorator(public_page, name="get")
class ItemListView(View):
    """
    Search and filter published items (关键词、部门、类型、可网办).

    中文：事项检索
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        filters, errors, raw = _filters_from(request)
        ids = selectors.item_ids_public(**filters)
        page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "page": page,
            "rows": item_rows_html(list(page.object_list)),
            "filters": filters,
            "raw": raw,
            "errors": errors,
            "query_string": query.urlencode(),
            "options": filter_options_html(
                department_id=filters.get("department_id"),
                item_type=filters.get("item_type"),
            ),
        }
        template = "portal/items.html"
        if getattr(request, "htmx", False) and request.htmx.target == "results":
            template = "portal/_results.html"
        return render(request, template, context)


@method_decorator(public_page, name="get")
class ItemGuideView(View):
    """
    Show the current guide (办事指南) of an item with every element.

    中文：办事指南
    """

    def get(self, request: HttpRequest, item_id: int) -> HttpResponse:
        item = _item_or_404(item_id)
        return _render_guide(request, item, item.current_version, is_current=True)


@method_decorator(public_page, name="get")
class ItemVersionView(View):
    """
    Show an older (or the current) version of an item's guide.

    中文：办事指南历史版本
    """

    def get(self, request: HttpRequest, item_id: int, version: int) -> HttpResponse:
        item = _item_or_404(item_id)
        try:
            guide = selectors.item_version_get(item, version)
        except NotFoundError as exc:
            raise Http404(exc.message) from exc
        is_current = guide.pk == item.current_version_id
        return _render_guide(request, item, guide, is_current=is_current)


def _guide_cache_key(item: ServiceItem, version: ServiceItemVersion, flag: bool) -> str:
    stamp = version.updated_at.isoformat() if version.updated_at else ""
    item_stamp = item.updated_at.isoformat() if item.updated_at else ""
    src = f"{item.pk}|{item_stamp}|{version.pk}|{stamp}|{int(flag)}"
    return "portal:guide-body:" + hashlib.sha256(src.encode()).hexdigest()


def _render_guide(
    request: HttpRequest,
    item: ServiceItem,
    version: ServiceItemVersion,
    *,
    is_current: bool,
) -> HttpResponse:
    """
    Render a guide page; the guide body is cached per version.

    The body holds nothing user-specific, so one rendering serves everyone
    until the item or the version changes (or GUIDE_CACHE_SECONDS pass).
    """
    key = _guide_cache_key(item, version, is_current)
    body = cache.get(key)
    if body is None:
        guide = (
            selectors.item_guide_get(item=item)
            if is_current
            else selectors.item_version_get(item, version.version)
        )
        context = guide_context(guide)
        context.update(
            {
                "item": item,
                "is_current": is_current,
                "versions": list(selectors.item_version_list(item=item)),
                "counters": selectors.item_counters(item=item),
                "apply_url": f"/cases/apply/{item.pk}/"
                if item.online_available
                else "",
            }
        )
        body = render_to_string("portal/_guide_body.html", context)
        cache.set(key, body, GUIDE_CACHE_SECONDS)
    return render(
        request,
        "portal/item_guide.html",
        {"item": item, "guide": version, "guide_body": body},
    )


class ItemGuidePdfView(View):
    """
    Return the current guide as a PDF (embedded fonts, QR code, page numbers).

    The PDF is cached per version and day (the generated date is printed).

    中文：办事指南 PDF
    """

    def get(self, request: HttpRequest, item_id: int) -> HttpResponse:
        item = _item_or_404(item_id)
        current = item.current_version  # joined by the selector
        guide_url = public_reverse("portal:item-guide", kwargs={"item_id": item.pk})
        today = timezone.localdate()
        stamp = current.updated_at.isoformat() if current.updated_at else ""
        key_src = f"{current.pk}|{stamp}|{today.isoformat()}|{guide_url}"
        key = "portal:guide-pdf:" + hashlib.sha256(key_src.encode()).hexdigest()
        pdf = cache.get(key)
        if pdf is None:
            guide = selectors.item_guide_get(item=item)
            context = guide_context(guide)
            context.update(
                {
                    "item": item,
                    "guide_url": guide_url,
                    "qr": qr_data_uri(guide_url),
                    "generated": today,
                    "counters": selectors.item_counters(item=item),
                }
            )
            pdf = pdf_render("portal/item_guide_pdf.html", context)
            cache.set(key, pdf, PDF_CACHE_SECONDS)
        response = HttpResponse(pdf, content_type="application/pdf")
        filename = f"guide-{item.pk}-v{current.version}.pdf"
        response["Content-Disposition"] = f'inline; filename="{filename}"'
        return response


@method_decorator(public_page, name="get")
class DepartmentDetailView(View):
    """
    Show a department with its published items.

    中文：部门事项
    """

    def get(self, request: HttpRequest, department_id: int) -> HttpResponse:
        try:
            department = selectors.department_get_public(department_id=department_id)
        except NotFoundError as exc:
            raise Http404(exc.message) from exc
        ids = selectors.item_ids_public(department_id=department.pk)
        page = Paginator(ids, PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "portal/department.html",
            {
                "department": department,
                "page": page,
                "rows": item_rows_html(list(page.object_list)),
                "query_string": "",
            },
        )
