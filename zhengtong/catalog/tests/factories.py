"""factory_boy factories for the catalogue; other apps' tests use them too."""

from django.utils import timezone

import factory

from zhengtong.catalog import models
from zhengtong.catalog.constants import ItemType, MaterialRequirement, VersionStatus


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Region
        django_get_or_create = ("code",)

    code = "511602000000"
    name = "广安区"
    level = "county"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Department

    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"区测试局{n}")


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Hall

    region = factory.SubFactory(RegionFactory)
    name = "区政务服务中心"
    address = "测试路1号"
    hours = "工作日 9:00-12:00，14:00-17:00"


class CounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Counter

    hall = factory.SubFactory(HallFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    name = "综合窗口"


class ServiceItemFactory(factory.django.DjangoModelFactory):
    """An item with one published version (see ``version`` post-generation)."""

    class Meta:
        model = models.ServiceItem

    item_code = factory.Sequence(
        lambda n: f"11511602MB{n:08d}-511602000000-000-11511301008778255F-1-00"
    )
    department = factory.SubFactory(DepartmentFactory)
    region = factory.SubFactory(RegionFactory)
    name = factory.Sequence(lambda n: f"测试事项{n}")
    item_type = ItemType.LICENSING
    item_type_code = "1"

    @factory.post_generation
    def published(obj, create, extracted, **kwargs):
        if not create or extracted is False:
            return
        version = ServiceItemVersionFactory(
            item=obj,
            name=obj.name,
            department=obj.department,
            item_type=obj.item_type,
            **kwargs,
        )
        obj.current_version = version
        obj.save(update_fields=["current_version"])


class ServiceItemVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ServiceItemVersion

    item = factory.SubFactory(ServiceItemFactory, published=False)
    version = factory.Sequence(lambda n: n + 1)
    status = VersionStatus.PUBLISHED
    effective_from = factory.LazyFunction(lambda: timezone.localdate())
    published_at = factory.LazyFunction(timezone.now)
    name = factory.LazyAttribute(lambda o: o.item.name)
    department = factory.LazyAttribute(lambda o: o.item.department)
    item_type = ItemType.LICENSING
    conditions = "符合法定条件。"
    statutory_days = 20
    promised_days = 10
    channels = ["online", "counter"]
    online_depth = "4"

    @factory.post_generation
    def materials(obj, create, extracted, **kwargs):
        if not create:
            return
        names = extracted if extracted is not None else ["申请书", "身份证明"]
        for i, name in enumerate(names, start=1):
            models.Material.objects.create(
                version=obj,
                order=i,
                name=name,
                requirement=MaterialRequirement.REQUIRED,
                original_count=1,
                copy_count=1,
            )
