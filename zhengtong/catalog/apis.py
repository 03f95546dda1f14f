"""
Read-only catalogue API: items and their guides, versions, departments,
item types, regions, halls and counters.

Thin views: parameters are checked here (bad ones → 400 with a stable code
and a Chinese message), reads go through ``selectors``.
"""

from typing import Any

from django.urls import reverse

from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.core.errors import ApplicationError
from zhengtong.core.urls_public import public_reverse, public_url

from . import selectors
from .constants import (
    Channel,
    DayUnit,
    HandlingMode,
    ItemType,
    MaterialForm,
    MaterialRequirement,
    OnlineDepth,
    ServiceObject,
)
from .models import ServiceItem

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
TRUE_WORDS = {"true", "1", "yes", "是"}
FALSE_WORDS = {"false", "0", "no", "否"}


class CatalogErrorCode:
    """Stable error codes of the catalogue API."""

    INVALID_PARAMETER = "invalid_parameter"
    INVALID_PAGE = "invalid_page"


def _bad(param: str, message: str) -> ApplicationError:
    return ApplicationError(
        CatalogErrorCode.INVALID_PARAMETER, message, details={"param": param}
    )


def item_type_normalize(value: str) -> str:
    """
    Return the ItemType value for ``value`` ("1" → "01"), or raise.

    中文：事项类型代码规范化
    """
    value = value.strip()
    if value.isdigit() and len(value) == 1:
        value = "0" + value
    if value not in ItemType.values:
        allowed = "、".join(ItemType.values)
        raise _bad("type", f"事项类型“{value[:20]}”无效，可选值：{allowed}。")
    return value


def item_filters_parse(params: Any) -> dict[str, Any]:
    """
    Check the list filters of items and return selector keyword arguments.

    Accepts ``q``, ``department`` (id), ``type`` (ItemType value, Sichuan
    one-digit codes accepted), ``online`` (true/false). Raise
    ``ApplicationError`` (invalid_parameter) with a Chinese message.

    中文：事项筛选参数校验
    """
    out: dict[str, Any] = {}
    q = (params.get("q") or "").strip()
    if len(q) > 100:
        raise _bad("q", "搜索词过长，请不超过 100 个字。")
    if q:
        out["q"] = q
    department = (params.get("department") or "").strip()
    if department:
        if not department.isdigit() or len(department) > 12:
            raise _bad("department", "部门参数应为部门编号（正整数）。")
        out["department_id"] = int(department)
    item_type = (params.get("type") or "").strip()
    if item_type:
        out["item_type"] = item_type_normalize(item_type)
    online = (params.get("online") or "").strip().lower()
    if online:
        if online in TRUE_WORDS:
            out["online"] = True
        elif online in FALSE_WORDS:
            out["online"] = False
        else:
            raise _bad("online", "online 参数只能是 true 或 false。")
    return out


def _positive_int(params: Any, name: str, default: int, maximum: int | None) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    raw = str(raw).strip()
    if not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise ApplicationError(
            CatalogErrorCode.INVALID_PAGE
            if name == "page"
            else CatalogErrorCode.INVALID_PARAMETER,
            f"参数 {name} 应为正整数。",
            details={"param": name},
        )
    value = int(raw)
    if maximum is not None and value > maximum:
        raise _bad(name, f"参数 {name} 不能超过 {maximum}。")
    return value


