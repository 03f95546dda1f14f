"""Test data for catalogue, search and portal tests (a foundation test helper)."""

from zhengtong.catalog import models
from zhengtong.catalog.constants import VersionStatus
from zhengtong.catalog.tests.factories import (
    CounterFactory,
    DepartmentFactory,
    ServiceItemFactory,
    ServiceItemVersionFactory,
)

FULL_CODE = "11511602MB1234567X-511602000000-000-11511301008778255F-1-00"


def full_item(**kwargs) -> models.ServiceItem:
    """Return a published item whose guide fills every element."""
    dept = kwargs.pop("department", None) or DepartmentFactory(name="区行政审批局")
    item = ServiceItemFactory(
        item_code=kwargs.pop("item_code", FULL_CODE),
        name=kwargs.pop("name", "固定资产投资项目节能审查"),
        department=dept,
        online_available=kwargs.pop("online_available", True),
        published=False,
    )
    version = ServiceItemVersionFactory(
        item=item,
        version=2,
        name=item.name,
        department=dept,
        implementing_body="区行政审批局",
        service_object="enterprise",
        conditions="项目已完成备案。",
        statutory_days=20,
        promised_days=5,
        statutory_note="自受理之日起计算",
        is_free=False,
        fee_note="按省定标准收取。",
        max_visits=1,
        place="区政务服务中心一楼",
        office_hours="工作日 9:00-17:00",
        consult_phone="0826-1234567",
        supervise_phone="0826-7654321",
        result_name="节能审查意见",
        materials=[],
        **kwargs,
    )
    models.Material.objects.create(
        version=version,
        order=1,
        name="节能报告",
        requirement="required",
        original_count=1,
        copy_count=2,
        form="paper",
        tolerance_allowed=True,
        remark="需编制单位盖章",
    )
    models.Material.objects.create(
        version=version,
        order=2,
        name="委托书",
        requirement="conditional",
        condition_note="委托代理时提供",
        original_count=0,
        copy_count=1,
    )
    models.LegalBasis.objects.create(
        version=version,
        law_name="固定资产投资项目节能审查办法",
        law_number="国家发展和改革委员会令第44号",
        clause_number="第八条",
        clause_content="节能审查机关受理节能报告后，应委托有关机构进行评审。",
    )
    models.Fee.objects.create(
        version=version, name="评审费", standard="按项目规模", amount_yuan="200.00"
    )
    models.SpecialProcedure.objects.create(
        version=version, name="机构评审", days=15, description="委托机构评审"
    )
    models.FAQ.objects.create(
        version=version, question="是否所有项目都要审查？", answer="年耗能较小的除外。"
    )
    item.current_version = version
    item.save(update_fields=["current_version", "updated_at"])
    return item


def add_retired_version(item: models.ServiceItem, number: int = 1):
    """Add an older, retired version of ``item``."""
    return ServiceItemVersionFactory(
        item=item,
        version=number,
        name=item.name + "（旧）",
        status=VersionStatus.RETIRED,
        promised_days=8,
    )


def add_draft_version(item: models.ServiceItem, number: int = 9):
    """Add a draft version of ``item`` (never public)."""
    return ServiceItemVersionFactory(
        item=item,
        version=number,
        name=item.name + "（草稿）",
        status=VersionStatus.DRAFT,
        published_at=None,
    )


def draft_item(name: str = "未发布事项") -> models.ServiceItem:
    """Return an item whose only version is a draft."""
    item = ServiceItemFactory(name=name, published=False)
    version = ServiceItemVersionFactory(
        item=item, name=name, status=VersionStatus.DRAFT, published_at=None
    )
    item.current_version = version
    item.save(update_fields=["current_version"])
    return item


def counter_for(item: models.ServiceItem):
    """Return a counter that handles ``item``."""
    counter = CounterFactory(number="8", name="投资审批窗口", floor="一楼")
    counter.items.add(item)
    return counter
