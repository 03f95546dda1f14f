"""The demo catalogue: real data loaded, published, idempotent."""

import pytest

from zhengtong.catalog import demo
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
    assert not ServiceItemVersion.objects.exclude(
        status=VersionStatus.PUBLISHED
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
