"""
Public reads of the catalogue: the only way portal and API get items.

An item is public when its current version is published; drafts are never
shown. Older versions of a public item stay readable (published or retired,
never drafts).
"""

from collections.abc import Iterator, Sequence
from typing import overload

from django.db.models import Count, F, Prefetch, Q, QuerySet

from zhengtong.core.errors import NotFoundError

from . import search
from .constants import ItemType, VersionStatus
from .models import (
    Counter,
    Department,
    Hall,
    LegalBasis,
    Material,
    Region,
    ServiceItem,
    ServiceItemVersion,
)

PUBLIC_VERSION_STATUSES = (VersionStatus.PUBLISHED, VersionStatus.RETIRED)


def item_queryset_public() -> QuerySet[ServiceItem]:
    """
    Return published items with what a list row shows, joined.

    中文：公开事项查询集
    """
    return ServiceItem.objects.filter(
        current_version__status=VersionStatus.PUBLISHED
    ).select_related("department", "current_version")


class RankedItems(Sequence):
    """
    A lazily fetched, ranked list of items for paginators.

    Holds the ranked ids; slicing fetches only that page from the database.
    """

    def __init__(self, ids: list[int], queryset: QuerySet[ServiceItem]) -> None:
        self.ids = ids
        self.queryset = queryset

    def __len__(self) -> int:
        return len(self.ids)

    # Django's Paginator prefers count(); not Sequence.count(value).
    def count(self) -> int:  # type: ignore[override]
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> ServiceItem: ...
    @overload
    def __getitem__(self, index: slice) -> list[ServiceItem]: ...
    def __getitem__(self, index: int | slice) -> ServiceItem | list[ServiceItem]:
        if isinstance(index, slice):
            page_ids = self.ids[index]
            found = self.queryset.order_by().in_bulk(page_ids)
            return [found[i] for i in page_ids if i in found]
        return self.queryset.get(pk=self.ids[index])

    def __iter__(self) -> Iterator[ServiceItem]:
        return iter(self[:])


def item_list_public(
    *,
    q: str | None = None,
    department_id: int | None = None,
    item_type: str | None = None,
    online: bool | None = None,
) -> QuerySet[ServiceItem] | RankedItems:
    """
    Return published items, filtered; ranked by relevance when ``q`` is given.

    Without ``q`` a QuerySet ordered by department and name comes back; with
    ``q`` a ``RankedItems`` sequence (works with Django and DRF paginators).

    中文：公开事项列表
    """
    if q and q.strip():
        ids = search.item_search(
            q=q, department_id=department_id, item_type=item_type, online=online
        )
        return RankedItems(ids, item_queryset_public())
    return _item_list_filtered(
        department_id=department_id, item_type=item_type, online=online
    )


def _item_list_filtered(
    *, department_id: int | None, item_type: str | None, online: bool | None
) -> QuerySet[ServiceItem]:
    qs = item_queryset_public()
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if item_type is not None:
        qs = qs.filter(item_type=item_type)
    if online is not None:
        qs = qs.filter(online_available=online)
    return qs.order_by("department__order", "department__name", "name", "id")


_ids_cache: dict[tuple, list[int]] = {}
_IDS_CACHE_MAX = 256


def item_ids_public(
    *,
    q: str | None = None,
    department_id: int | None = None,
    item_type: str | None = None,
    online: bool | None = None,
) -> list[int]:
    """
    Return the ids of published items, in the order ``item_list_public`` gives.

    Pages paginate these ids and fetch or render only one page of items.
    Filter-only lists are cached per catalogue signature (a catalogue of a
    few thousand items is a few kilobytes of ids).

    中文：公开事项编号列表
    """
    if q and q.strip():
        return search.item_search(
            q=q, department_id=department_id, item_type=item_type, online=online
        )
    key = (search.catalogue_signature_current(), department_id, item_type, online)
    ids = _ids_cache.get(key)
    if ids is None:
        qs = _item_list_filtered(
            department_id=department_id, item_type=item_type, online=online
        )
        ids = list(qs.values_list("id", flat=True))
        if len(_ids_cache) >= _IDS_CACHE_MAX or any(k[0] != key[0] for k in _ids_cache):
            _ids_cache.clear()
        _ids_cache[key] = ids
    return ids


