"""
The item an application reads (申请所需事项信息), in one plain statement.

Case submission is the hottest write path: it reads an item by its code
with the current version, the departments and the region codes. This app
owns those tables, so the statement lives here, once; other apps call
``item_for_application_get``.
"""

import time
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection
from django.db.models import Model

from .models import Department, Region, ServiceItem, ServiceItemVersion
from .search import catalogue_signature_current

_M = TypeVar("_M", bound=Model)

# The columns an application (cases.services.case_create) reads of an item, its current version, the
# departments and the region codes. One plain statement: the equivalent ORM
# select_related over four tables cost more CPU to compile than the whole
# insert of the case.
_ITEM_SQL = """
SELECT i.id, i.item_code, i.region_id, i.department_id, i.current_version_id,
       ir.code,
       v.status, v.department_id, v.handling_mode, v.promised_days,
       v.statutory_days, v.name,
       vd.region_id, vdr.code,
       idp.region_id, idr.code,
       v.promised_unit, v.statutory_unit
FROM catalog_serviceitem i
LEFT JOIN catalog_region ir ON ir.id = i.region_id
LEFT JOIN catalog_serviceitemversion v ON v.id = i.current_version_id
LEFT JOIN catalog_department vd ON vd.id = v.department_id
LEFT JOIN catalog_region vdr ON vdr.id = vd.region_id
LEFT JOIN catalog_department idp ON idp.id = i.department_id
LEFT JOIN catalog_region idr ON idr.id = idp.region_id
WHERE i.item_code = %s
"""


def _loaded(model: type[_M], **values: Any) -> _M:
    """Return a ``model`` instance with only ``values`` loaded (from_db order)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db("default", names, [values[name] for name in names])


def _department(pk: int, region_id: int | None, region_code: str | None) -> Department:
    department = _loaded(Department, id=pk, region_id=region_id)
    if region_id is not None:
        department.region = _loaded(Region, id=region_id, code=region_code)
    return department


# code -> (catalogue signature, monotonic time read, item)
_items_read: dict[str, tuple[tuple, float, ServiceItem]] = {}
_ITEMS_READ_MAX = 5000


def item_for_application_get(*, code: str) -> ServiceItem | None:
    """
    Return the item with ``code`` and what an application needs of it.

    The item comes with its current version, departments and regions loaded
    (only the fields ``services.case_create`` reads; others load on access),
    or None when no item has this code.

    The answer is kept in this process's memory while the catalogue is
    unchanged and for at most ``CASES_ITEM_CACHE_SECONDS`` (default 30 s; 0
    turns the memory off), so calls may share one instance: read it, never
    change it. A new or withdrawn version changes the catalogue signature,
    which the next application sees within the signature's re-check time
    (1 s); the age limit bounds how long a renamed department or a changed
    region code can be missed. Unknown codes are never remembered.

    中文：按事项编码取申请所需事项信息
    """
    max_age = float(getattr(settings, "CASES_ITEM_CACHE_SECONDS", 30))
    if max_age > 0:
        signature = catalogue_signature_current()
        now = time.monotonic()
        hit = _items_read.get(code)
        if hit is not None and hit[0] == signature and now - hit[1] < max_age:
            return hit[2]
    with connection.cursor() as cursor:
        cursor.execute(_ITEM_SQL, [code])
        row = cursor.fetchone()
    if row is None:
        return None
    item = _item_from_row(row)
    if max_age > 0:
        if len(_items_read) >= _ITEMS_READ_MAX:
            _items_read.clear()
        _items_read[code] = (signature, now, item)
    return item


def _item_from_row(row: tuple) -> ServiceItem:
    """Return the item, version, departments and regions of one _ITEM_SQL row."""
    (item_id, item_code, region_id, dept_id, version_id, region_code) = row[:6]
    item = _loaded(
        ServiceItem,
        id=item_id,
        item_code=item_code,
        region_id=region_id,
        department_id=dept_id,
        current_version_id=version_id,
    )
    if region_id is not None:
        item.region = _loaded(Region, id=region_id, code=region_code)
    if dept_id is not None:
        item.department = _department(dept_id, row[14], row[15])
    if version_id is not None:
        status, v_dept_id, mode, promised, statutory, name = row[6:12]
        version = _loaded(
            ServiceItemVersion,
            id=version_id,
            item_id=item_id,
            status=status,
            department_id=v_dept_id,
            handling_mode=mode,
            promised_days=promised,
            statutory_days=statutory,
            name=name,
            promised_unit=row[16],
            statutory_unit=row[17],
        )
        if v_dept_id is not None:
            version.department = _department(v_dept_id, row[12], row[13])
        item.current_version = version
    return item
