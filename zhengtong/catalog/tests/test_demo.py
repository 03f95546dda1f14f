"""The demo catalogue: real data loaded, published, idempotent."""

import json

import pytest

from zhengtong.catalog import demo, search, selectors
from zhengtong.catalog.constants import VersionStatus
from zhengtong.catalog.models import (
    Counter,
    Department,
    Hall,
    Region,
    ServiceItem,
    ServiceItemVersion,
)

pytestmark = pytest.mark.django_db


def test_seed_loads_real_catalogue_and_is_idempotent():
    demo.seed(password="x")
    assert ServiceItem.objects.count() == 762
    assert not ServiceItem.objects.filter(current_version__isnull=True).exists()
    # The demo guides supersede their catalogue rows (kept as retired).
    assert not ServiceItemVersion.objects.exclude(
        status__in=(VersionStatus.PUBLISHED, VersionStatus.RETIRED)
    ).exists()
    assert not ServiceItem.objects.exclude(
        current_version__status=VersionStatus.PUBLISHED
    ).exists()
    county = Region.objects.get(code="511602000000")
    assert county.parent.code == "511600000000"
    assert county.parent.parent.name == "四川省"
    assert Region.objects.get(code="450721000000").parent.name == "钦州市"
    assert Department.objects.filter(region=county).count() == 34
    hall = Hall.objects.get(name=demo.GUANGAN_HALL)
    assert hall.counters.count() == 12
    integrated = hall.counters.get(number="1")
    assert integrated.is_integrated
    approval = Department.objects.get(name="区行政审批局")
    assert integrated.items.count() == approval.items.count() == 242
    assert Counter.objects.filter(hall__region__code="450721000000").count() == 3
    guide = ServiceItem.objects.get(item_code="11450721MB155808114000104002000")
    assert guide.current_version.special_procedures.get().days == 15

    counts = (ServiceItemVersion.objects.count(), Counter.objects.count())
    demo.seed(password="x")
    assert (ServiceItemVersion.objects.count(), Counter.objects.count()) == counts


def test_home_page_items_have_full_guides_and_30_items_apply_online():
    search.index_clear()
    demo.seed(password="x")
    popular = selectors.item_list_popular(limit=8)
    names = [item.name for item in popular]
    assert "个体工商户设立登记" in names
    assert "社会保障卡申领" in names
    for item in popular:
        version = item.current_version
        assert version.materials.count() >= 1, item.name
        assert version.legal_bases.exists(), item.name
        assert version.promised_days and version.statutory_days, item.name
        assert version.conditions and version.is_free is not None, item.name
        assert demo_note() in version.data_quality_notes, item.name
    getihu = ServiceItem.objects.get(name="个体工商户设立登记").current_version
    assert getihu.materials.count() >= 4
    assert getihu.materials.filter(name__contains="经营者居民身份证").exists()
    assert getihu.version == 2  # the catalogue row stays as version 1

    online = ServiceItem.objects.filter(online_available=True)
    with_materials = [i for i in online if i.current_version.materials.exists()]
    assert len(with_materials) >= 30
    search.index_clear()


def demo_note() -> str:
    path = demo.DATA_DIR / demo.GUIDES_FILE
    return json.loads(path.read_text(encoding="utf-8"))["note"]