def item_get_public(
    *, item_id: int | None = None, code: str | None = None
) -> ServiceItem:
    """
    Return one published item by id or by its exact implementation code.

    Raise ``NotFoundError`` when it does not exist or is not published.

    中文：获取公开事项
    """
    qs = item_queryset_public().select_related("region", "department__region")
    if item_id is not None:
        qs = qs.filter(pk=item_id)
    elif code is not None:
        qs = qs.filter(item_code=code)
    else:
        raise NotFoundError("事项不存在或未公开。")
    # ids and codes are unique: skip .first()'s ORDER BY, whose compilation
    # over the wide select_related costs more than the query itself.
    items = list(qs.order_by()[:1])
    if not items:
        raise NotFoundError("事项不存在或未公开。")
    return items[0]


def version_queryset_guide() -> QuerySet[ServiceItemVersion]:
    """
    Return versions with every guide element prefetched.

    中文：办事指南查询集
    """
    return ServiceItemVersion.objects.select_related(
        "department", "item", "item__department"
    ).prefetch_related(
        Prefetch("materials", queryset=Material.objects.order_by("order", "id")),
        Prefetch("legal_bases", queryset=LegalBasis.objects.order_by("order", "id")),
        "fees",
        "special_procedures",
        "faqs",
    )


def item_guide_get(*, item: ServiceItem) -> ServiceItemVersion:
    """
    Return the current published guide of ``item`` with all its elements.

    中文：获取现行办事指南
    """
    if item.current_version_id is None:
        raise NotFoundError("事项不存在或未公开。")
    version = version_queryset_guide().filter(
        pk=item.current_version_id, status=VersionStatus.PUBLISHED
    )
    found = version.first()
    if found is None:
        raise NotFoundError("事项不存在或未公开。")
    return found


def item_version_get(item: ServiceItem, version: int) -> ServiceItemVersion:
    """
    Return version number ``version`` of a public item, never a draft.

    中文：获取事项历史版本
    """
    found = (
        version_queryset_guide()
        .filter(item=item, version=version, status__in=PUBLIC_VERSION_STATUSES)
        .first()
    )
    if found is None:
        raise NotFoundError("该版本不存在或未公开。")
    return found


def item_version_list(*, item: ServiceItem) -> QuerySet[ServiceItemVersion]:
    """
    Return the public versions of an item, newest first.

    中文：事项版本列表
    """
    return ServiceItemVersion.objects.filter(
        item=item, status__in=PUBLIC_VERSION_STATUSES
    ).order_by("-version")


def department_list_public(*, with_items_only: bool = False) -> QuerySet[Department]:
    """
    Return active departments with their count of published items.

    中文：部门列表
    """
    qs = Department.objects.filter(is_active=True).annotate(
        item_count=Count(
            "items",
            filter=Q(items__current_version__status=VersionStatus.PUBLISHED),
        )
    )
    if with_items_only:
        qs = qs.filter(item_count__gt=0)
    return qs.select_related("region").order_by("order", "name")


def department_get_public(*, department_id: int) -> Department:
    """
    Return one active department with its published item count.

    中文：获取部门
    """
    found = department_list_public().filter(pk=department_id).first()
    if found is None:
        raise NotFoundError("部门不存在。")
    return found


def item_type_list_public() -> list[dict]:
    """
    Return every item type with its count of published items.

    中文：事项类型列表
    """
    counts = dict(
        item_queryset_public()
        .order_by()
        .values_list("item_type")
        .annotate(n=Count("id"))
        .values_list("item_type", "n")
    )
    return [
        {"code": value, "name": str(label), "item_count": counts.get(value, 0)}
        for value, label in ItemType.choices
    ]


_facets_cache: dict[tuple, dict] = {}


