"""HTTP contract of the read-only catalogue API (/api/v1/catalog/)."""

import pytest
from rest_framework.test import APIClient

from zhengtong.catalog import search
from zhengtong.catalog.constants import ItemType
from zhengtong.catalog.tests.factories import (
    CounterFactory,
    DepartmentFactory,
    HallFactory,
    RegionFactory,
    ServiceItemFactory,
)
from zhengtong.catalog.tests.helpers import (
    FULL_CODE,
    add_draft_version,
    add_retired_version,
    draft_item,
    full_item,
)

pytestmark = pytest.mark.django_db

ITEMS = "/api/v1/catalog/items/"


@pytest.fixture(autouse=True)
def _fresh_index():
    search.index_clear()
    yield
    search.index_clear()


@pytest.fixture
def api():
    return APIClient()


def test_list_by_code_is_the_stable_interface(api, settings):
    # Links to public pages use the one public address, not the Host header.
    settings.PUBLIC_BASE_URL = "https://zwfw.example.gov.cn/"
    item = full_item()
    ServiceItemFactory()
    resp = api.get(ITEMS, {"code": FULL_CODE})
    assert resp.status_code == 200
    body = resp.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["item_code"] == FULL_CODE  # byte-exact
    assert row["item_name"] == "固定资产投资项目节能审查"
    assert row["department"] == "区行政审批局"
    base = "https://zwfw.example.gov.cn"
    assert row["guide_pdf_url"] == f"{base}/items/{item.pk}/guide.pdf"
    assert row["guide_url"] == f"{base}/items/{item.pk}/"
    pdf = api.get(row["guide_pdf_url"].removeprefix(base))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"


def test_code_must_match_byte_for_byte(api):
    full_item()
    for near in (FULL_CODE.lower(), FULL_CODE + " ", FULL_CODE[:-1]):
        assert api.get(ITEMS, {"code": near}).json()["count"] == 0


def test_unpublished_items_are_never_listed(api):
    hidden = draft_item(name="社会保障卡注销")
    body = api.get(ITEMS, {"code": hidden.item_code}).json()
    assert body["count"] == 0
    assert api.get(ITEMS, {"q": "社会保障卡"}).json()["count"] == 0
    assert api.get(f"{ITEMS}{hidden.pk}/").status_code == 404


def test_keyword_and_filters(api):
    dept = DepartmentFactory(name="区人社局")
    card = ServiceItemFactory(
        name="社会保障卡申领",
        department=dept,
        item_type=ItemType.PUBLIC_SERVICE,
        online_available=True,
    )
    arrears = ServiceItemFactory(
        name="企业职工社会保险费欠费补缴申报",
        department=dept,
        item_type=ItemType.PUBLIC_SERVICE,
    )
    licence = ServiceItemFactory(name="个体工商户设立登记")

    def names(params):
        return [r["item_name"] for r in api.get(ITEMS, params).json()["results"]]

    assert set(names({"q": "社保"})) == {card.name, arrears.name}
    assert names({"q": "营业执照"}) == [licence.name]
    assert names({"q": "社保", "online": "true"}) == [card.name]
    assert set(names({"department": dept.pk})) == {card.name, arrears.name}
    assert set(names({"type": "20"})) == {card.name, arrears.name}
    assert names({"type": "1"}) == [licence.name]  # Sichuan one-digit code
    assert names({"online": "false", "department": dept.pk}) == [arrears.name]


def test_pagination(api):
    for _ in range(5):
        ServiceItemFactory()
    body = api.get(ITEMS, {"page_size": 2, "page": 3}).json()
    assert body["count"] == 5
    assert len(body["results"]) == 1
    assert body["next"] is None and body["previous"]


@pytest.mark.parametrize(
    ("params", "code", "fragment"),
    [
        ({"page": "abc"}, "invalid_page", "page"),
        ({"page": "0"}, "invalid_page", "page"),
        ({"page": "-1"}, "invalid_page", "page"),
        ({"page": "99"}, "invalid_page", "页码超出范围"),
        ({"page_size": "1000"}, "invalid_parameter", "不能超过"),
        ({"page_size": "x"}, "invalid_parameter", "page_size"),
        ({"type": "xyz"}, "invalid_parameter", "事项类型"),
        ({"department": "abc"}, "invalid_parameter", "部门"),
        ({"department": "1" * 40}, "invalid_parameter", "部门"),
        ({"online": "maybe"}, "invalid_parameter", "online"),
        ({"q": "社" * 101}, "invalid_parameter", "过长"),
        ({"code": "x" * 200}, "invalid_parameter", "过长"),
    ],
)
def test_bad_parameters_get_400_with_chinese_message(api, params, code, fragment):
    ServiceItemFactory()
    resp = api.get(ITEMS, params)
    assert resp.status_code == 400
    body = resp.json()
    assert body["code"] == code
    assert fragment in body["message"]