class CheckedPagination(PageNumberPagination):
    """Page-number pagination that answers bad pages with 400, not 404."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        page = _positive_int(request.query_params, "page", 1, None)
        size = _positive_int(
            request.query_params, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
        )
        total = len(queryset) if isinstance(queryset, list) else queryset.count()
        last = max(1, -(-total // size))
        if page > last:
            raise ApplicationError(
                CatalogErrorCode.INVALID_PAGE,
                f"页码超出范围：共 {last} 页。",
                details={"param": "page", "pages": last},
            )
        return super().paginate_queryset(queryset, request, view)


def counted(output: type[serializers.Serializer], *, paged: bool = False):
    """
    The documented shape of a list answer: ``{"count", "results"}`` (with
    ``next`` and ``previous`` when ``paged``), so the schema says what is sent.
    """
    fields: dict = {"count": serializers.IntegerField()}
    if paged:
        fields["next"] = serializers.URLField(allow_null=True)
        fields["previous"] = serializers.URLField(allow_null=True)
    fields["results"] = output(many=True)
    name = output.__name__.removesuffix("Output") + ("Page" if paged else "List")
    return inline_serializer(name=name, fields=fields)


# ---------------------------------------------------------------- output


def _label(choices: Any, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def guide_pdf_url(request: Request, item: ServiceItem) -> str:
    """Return the public address of an item's guide PDF (PUBLIC_BASE_URL)."""
    return public_reverse("portal:item-guide-pdf", kwargs={"item_id": item.pk})


def guide_url(request: Request, item: ServiceItem) -> str:
    """Return the public address of an item's guide page (PUBLIC_BASE_URL)."""
    return public_reverse("portal:item-guide", kwargs={"item_id": item.pk})


class CatalogDepartmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    credit_code = serializers.CharField()
    credit_code_valid = serializers.BooleanField(allow_null=True)
    region_code = serializers.SerializerMethodField()
    phone = serializers.CharField()
    item_count = serializers.IntegerField(required=False)

    def get_region_code(self, obj) -> str | None:
        return obj.region.code if obj.region_id else None


class ItemListOutput(serializers.Serializer):
    """One row of the item list (stable interface)."""

    id = serializers.IntegerField()
    item_code = serializers.CharField(help_text="实施编码，逐字节原样")
    item_name = serializers.CharField(source="name")
    department = serializers.CharField(source="department.name")
    department_id = serializers.IntegerField()
    item_type = serializers.CharField()
    item_type_name = serializers.SerializerMethodField()
    category = serializers.CharField()
    online_available = serializers.BooleanField()
    version = serializers.SerializerMethodField()
    statutory_days = serializers.SerializerMethodField()
    promised_days = serializers.SerializerMethodField()
    guide_url = serializers.SerializerMethodField()
    guide_pdf_url = serializers.SerializerMethodField()

    def get_item_type_name(self, obj) -> str:
        return _label(ItemType, obj.item_type)

    def get_version(self, obj) -> int | None:
        return obj.current_version.version if obj.current_version_id else None

    def get_statutory_days(self, obj) -> int | None:
        return obj.current_version.statutory_days if obj.current_version_id else None

    def get_promised_days(self, obj) -> int | None:
        return obj.current_version.promised_days if obj.current_version_id else None

    def get_guide_url(self, obj) -> str:
        return guide_url(self.context["request"], obj)

    def get_guide_pdf_url(self, obj) -> str:
        return guide_pdf_url(self.context["request"], obj)


class MaterialOutput(serializers.Serializer):
    order = serializers.IntegerField()
    name = serializers.CharField()
    requirement = serializers.CharField()
    requirement_name = serializers.SerializerMethodField()
    condition_note = serializers.CharField()
    original_count = serializers.IntegerField()
    copy_count = serializers.IntegerField()
    form = serializers.CharField()
    form_name = serializers.SerializerMethodField()
    tolerance_allowed = serializers.BooleanField()
    blank_form_url = serializers.SerializerMethodField()
    sample_file_url = serializers.SerializerMethodField()
    source_explain = serializers.CharField()
    sign_requirement = serializers.CharField()
    by_law = serializers.CharField()
    page_count = serializers.IntegerField(allow_null=True)
    remark = serializers.CharField()

    def get_requirement_name(self, obj) -> str:
        return _label(MaterialRequirement, obj.requirement)

    def get_form_name(self, obj) -> str:
        return _label(MaterialForm, obj.form)

    def _file_url(self, f) -> str | None:
        # a public download like the guide itself: on the public address
        return public_url(f.url) if f else None

    def get_blank_form_url(self, obj) -> str | None:
        return self._file_url(obj.blank_form)

    def get_sample_file_url(self, obj) -> str | None:
        return self._file_url(obj.sample_file)


