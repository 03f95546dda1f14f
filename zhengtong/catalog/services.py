"""
Services of the catalogue: regions, departments, halls, counters and
versioned service items. Every write records an audit event.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .codes import parse_item_code
from .constants import RegionLevel, VersionStatus
from .credit import credit_code_state
from .models import (
    FAQ,
    Counter,
    Department,
    Fee,
    Hall,
    LegalBasis,
    Material,
    Region,
    ServiceItem,
    ServiceItemVersion,
    SpecialProcedure,
)


class CatalogErrorCode(models.TextChoices):
    """Stable error codes raised by catalogue services."""

    INVALID_REGION_CODE = "catalog_invalid_region_code", "区划代码无效"
    PROMISED_EXCEEDS_STATUTORY = (
        "catalog_promised_exceeds_statutory",
        "承诺时限超过法定时限",
    )
    INVALID_VERSION = "catalog_invalid_version", "事项版本数据无效"
    VERSION_NOT_DRAFT = "catalog_version_not_draft", "版本不是草稿"
    EFFECTIVE_DATE_MISSING = "catalog_effective_date_missing", "缺少生效日期"


# The rows a version owns, by relation name. The models differ in their fields and
# are handled generically (`model(version=..., **values)`), hence `type[Any]`.
VERSION_CHILD_RELATIONS: dict[str, type[Any]] = {
    "materials": Material,
    "legal_bases": LegalBasis,
    "fees": Fee,
    "special_procedures": SpecialProcedure,
    "faqs": FAQ,
}


# ---------------------------------------------------------------- regions


def region_code_normalise(code: str) -> str:
    """
    Return the 12-digit form of a 6- or 12-digit division code.

    中文：区划代码补足12位
    """
    code = (code or "").strip()
    if len(code) == 6 and code.isdigit():
        code += "000000"
    if len(code) != 12 or not code.isdigit():
        raise ApplicationError(
            CatalogErrorCode.INVALID_REGION_CODE,
            f"区划代码“{code}”无效：应为6位或12位数字。",
        )
    return code


def region_level_for(code: str) -> str:
    """
    Return the level of a 12-digit division code.

    中文：区划层级
    """
    if code[2:] == "0" * 10:
        return RegionLevel.PROVINCE
    if code[4:] == "0" * 8:
        return RegionLevel.CITY
    if code[6:] == "0" * 6:
        return RegionLevel.COUNTY
    if code[9:] == "000":
        return RegionLevel.TOWNSHIP
    return RegionLevel.VILLAGE


def _region_parent_code(code: str) -> str | None:
    level = region_level_for(code)
    if level == RegionLevel.PROVINCE:
        return None
    if level == RegionLevel.CITY:
        return code[:2] + "0" * 10
    if level == RegionLevel.COUNTY:
        return code[:4] + "0" * 8
    if level == RegionLevel.TOWNSHIP:
        return code[:6] + "0" * 6
    return code[:9] + "000"


def region_ensure(*, code: str, name: str = "", actor: Any = None) -> Region:
    """
    Return the region with ``code``, creating it (and linking its parent).

    A new region without a name is named after its code. An existing region
    gets its name filled in when it only had the placeholder.

    中文：确保行政区划存在
    """
    code = region_code_normalise(code)
    region = Region.objects.filter(code=code).first()
    if region is not None:
        if name and region.name != name and region.name == code:
            region.name = name
            region.save(update_fields=["name", "updated_at"])
            audit_record(action="catalog.region_renamed", obj=region, actor=actor)
        return region
    parent_code = _region_parent_code(code)
    parent = Region.objects.filter(code=parent_code).first() if parent_code else None
    region = Region(
        code=code, name=name or code, level=region_level_for(code), parent=parent
    )
    region.full_clean()
    region.save()
    # adopt orphans created before this parent
    Region.objects.filter(parent__isnull=True).exclude(pk=region.pk).filter(
        code__in=[
            c
            for c in Region.objects.filter(parent__isnull=True).values_list(
                "code", flat=True
            )
            if _region_parent_code(c) == code
        ]
    ).update(parent=region)
    audit_record(
        action="catalog.region_created",
        obj=region,
        actor=actor,
        details={"code": code, "name": region.name},
    )
    return region


# ---------------------------------------------------------------- departments


def department_upsert(
    *,
    region: Region | None,
    name: str,
    credit_code: str | None = None,
    portal_codes: str | None = None,
    order: int | None = None,
    short_name: str | None = None,
    phone: str | None = None,
    actor: Any = None,
) -> tuple[Department, str]:
    """
    Create or update a department keyed by region and name.

    Only the arguments given (not None) are written. The credit code is
    stored as given and checked (GB 32100): an invalid one is flagged in
    ``credit_code_valid``, never rejected. Return the department and
    "created", "updated" or "unchanged".

    中文：新增或更新部门
    """
    name = (name or "").strip()
    if not name:
        raise ApplicationError("catalog_department_name_missing", "部门名称不能为空。")
    values: dict[str, Any] = {}
    if credit_code is not None:
        values["credit_code"] = credit_code.strip()
        values["credit_code_valid"] = credit_code_state(values["credit_code"])
    if portal_codes is not None:
        values["portal_codes"] = portal_codes.strip()
    if order is not None:
        values["order"] = order
    if short_name is not None:
        values["short_name"] = short_name.strip()
    if phone is not None:
        values["phone"] = phone.strip()
    department = Department.objects.filter(region=region, name=name).first()
    if department is None:
        department = Department(region=region, name=name, **values)
        department.full_clean()
        department.save()
        audit_record(
            action="catalog.department_created",
            obj=department,
            actor=actor,
            details={"name": name, **{k: v for k, v in values.items() if k != "order"}},
        )
        return department, "created"
    changed = {k: v for k, v in values.items() if getattr(department, k) != v}
    if not changed:
        return department, "unchanged"
    before = {k: getattr(department, k) for k in changed}
    for key, value in changed.items():
        setattr(department, key, value)
    department.full_clean()
    department.save(update_fields=[*changed, "updated_at"])
    audit_record(
        action="catalog.department_updated",
        obj=department,
        actor=actor,
        details={"before": before, "after": changed},
    )
    return department, "updated"


# ---------------------------------------------------------------- halls


def hall_upsert(
    *,
    region: Region | None,
    name: str,
    address: str = "",
    phone: str = "",
    hours: str = "",
    traffic: str = "",
    actor: Any = None,
) -> tuple[Hall, str]:
    """
    Create or update a hall keyed by region and name.

    中文：新增或更新大厅
    """
    values = {"address": address, "phone": phone, "hours": hours, "traffic": traffic}
    hall = Hall.objects.filter(region=region, name=name).first()
    if hall is None:
        hall = Hall(region=region, name=name, **values)
        hall.full_clean()
        hall.save()
        audit_record(action="catalog.hall_created", obj=hall, actor=actor)
        return hall, "created"
    changed = {k: v for k, v in values.items() if getattr(hall, k) != v}
    if not changed:
        return hall, "unchanged"
    for key, value in changed.items():
        setattr(hall, key, value)
    hall.full_clean()
    hall.save(update_fields=[*changed, "updated_at"])
    audit_record(action="catalog.hall_updated", obj=hall, actor=actor, details=changed)
    return hall, "updated"


def counter_upsert(
    *,
    hall: Hall,
    number: str,
    name: str = "",
    floor: str = "",
    zone: str = "",
    is_integrated: bool = False,
    phone: str = "",
    departments: list[Department] | None = None,
    items: list[ServiceItem] | None = None,
    actor: Any = None,
) -> tuple[Counter, str]:
    """
    Create or update a counter keyed by hall and number.

    ``departments`` and ``items`` replace the served sets when given.

    中文：新增或更新窗口
    """
    values = {
        "name": name,
        "floor": floor,
        "zone": zone,
        "is_integrated": is_integrated,
        "phone": phone,
    }
    counter = Counter.objects.filter(hall=hall, number=number).first()
    result = "unchanged"
    if counter is None:
        counter = Counter(hall=hall, number=number, **values)
        counter.full_clean()
        counter.save()
        result = "created"
    else:
        changed = {k: v for k, v in values.items() if getattr(counter, k) != v}
        if changed:
            for key, value in changed.items():
                setattr(counter, key, value)
            counter.full_clean()
            counter.save(update_fields=[*changed, "updated_at"])
            result = "updated"
    if departments is not None:
        wanted = {d.pk for d in departments}
        if set(counter.departments.values_list("pk", flat=True)) != wanted:
            counter.departments.set(wanted)
            result = "updated" if result == "unchanged" else result
    if items is not None:
        wanted = {i.pk for i in items}
        if set(counter.items.values_list("pk", flat=True)) != wanted:
            counter.items.set(wanted)
            result = "updated" if result == "unchanged" else result
    if result != "unchanged":
        audit_record(
            action=f"catalog.counter_{result}",
            obj=counter,
            actor=actor,
            details={"hall": hall.name, "number": number, "name": name},
        )
    return counter, result


# ---------------------------------------------------------------- items


def item_create(
    *,
    item_code: str,
    name: str,
    department: Department,
    region: Region | None = None,
    basic_code: str = "",
    category: str = "",
    item_type: str = "unknown",
    item_type_code: str = "",
    detail_url: str = "",
    source: dict | None = None,
    actor: Any = None,
    audit: bool = True,
) -> ServiceItem:
    """
    Create a service item identity; the code is stored exactly as given.

    中文：新建事项
    """
    parsed = parse_item_code(item_code)
    item = ServiceItem(
        item_code=item_code,
        code_shape=parsed.shape,
        code_segments=parsed.segments,
        basic_code=basic_code or parsed.basic_code[:40],
        region=region,
        department=department,
        name=name,
        category=category,
        item_type=item_type,
        item_type_code=item_type_code,
        detail_url=detail_url,
        source=source or {},
    )
    try:
        item.full_clean(
            exclude=["department", "region", "current_version"], validate_unique=False
        )
    except ValidationError as exc:
        raise ApplicationError(
            CatalogErrorCode.INVALID_VERSION, _validation_message(exc, ServiceItem)
        ) from exc
    item.save()
    if audit:
        audit_record(
            action="catalog.item_created",
            obj=item,
            actor=actor,
            details={"item_code": item_code, "shape": parsed.shape},
        )
    return item


@dataclass
class BuiltItem:
    """An item with its first version and child rows, validated, not saved."""

    item: ServiceItem
    version: ServiceItemVersion
    children: dict[str, list[Any]]  # rows of VERSION_CHILD_RELATIONS models


def item_build(
    *,
    item_code: str,
    department: Department,
    region: Region | None,
    data: dict[str, Any],
    children: dict[str, list[dict[str, Any]]] | None = None,
    detail_url: str = "",
    source: dict | None = None,
) -> BuiltItem:
    """
    Validate a new item with its first version in memory (no writes).

    Raise ApplicationError when anything is invalid; ``items_bulk_create``
    saves what this returns.

    中文：校验待新建事项
    """
    _check_limits(data)
    parsed = parse_item_code(item_code)
    item = ServiceItem(
        item_code=item_code,
        code_shape=parsed.shape,
        code_segments=parsed.segments,
        basic_code=(data.get("basic_code") or parsed.basic_code)[:40],
        region=region,
        department=department,
        name=data["name"],
        category=data.get("category", ""),
        item_type=data.get("item_type", "unknown"),
        item_type_code=data.get("item_type_code", ""),
        detail_url=detail_url,
        source=source or {},
    )
    version = ServiceItemVersion(
        version=1, status=VersionStatus.DRAFT, **{"department": department, **data}
    )
    try:
        item.full_clean(
            exclude=["department", "region", "current_version"], validate_unique=False
        )
        version.full_clean(exclude=["item", "department"], validate_constraints=False)
    except ValidationError as exc:
        raise ApplicationError(
            CatalogErrorCode.INVALID_VERSION, _validation_message(exc)
        ) from exc
    rows: dict[str, list[models.Model]] = {}
    for relation, model in VERSION_CHILD_RELATIONS.items():
        for values in (children or {}).get(relation, []):
            row = model(**values)
            try:
                row.full_clean(exclude=["version"], validate_constraints=False)
            except ValidationError as exc:
                raise ApplicationError(
                    CatalogErrorCode.INVALID_VERSION,
                    f"{model._meta.verbose_name}：" + _validation_message(exc, model),
                ) from exc
            rows.setdefault(relation, []).append(row)
    return BuiltItem(item=item, version=version, children=rows)


def items_bulk_create(
    *,
    built: list[BuiltItem],
    effective_from: datetime.date | None = None,
) -> None:
    """
    Save validated new items with their first versions in a few queries.

    With ``effective_from`` the versions are saved as published and, when
    already in force, become the items' current versions. Callers record the
    audit event (one per import run lists the created codes).

    中文：批量新建事项
    """
    if not built:
        return
    now = timezone.now()
    ServiceItem.objects.bulk_create([b.item for b in built])
    for b in built:
        b.version.item = b.item
        if effective_from is not None:
            b.version.status = VersionStatus.PUBLISHED
            b.version.effective_from = effective_from
            b.version.published_at = now
    ServiceItemVersion.objects.bulk_create([b.version for b in built])
    for relation, model in VERSION_CHILD_RELATIONS.items():
        rows = []
        for b in built:
            for row in b.children.get(relation, []):
                row.version = b.version
                rows.append(row)
        if rows:
            model.objects.bulk_create(rows)
    if effective_from is not None and effective_from <= timezone.localdate():
        online: dict[bool, list[int]] = {True: [], False: []}
        for b in built:
            channels = b.version.channels or []
            b.item.current_version = b.version
            b.item.online_available = (
                "online" in channels or (b.version.online_depth or "0") >= "3"
            )
            online[b.item.online_available].append(b.item.pk)
        first_version = ServiceItemVersion.objects.filter(
            item=OuterRef("pk"), version=1
        ).values("pk")[:1]
        for flag, pks in online.items():
            if pks:
                ServiceItem.objects.filter(pk__in=pks).update(
                    current_version=Subquery(first_version), online_available=flag
                )


def _validation_message(
    exc: ValidationError, model: type[models.Model] = ServiceItemVersion
) -> str:
    """Return the errors as one Chinese line, fields named by their labels."""
    if hasattr(exc, "message_dict"):
        parts: list[str] = []
        for field, messages in exc.message_dict.items():
            try:
                label = str(
                    getattr(model._meta.get_field(field), "verbose_name", field)
                )
            except FieldDoesNotExist:
                label = field
            prefix = "" if field == "__all__" else f"{label}："
            parts.extend(prefix + str(m) for m in messages)
        return "；".join(parts)
    return "；".join(str(m) for m in exc.messages)


def _check_limits(data: dict[str, Any]) -> None:
    promised = data.get("promised_days")
    statutory = data.get("statutory_days")
    if promised is not None and statutory is not None and promised > statutory:
        raise ApplicationError(
            CatalogErrorCode.PROMISED_EXCEEDS_STATUTORY,
            f"承诺时限（{promised}）不得超过法定时限（{statutory}）。",
        )


def item_version_create_draft(
    *,
    item: ServiceItem,
    data: dict[str, Any],
    children: dict[str, list[dict[str, Any]]] | None = None,
    actor: Any = None,
    audit: bool = True,
    first: bool = False,
) -> ServiceItemVersion:
    """
    Create the next draft version of an item's guide.

    ``data`` holds ``ServiceItemVersion`` fields (``department`` may be
    omitted: the item's department is used); ``children`` maps
    ``materials``/``legal_bases``/``fees``/``special_procedures``/``faqs``
    to lists of field dicts. Promised days may not exceed statutory days.
    Blank forms and sample files of same-named materials of the previous
    version are carried over. ``first=True`` (an item created in the same
    transaction) skips looking for a previous version.

    中文：新建事项版本草稿
    """
    _check_limits(data)
    children = children or {}
    previous = None if first else item.versions.order_by("-version").first()
    number = (previous.version + 1) if previous else 1
    values = {"department": item.department, **data}
    version = ServiceItemVersion(
        item=item, version=number, status=VersionStatus.DRAFT, **values
    )
    try:
        version.full_clean(exclude=["item", "department"], validate_constraints=False)
    except ValidationError as exc:
        raise ApplicationError(
            CatalogErrorCode.INVALID_VERSION, _validation_message(exc)
        ) from exc
    version.save()
    _children_create(version=version, children=children, previous=previous)
    if audit:
        audit_record(
            action="catalog.version_drafted",
            obj=item,
            actor=actor,
            to_state=VersionStatus.DRAFT,
            details={"version": number},
        )
    return version


def _children_create(
    *,
    version: ServiceItemVersion,
    children: dict[str, list[dict[str, Any]]],
    previous: ServiceItemVersion | None,
) -> None:
    files: dict[str, tuple[Any, Any]] = {}
    if previous is not None:
        for material in previous.materials.all():
            if material.blank_form or material.sample_file:
                files[material.name] = (material.blank_form, material.sample_file)
    for relation, model in VERSION_CHILD_RELATIONS.items():
        rows = []
        for values in children.get(relation, []):
            row = model(version=version, **values)
            if relation == "materials" and row.name in files:
                row.blank_form, row.sample_file = files[row.name]
            try:
                row.full_clean(exclude=["version"], validate_constraints=False)
            except ValidationError as exc:
                raise ApplicationError(
                    CatalogErrorCode.INVALID_VERSION,
                    f"{model._meta.verbose_name}“{values.get('name') or values.get('law_name') or values.get('question', '')}”："
                    + _validation_message(exc, model),
                ) from exc
            rows.append(row)
        if rows:
            model.objects.bulk_create(rows)


def item_version_replace_draft(
    *,
    version: ServiceItemVersion,
    data: dict[str, Any],
    children: dict[str, list[dict[str, Any]]] | None = None,
    actor: Any = None,
    audit: bool = True,
) -> ServiceItemVersion:
    """
    Overwrite the content of a draft version (fields and child rows).

    中文：修改事项版本草稿
    """
    if version.status != VersionStatus.DRAFT:
        raise ApplicationError(
            CatalogErrorCode.VERSION_NOT_DRAFT,
            "只能修改草稿版本；已发布的版本请新建版本。",
            status=409,
        )
    _check_limits(data)
    for key, value in data.items():
        setattr(version, key, value)
    try:
        version.full_clean(exclude=["item", "department"], validate_constraints=False)
    except ValidationError as exc:
        raise ApplicationError(
            CatalogErrorCode.INVALID_VERSION, _validation_message(exc)
        ) from exc
    version.save()
    previous = item_version_previous(version)
    for relation in VERSION_CHILD_RELATIONS:
        getattr(version, relation).all().delete()
    _children_create(version=version, children=children or {}, previous=previous)
    if audit:
        audit_record(
            action="catalog.version_draft_updated",
            obj=version.item,
            actor=actor,
            details={"version": version.version},
        )
    return version


def item_version_previous(version: ServiceItemVersion) -> ServiceItemVersion | None:
    """Return the version just before ``version``, if any."""
    return (
        ServiceItemVersion.objects.filter(
            item_id=version.item_id, version__lt=version.version
        )
        .order_by("-version")
        .first()
    )


def item_version_current(
    item: ServiceItem, on_date: datetime.date | None = None
) -> ServiceItemVersion | None:
    """
    Return the version in force on ``on_date`` (default: today).

    That is the newest published (or since superseded) version whose
    effective date is not after ``on_date``; drafts never count. A later
    publication wins over an earlier one even when it is back-dated.

    中文：查询某日有效的事项版本
    """
    on_date = on_date or timezone.localdate()
    return (
        ServiceItemVersion.objects.filter(
            item=item,
            status__in=[VersionStatus.PUBLISHED, VersionStatus.RETIRED],
            published_at__isnull=False,
            effective_from__lte=on_date,
        )
        .order_by("-version")
        .first()
    )


def item_refresh_current(
    *, item: ServiceItem, on_date: datetime.date | None = None
) -> ServiceItem:
    """
    Point ``item.current_version`` at the version in force and copy its
    name, category, department, type and online flag onto the item.

    中文：刷新事项当前版本
    """
    version = item_version_current(item, on_date)
    if version is None:
        if item.current_version_id is not None:
            item.current_version = None
            item.save(update_fields=["current_version", "updated_at"])
        return item
    channels = version.channels or []
    values: dict[str, Any] = {
        "current_version": version,
        "name": version.name,
        "category": version.category,
        "department": version.department,
        "item_type": version.item_type,
        "item_type_code": version.item_type_code,
        "online_available": "online" in channels
        or (version.online_depth or "0") >= "3",
    }
    changed = [
        k
        for k, v in values.items()
        if (
            getattr(item, k + "_id")
            if k in ("current_version", "department")
            else getattr(item, k)
        )
        != (v.pk if k in ("current_version", "department") else v)
    ]
    if changed:
        for key, value in values.items():
            setattr(item, key, value)
        item.save(update_fields=[*changed, "updated_at"])
    return item


@transaction.atomic
def item_version_publish(
    *,
    version: ServiceItemVersion,
    effective_from: datetime.date | None,
    actor: Any = None,
    audit: bool = True,
) -> ServiceItemVersion:
    """
    Publish a draft with its effective date.

    Older published versions are marked retired (superseded; until a
    future effective date arrives the newest of them stays in force); they stay readable, and cases keep
    pointing at the version they were filed under. The item's current
    version and its denormalised fields are refreshed for today.

    中文：发布事项版本
    """
    if version.status != VersionStatus.DRAFT:
        raise ApplicationError(
            CatalogErrorCode.VERSION_NOT_DRAFT,
            f"版本 v{version.version} 的状态是“{version.get_status_display()}”，只能发布草稿。",
            status=409,
        )
    if effective_from is None:
        raise ApplicationError(
            CatalogErrorCode.EFFECTIVE_DATE_MISSING, "发布版本必须填写生效日期。"
        )
    _check_limits(
        {
            "promised_days": version.promised_days,
            "statutory_days": version.statutory_days,
        }
    )
    version.status = VersionStatus.PUBLISHED
    version.effective_from = effective_from
    version.published_at = timezone.now()
    version.save(
        update_fields=["status", "effective_from", "published_at", "updated_at"]
    )
    superseded = list(
        ServiceItemVersion.objects.filter(
            item_id=version.item_id,
            status=VersionStatus.PUBLISHED,
            version__lt=version.version,
        ).values_list("version", flat=True)
    )
    if superseded:
        ServiceItemVersion.objects.filter(
            item_id=version.item_id, version__in=superseded
        ).update(status=VersionStatus.RETIRED, updated_at=timezone.now())
    item = version.item
    item_refresh_current(item=item)
    if audit:
        audit_record(
            action="catalog.version_published",
            obj=item,
            actor=actor,
            from_state=VersionStatus.DRAFT,
            to_state=VersionStatus.PUBLISHED,
            details={
                "version": version.version,
                "effective_from": effective_from.isoformat(),
                "retired_versions": superseded,
            },
        )
    return version


def items_refresh_current(*, on_date: datetime.date | None = None) -> int:
    """
    Refresh the current version of every item (for future-dated versions
    that came into force); return how many items changed.

    中文：刷新全部事项的当前版本
    """
    changed = 0
    for item in ServiceItem.objects.all().iterator(chunk_size=500):
        before = item.current_version_id
        item_refresh_current(item=item, on_date=on_date)
        if item.current_version_id != before:
            changed += 1
            audit_record(
                action="catalog.item_current_version_changed",
                obj=item,
                details={"from": before, "to": item.current_version_id},
            )
    return changed