def catalogue_facets() -> dict:
    """
    Return departments and item types with published item counts.

    Computed once per catalogue change (keyed by the search index
    signature), so list pages do not aggregate on every request.

    中文：目录分面统计
    """
    signature = search.catalogue_signature_current()
    found = _facets_cache.get(signature)
    if found is None:
        departments = [
            # item_count: annotated by department_list_public()
            {"id": d.pk, "name": d.name, "item_count": d.item_count}  # type: ignore[attr-defined]
            for d in department_list_public(with_items_only=True)
        ]
        item_types = [t for t in item_type_list_public() if t["item_count"]]
        found = {
            "departments": departments,
            "item_types": item_types,
            "total": sum(t["item_count"] for t in item_types),
        }
        _facets_cache.clear()
        _facets_cache[signature] = found
    return found


def region_list() -> QuerySet[Region]:
    """
    Return all regions with their parent.

    中文：行政区划列表
    """
    return Region.objects.select_related("parent").order_by("code")


def hall_list() -> QuerySet[Hall]:
    """
    Return halls with their active counters and what those serve.

    中文：大厅列表
    """
    counters = (
        Counter.objects.filter(is_active=True)
        .prefetch_related("departments")
        .annotate(item_count=Count("items"))
        .order_by("number")
    )
    return (
        Hall.objects.select_related("region")
        .prefetch_related(Prefetch("counters", queryset=counters))
        .order_by("name")
    )


def hall_get(*, hall_id: int) -> Hall:
    """
    Return one hall with its counters.

    中文：获取大厅
    """
    found = hall_list().filter(pk=hall_id).first()
    if found is None:
        raise NotFoundError("大厅不存在。")
    return found


def counter_list_public(
    *, hall_id: int | None = None, item_id: int | None = None
) -> QuerySet[Counter]:
    """
    Return active counters, optionally of one hall or serving one item.

    中文：窗口列表
    """
    qs = (
        Counter.objects.filter(is_active=True)
        .select_related("hall")
        .prefetch_related("departments")
        .annotate(item_count=Count("items"))
    )
    if hall_id is not None:
        qs = qs.filter(hall_id=hall_id)
    if item_id is not None:
        qs = qs.filter(Q(items__id=item_id)).distinct()
    return qs.order_by("hall__name", "number")


def item_counters(*, item: ServiceItem) -> list[Counter]:
    """
    Return the counters where ``item`` is handled (by item, else department).

    中文：事项办理窗口
    """
    direct = list(
        Counter.objects.filter(is_active=True, items=item).select_related("hall")
    )
    if direct:
        return direct
    return list(
        Counter.objects.filter(is_active=True, departments=item.department_id)
        .select_related("hall")
        .distinct()
        .order_by("hall__name", "number")
    )


def item_list_popular(*, limit: int = 8) -> list[ServiceItem]:
    """
    Return the frequently used items (高频事项) the home page lists.

    Picks the best match for each everyday need in ``POPULAR_NEEDS``; with no
    match at all, falls back to the first published items online.

    中文：高频事项
    """
    index = search.index_get()
    key = (index.signature, limit)
    picked = _popular_cache.get(key)
    if picked is None:
        picked = []
        for need in POPULAR_NEEDS:
            for item_id in index.search(need)[:1]:
                if item_id not in picked:
                    picked.append(item_id)
            if len(picked) >= limit:
                break
        _popular_cache.clear()
        _popular_cache[key] = picked
    found = item_queryset_public().in_bulk(picked)
    items = [found[i] for i in picked if i in found]
    if len(items) < limit:
        extra = (
            item_queryset_public()
            .filter(online_available=True)
            .exclude(pk__in=[i.pk for i in items])
            .order_by(F("department__order").asc(), "name")[: limit - len(items)]
        )
        items.extend(extra)
    return items


_popular_cache: dict[tuple, list[int]] = {}

# Everyday needs the demo catalogue (广安区) serves, each answered by its
# first search hit; these items have full demo guides
# (catalog/demo_data/guangan_511602_guides.json).
POPULAR_NEEDS = (
    "社会保障卡申领",
    "居民身份证办理",
    "营业执照",
    "户口登记",
    "婚姻登记",
    "医保电子凭证",
    "退休",
    "失业金",
    "无犯罪记录证明",
    "出生医学证明",
)