class LegalBasisOutput(serializers.Serializer):
    law_name = serializers.CharField()
    law_number = serializers.CharField()
    clause_number = serializers.CharField()
    clause_content = serializers.CharField()


class FeeOutput(serializers.Serializer):
    name = serializers.CharField()
    standard = serializers.CharField()
    basis = serializers.CharField()
    amount_yuan = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True
    )


class SpecialProcedureOutput(serializers.Serializer):
    name = serializers.CharField()
    days = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    description = serializers.CharField()
    department_name = serializers.CharField()


class FaqOutput(serializers.Serializer):
    question = serializers.CharField()
    answer = serializers.CharField()


class TimeLimitOutput(serializers.Serializer):
    days = serializers.IntegerField(allow_null=True)
    unit = serializers.CharField()
    unit_name = serializers.CharField()
    note = serializers.CharField()


def _limit(days: int | None, unit: str, note: str) -> dict:
    return {
        "days": days,
        "unit": unit,
        "unit_name": _label(DayUnit, unit),
        "note": note,
    }


class GuideOutput(serializers.Serializer):
    """A full guide (办事指南) version."""

    version = serializers.IntegerField()
    status = serializers.CharField()
    effective_from = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    name = serializers.CharField()
    category = serializers.CharField()
    basic_code = serializers.CharField()
    business_code = serializers.CharField()
    item_type = serializers.CharField()
    item_type_name = serializers.SerializerMethodField()
    department = serializers.CharField(source="department.name")
    department_id = serializers.IntegerField()
    implementing_body = serializers.CharField()
    service_object = serializers.CharField()
    service_object_name = serializers.SerializerMethodField()
    exercise_level = serializers.CharField()
    conditions = serializers.CharField()
    handling_mode = serializers.CharField()
    handling_mode_name = serializers.SerializerMethodField()
    is_joint = serializers.BooleanField()
    is_report_up = serializers.BooleanField()
    procedure = serializers.CharField()
    statutory_limit = serializers.SerializerMethodField()
    promised_limit = serializers.SerializerMethodField()
    is_free = serializers.BooleanField(
        allow_null=True, help_text="null：来源未载明收费信息（以窗口告知为准）"
    )
    fee_note = serializers.CharField()
    fees = FeeOutput(many=True)
    channels = serializers.SerializerMethodField()
    online_depth = serializers.CharField()
    online_depth_name = serializers.SerializerMethodField()
    online_apply_url = serializers.CharField()
    max_visits = serializers.IntegerField(allow_null=True)
    place = serializers.CharField()
    office_hours = serializers.CharField()
    traffic = serializers.CharField()
    consult_phone = serializers.CharField()
    supervise_phone = serializers.CharField()
    result_name = serializers.CharField()
    result_type = serializers.CharField()
    materials = MaterialOutput(many=True)
    legal_bases = LegalBasisOutput(many=True)
    special_procedures = SpecialProcedureOutput(many=True)
    faqs = FaqOutput(many=True)

    def get_item_type_name(self, obj) -> str:
        return _label(ItemType, obj.item_type)

    def get_service_object_name(self, obj) -> str:
        return _label(ServiceObject, obj.service_object) if obj.service_object else ""

    def get_handling_mode_name(self, obj) -> str:
        return _label(HandlingMode, obj.handling_mode)

    def get_online_depth_name(self, obj) -> str:
        return _label(OnlineDepth, obj.online_depth)

    @extend_schema_field(TimeLimitOutput)
    def get_statutory_limit(self, obj) -> dict:
        return _limit(obj.statutory_days, obj.statutory_unit, obj.statutory_note)

    @extend_schema_field(TimeLimitOutput)
    def get_promised_limit(self, obj) -> dict:
        return _limit(obj.promised_days, obj.promised_unit, obj.promised_note)

    def get_channels(self, obj) -> list[dict]:
        values = obj.channels if isinstance(obj.channels, list) else []
        return [{"code": str(c), "name": _label(Channel, str(c))} for c in values]


