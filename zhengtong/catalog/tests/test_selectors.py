"""Public catalogue reads: visibility (published only), filters, query counts."""

import pytest

from zhengtong.catalog import search, selectors
from zhengtong.catalog.constants import ItemType, VersionStatus
from zhengtong.catalog.tests.factories import (
    CounterFactory,
    DepartmentFactory,
    HallFactory,
    ServiceItemFactory,
)
from zhengtong.catalog.tests.helpers import (
    FULL_CODE,
    add_draft_version,
    add_retired_version,
    draft_item,
    full_item,
)
from zhengtong.core.errors import NotFoundError

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_index():
    search.index_clear()
    yield
    search.index_clear()


class TestItemListPublic:
    def test_only_items_with_a_published_current_version_are_listed(self):
        public = ServiceItemFactory(name="公开事项")
        hidden = draft_item()
        no_version = ServiceItemFactory(name="无版本事项", published=False)
        listed = list(selectors.item_list_public())
        assert public in listed
        assert hidden not in listed
        assert no_version not in listed

    def test_filters_by_department_type_and_online(self):
        dept = DepartmentFactory()
        a = ServiceItemFactory(department=dept, online_available=True)
        b = ServiceItemFactory(
            department=dept, item_type=ItemType.PUBLIC_SERVICE, online_available=False
        )
        c = ServiceItemFactory()
        assert set(selectors.item_list_public(department_id=dept.pk)) == {a, b}
        assert list(selectors.item_list_public(item_type=ItemType.PUBLIC_SERVICE)) == [
            b
        ]
        online = set(selectors.item_list_public(online=True))
        assert a in online and b not in online and c not in online
        assert set(selectors.item_list_public(online=False)) == {b, c}

    def test_keyword_search_returns_ranked_lazy_sequence(self):
        first = ServiceItemFactory(name="社会保障卡申领")
        second = ServiceItemFactory(name="社会保障卡挂失补办业务")
        ServiceItemFactory(name="采矿权延续登记")
        result = selectors.item_list_public(q="社会保障卡申领")
        assert isinstance(result, selectors.RankedItems)
        assert result.count() == len(result) >= 1
        assert result[0] == first
        assert result[:2][0] == first
        assert second.pk in result.ids or len(result) == 1

    def test_keyword_search_respects_filters(self):
        dept = DepartmentFactory()
        inside = ServiceItemFactory(name="户口登记", department=dept)
        ServiceItemFactory(name="户口迁移")
        result = selectors.item_list_public(q="户口", department_id=dept.pk)
        assert list(result) == [inside]

    def test_ranked_page_drops_items_unpublished_since_indexing(self):
        item = ServiceItemFactory(name="社会保障卡申领")
        result = selectors.item_list_public(q="社会保障卡")
        item.current_version.status = VersionStatus.RETIRED
        item.current_version.save(update_fields=["status"])
        assert list(result[:10]) == []

    def test_list_page_costs_constant_queries(self, django_assert_max_num_queries):
        for _ in range(25):
            ServiceItemFactory()
        with django_assert_max_num_queries(2):
            rows = list(selectors.item_list_public()[:20])
            for row in rows:
                _ = (row.department.name, row.current_version.promised_days)
        search.index_get()  # built outside the measured block
        with django_assert_max_num_queries(3):
            rows = list(selectors.item_list_public(q="测试事项")[:20])
            for row in rows:
                _ = (row.department.name, row.current_version.promised_days)
        assert len(rows) == 20


class TestItemGetPublic:
    def test_by_id_and_by_byte_exact_code(self):
        item = full_item()
        assert selectors.item_get_public(item_id=item.pk) == item
        assert selectors.item_get_public(code=FULL_CODE) == item
        for near in (FULL_CODE.lower(), " " + FULL_CODE, FULL_CODE + "\n"):
            with pytest.raises(NotFoundError):
                selectors.item_get_public(code=near)

    def test_unpublished_item_is_not_found(self):
        item = draft_item()
        with pytest.raises(NotFoundError):
            selectors.item_get_public(item_id=item.pk)
        with pytest.raises(NotFoundError):
            selectors.item_get_public()

    def test_guide_loads_every_element_in_constant_queries(
        self, django_assert_max_num_queries
    ):
        item = full_item()
        with django_assert_max_num_queries(7):
            guide = selectors.item_guide_get(item=item)
            assert [m.name for m in guide.materials.all()] == ["节能报告", "委托书"]
            assert guide.legal_bases.all()[0].clause_number == "第八条"
            assert len(guide.fees.all()) == 1
            assert len(guide.special_procedures.all()) == 1
            assert len(guide.faqs.all()) == 1
            assert guide.department.name == "区行政审批局"


class TestItemVersions:
    def test_retired_versions_are_readable_drafts_are_not(self):
        item = full_item()
        add_retired_version(item, 1)
        add_draft_version(item, 3)
        assert selectors.item_version_get(item, 1).status == VersionStatus.RETIRED
        assert selectors.item_version_get(item, 2).pk == item.current_version_id
        with pytest.raises(NotFoundError):
            selectors.item_version_get(item, 3)
        with pytest.raises(NotFoundError):
            selectors.item_version_get(item, 42)
        assert [v.version for v in selectors.item_version_list(item=item)] == [2, 1]


class TestDepartmentsTypesHalls:
    def test_department_counts_only_published_items(self):
        dept = DepartmentFactory(name="区人社局")
        ServiceItemFactory(department=dept)
        ServiceItemFactory(department=dept)
        hidden = draft_item()
        hidden.department = dept
        hidden.save(update_fields=["department"])
        found = selectors.department_get_public(department_id=dept.pk)
        assert found.item_count == 2
        empty = DepartmentFactory()
        ids = [d.pk for d in selectors.department_list_public(with_items_only=True)]
        assert dept.pk in ids and empty.pk not in ids
        with pytest.raises(NotFoundError):
            selectors.department_get_public(department_id=10**9)

    def test_item_types_list_every_type_with_counts(self):
        ServiceItemFactory(item_type=ItemType.LICENSING)
        draft_item()
        types = {t["code"]: t for t in selectors.item_type_list_public()}
        assert set(types) == set(ItemType.values)
        assert types["01"]["item_count"] == 1
        assert types["01"]["name"] == "行政许可"

    def test_item_counters_prefer_direct_assignment_then_department(self):
        hall = HallFactory()
        item = ServiceItemFactory()
        by_dept = CounterFactory(hall=hall, number="3")
        by_dept.departments.add(item.department)
        assert selectors.item_counters(item=item) == [by_dept]
        direct = CounterFactory(hall=hall, number="5")
        direct.items.add(item)
        assert selectors.item_counters(item=item) == [direct]
        inactive = CounterFactory(hall=hall, number="6", is_active=False)
        inactive.items.add(item)
        assert inactive not in selectors.item_counters(item=item)

    def test_popular_items_are_published_items(self):
        card = ServiceItemFactory(name="社会保障卡申领")
        draft_item(name="居民身份证办理")
        popular = selectors.item_list_popular(limit=4)
        assert popular[0] == card
        assert all(i.current_version.status == "published" for i in popular)