def test_detail_carries_the_full_current_guide(api):
    item = full_item()
    counter = CounterFactory(number="8")
    counter.items.add(item)
    add_retired_version(item, 1)
    add_draft_version(item, 3)
    body = api.get(f"{ITEMS}{item.pk}/").json()
    assert body["item_code"] == FULL_CODE
    assert body["versions"] == [2, 1]
    guide = body["guide"]
    assert guide["version"] == 2
    assert guide["statutory_limit"] == {
        "days": 20,
        "unit": "working",
        "unit_name": "工作日",
        "note": "自受理之日起计算",
    }
    assert guide["promised_limit"]["days"] == 5
    assert [m["name"] for m in guide["materials"]] == ["节能报告", "委托书"]
    first = guide["materials"][0]
    assert (first["original_count"], first["copy_count"]) == (1, 2)
    assert first["requirement_name"] == "必要"
    assert first["tolerance_allowed"] is True
    assert guide["materials"][1]["requirement"] == "conditional"
    assert guide["legal_bases"][0]["clause_number"] == "第八条"
    assert guide["fees"][0]["amount_yuan"] == "200.00"
    assert guide["is_free"] is False
    assert guide["special_procedures"][0]["days"] == 15
    assert guide["faqs"][0]["question"] == "是否所有项目都要审查？"
    assert guide["service_object_name"] == "法人"
    assert guide["max_visits"] == 1
    assert {c["code"] for c in guide["channels"]} == {"online", "counter"}


def test_detail_of_missing_item_is_json_404(api):
    resp = api.get(f"{ITEMS}999999/")
    assert resp.status_code == 404
    assert resp.json()["code"] == "not_found"


def test_versions_older_readable_draft_not(api):
    item = full_item()
    add_retired_version(item, 1)
    add_draft_version(item, 3)
    listing = api.get(f"{ITEMS}{item.pk}/versions/").json()
    assert [v["version"] for v in listing["results"]] == [2, 1]
    old = api.get(f"{ITEMS}{item.pk}/versions/1/")
    assert old.status_code == 200
    assert old.json()["status"] == "retired"
    assert old.json()["promised_limit"]["days"] == 8
    assert api.get(f"{ITEMS}{item.pk}/versions/3/").status_code == 404


def test_departments_types_regions(api):
    dept = DepartmentFactory(name="区人社局", credit_code="11511301MB1234567X")
    ServiceItemFactory(department=dept)
    draft_item().department  # noqa: B018
    depts = api.get("/api/v1/catalog/departments/").json()["results"]
    row = next(d for d in depts if d["id"] == dept.pk)
    assert row["item_count"] == 1
    assert row["region_code"] == "511602000000"
    one = api.get(f"/api/v1/catalog/departments/{dept.pk}/")
    assert one.json()["name"] == "区人社局"
    assert api.get("/api/v1/catalog/departments/999999/").status_code == 404
    types = api.get("/api/v1/catalog/item-types/").json()["results"]
    assert {"code": "01", "name": "行政许可", "item_count": 1} in types
    RegionFactory()
    regions = api.get("/api/v1/catalog/regions/").json()["results"]
    assert regions[0]["code"] == "511602000000"


def test_halls_and_counters(api):
    hall = HallFactory(name="区政务服务中心")
    item = ServiceItemFactory()
    counter = CounterFactory(hall=hall, number="7", name="公安窗口")
    counter.departments.add(item.department)
    counter.items.add(item)
    CounterFactory(hall=hall, number="9", is_active=False)
    halls = api.get("/api/v1/catalog/halls/").json()["results"]
    assert [c["number"] for c in halls[0]["counters"]] == ["7"]
    assert halls[0]["counters"][0]["departments"] == [item.department.name]
    assert api.get(f"/api/v1/catalog/halls/{hall.pk}/").status_code == 200
    assert api.get("/api/v1/catalog/halls/999999/").status_code == 404
    by_item = api.get("/api/v1/catalog/counters/", {"item": item.pk}).json()
    assert [c["number"] for c in by_item["results"]] == ["7"]
    bad = api.get("/api/v1/catalog/counters/", {"hall": "x"})
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_parameter"


def test_catalogue_api_is_read_only(api):
    item = full_item()
    for url in (ITEMS, f"{ITEMS}{item.pk}/", "/api/v1/catalog/departments/"):
        resp = api.post(url, {"name": "x"}, format="json")
        assert resp.status_code == 405
        assert resp.json()["code"] == "method_not_allowed"


def test_list_costs_constant_queries(api, django_assert_max_num_queries):
    for _ in range(30):
        ServiceItemFactory()
    with django_assert_max_num_queries(3):
        assert len(api.get(ITEMS, {"page_size": 30}).json()["results"]) == 30