class ItemDetailOutput(ItemListOutput):
    """An item with its full current guide."""

    basic_code = serializers.CharField()
    code_shape = serializers.CharField()
    region_code = serializers.SerializerMethodField()
    versions = serializers.SerializerMethodField()
    guide = serializers.SerializerMethodField()

    def get_region_code(self, obj) -> str | None:
        return obj.region.code if obj.region_id else None

    def get_versions(self, obj) -> list[int]:
        return list(
            selectors.item_version_list(item=obj).values_list("version", flat=True)
        )

    @extend_schema_field(GuideOutput)
    def get_guide(self, obj) -> dict:
        return GuideOutput(self.context["guide"], context=self.context).data


class VersionListOutput(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.CharField()
    effective_from = serializers.DateField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return self.context["request"].build_absolute_uri(
            reverse(
                "catalog-api:item-version",
                kwargs={"item_id": obj.item_id, "version": obj.version},
            )
        )


class ItemTypeOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    item_count = serializers.IntegerField()


class RegionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    parent_code = serializers.SerializerMethodField()

    def get_parent_code(self, obj) -> str | None:
        return obj.parent.code if obj.parent_id else None


class CatalogCounterOutput(serializers.Serializer):
    id = serializers.IntegerField()
    hall_id = serializers.IntegerField()
    number = serializers.CharField()
    name = serializers.CharField()
    floor = serializers.CharField()
    zone = serializers.CharField()
    is_integrated = serializers.BooleanField()
    phone = serializers.CharField()
    departments = serializers.SerializerMethodField()
    item_count = serializers.IntegerField()

    def get_departments(self, obj) -> list[str]:
        return [d.name for d in obj.departments.all()]


class CatalogHallOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    address = serializers.CharField()
    phone = serializers.CharField()
    hours = serializers.CharField()
    traffic = serializers.CharField()
    region_code = serializers.SerializerMethodField()
    counters = CatalogCounterOutput(many=True)

    def get_region_code(self, obj) -> str | None:
        return obj.region.code if obj.region_id else None


# ---------------------------------------------------------------- views


class PublicApi(APIView):
    """Base of the read-only public catalogue endpoints."""

    permission_classes = [AllowAny]
    authentication_classes: list = []


def _id_param(value: str, what: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise _bad(what, f"参数 {what} 应为正整数。")
    return int(value)


ITEM_LIST_PARAMETERS = [
    OpenApiParameter(
        "q", str, description="关键词（中文分词检索，支持同义词与拼音首字母）"
    ),
    OpenApiParameter("code", str, description="实施编码，逐字节精确匹配"),
    OpenApiParameter("department", int, description="部门编号"),
    OpenApiParameter("type", str, description="事项类型代码，如 01、20、filing"),
    OpenApiParameter("online", bool, description="true：只看可网上办理的事项"),
    OpenApiParameter("page", int, description="页码，从 1 开始"),
    OpenApiParameter("page_size", int, description="每页条数，最多 100"),
]


class ItemListApi(PublicApi):
    """List published items, filtered and paginated."""

    @extend_schema(
        summary="事项列表",
        parameters=ITEM_LIST_PARAMETERS,
        operation_id="v1_catalog_items_list",
        responses=counted(ItemListOutput, paged=True),
    )
    def get(self, request: Request) -> Response:
        filters = item_filters_parse(request.query_params)
        code = request.query_params.get("code")
        if code is not None and code != "":
            if len(code) > 120:
                raise _bad("code", "实施编码过长。")
            items: Any = selectors.item_list_public(**filters)
            if filters.get("q"):
                items = [i for i in items if i.item_code == code]
            else:
                items = items.filter(item_code=code)
        else:
            items = selectors.item_list_public(**filters)
        paginator = CheckedPagination()
        page = paginator.paginate_queryset(items, request, view=self)
        data = ItemListOutput(page, many=True, context={"request": request}).data
        return paginator.get_paginated_response(data)


class ItemDetailApi(PublicApi):
    """Return one published item with its full current guide."""

    @extend_schema(summary="事项详情与现行办事指南", responses=ItemDetailOutput)
    def get(self, request: Request, item_id: int) -> Response:
        item = selectors.item_get_public(item_id=item_id)
        guide = selectors.item_guide_get(item=item)
        context = {"request": request, "guide": guide}
        return Response(ItemDetailOutput(item, context=context).data)


class ItemVersionListApi(PublicApi):
    """List the public versions of an item."""

    @extend_schema(
        summary="事项版本列表",
        operation_id="v1_catalog_items_versions_list",
        responses=counted(VersionListOutput),
    )
    def get(self, request: Request, item_id: int) -> Response:
        item = selectors.item_get_public(item_id=item_id)
        versions = selectors.item_version_list(item=item)
        data = VersionListOutput(versions, many=True, context={"request": request}).data
        return Response({"count": len(data), "results": data})


class ItemVersionDetailApi(PublicApi):
    """Return one version (current or older) of an item's guide."""

    @extend_schema(summary="指定版本的办事指南", responses=GuideOutput)
    def get(self, request: Request, item_id: int, version: int) -> Response:
        item = selectors.item_get_public(item_id=item_id)
        guide = selectors.item_version_get(item, version)
        return Response(GuideOutput(guide, context={"request": request}).data)


class DepartmentListApi(PublicApi):
    """List active departments with their published item counts."""

    @extend_schema(
        summary="部门列表",
        operation_id="v1_catalog_departments_list",
        responses=counted(CatalogDepartmentOutput),
    )
    def get(self, request: Request) -> Response:
        data = CatalogDepartmentOutput(
            selectors.department_list_public(), many=True
        ).data
        return Response({"count": len(data), "results": data})


class DepartmentDetailApi(PublicApi):
    """Return one department."""

    @extend_schema(summary="部门详情", responses=CatalogDepartmentOutput)
    def get(self, request: Request, department_id: int) -> Response:
        dept = selectors.department_get_public(department_id=department_id)
        return Response(CatalogDepartmentOutput(dept).data)


class ItemTypeListApi(PublicApi):
    """List the item types with published item counts."""

    @extend_schema(
        summary="事项类型",
        operation_id="v1_catalog_item_types_list",
        responses=counted(ItemTypeOutput),
    )
    def get(self, request: Request) -> Response:
        data = ItemTypeOutput(selectors.item_type_list_public(), many=True).data
        return Response({"count": len(data), "results": data})


class RegionListApi(PublicApi):
    """List administrative regions."""

    @extend_schema(
        summary="行政区划",
        operation_id="v1_catalog_regions_list",
        responses=counted(RegionOutput),
    )
    def get(self, request: Request) -> Response:
        data = RegionOutput(selectors.region_list(), many=True).data
        return Response({"count": len(data), "results": data})


class HallListApi(PublicApi):
    """List halls with their counters."""

    @extend_schema(
        summary="大厅与窗口",
        operation_id="v1_catalog_halls_list",
        responses=counted(CatalogHallOutput),
    )
    def get(self, request: Request) -> Response:
        data = CatalogHallOutput(selectors.hall_list(), many=True).data
        return Response({"count": len(data), "results": data})


class HallDetailApi(PublicApi):
    """Return one hall with its counters."""

    @extend_schema(summary="大厅详情", responses=CatalogHallOutput)
    def get(self, request: Request, hall_id: int) -> Response:
        return Response(CatalogHallOutput(selectors.hall_get(hall_id=hall_id)).data)


class CounterListApi(PublicApi):
    """List active counters, by hall or by item."""

    @extend_schema(
        summary="窗口列表",
        parameters=[
            OpenApiParameter("hall", int, description="大厅编号"),
            OpenApiParameter("item", int, description="事项编号：办理该事项的窗口"),
        ],
        operation_id="v1_catalog_counters_list",
        responses=counted(CatalogCounterOutput),
    )
    def get(self, request: Request) -> Response:
        hall = (request.query_params.get("hall") or "").strip()
        item = (request.query_params.get("item") or "").strip()
        counters = selectors.counter_list_public(
            hall_id=_id_param(hall, "hall") if hall else None,
            item_id=_id_param(item, "item") if item else None,
        )
        data = CatalogCounterOutput(counters, many=True).data
        return Response({"count": len(data), "results": data})
