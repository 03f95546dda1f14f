"""Chinese keyword search: segmentation, synonyms, ranking, filters, cache."""

import pytest

from zhengtong.catalog import search
from zhengtong.catalog.constants import ItemType
from zhengtong.catalog.tests.factories import DepartmentFactory, ServiceItemFactory
from zhengtong.catalog.tests.helpers import add_draft_version, draft_item

pytestmark = pytest.mark.django_db

NAMES = [
    ("社会保障卡申领", "区人社局", ItemType.PUBLIC_SERVICE, True),
    ("企业职工社会保险费欠费补缴申报", "区人社局", ItemType.PUBLIC_SERVICE, False),
    ("高校毕业生社保补贴申领", "区人社局", ItemType.PUBLIC_SERVICE, True),
    ("个体工商户设立登记", "区行政审批局", ItemType.LICENSING, True),
    ("机动车驾驶证补证", "区公安分局", ItemType.LICENSING, False),
    ("居民身份证办理（包括临时）", "区公安分局", ItemType.PUBLIC_SERVICE, False),
    ("户口登记", "区公安分局", ItemType.PUBLIC_SERVICE, False),
    ("医保电子凭证申领", "区医疗保障局", ItemType.PUBLIC_SERVICE, True),
    ("住房公积金提取", "区住建局", ItemType.PUBLIC_SERVICE, True),
    ("采矿权延续登记", "区自然资源和规划局", ItemType.LICENSING, False),
    ("道路旅客运输经营许可", "区交通运输局", ItemType.LICENSING, False),
]


@pytest.fixture(autouse=True)
def _fresh_index():
    search.index_clear()
    yield
    search.index_clear()


@pytest.fixture
def catalogue():
    depts: dict[str, object] = {}
    items = {}
    for name, dept_name, item_type, online in NAMES:
        dept = depts.get(dept_name) or DepartmentFactory(name=dept_name)
        depts[dept_name] = dept
        items[name] = ServiceItemFactory(
            name=name, department=dept, item_type=item_type, online_available=online
        )
    return items


def names(ids, catalogue):
    by_id = {item.pk: name for name, item in catalogue.items()}
    return [by_id[i] for i in ids]


def test_tokenize_keeps_domain_words_whole():
    tokens = search.tokenize("申领社会保障卡和营业执照")
    assert "社会保障卡" in tokens
    assert "营业执照" in tokens
    assert "和" not in tokens


def test_shebao_finds_social_insurance_items(catalogue):
    found = names(search.item_search(q="社保"), catalogue)
    assert found[0] == "高校毕业生社保补贴申领"  # exact word in the name first
    assert "社会保障卡申领" in found
    assert "企业职工社会保险费欠费补缴申报" in found
    assert "采矿权延续登记" not in found
    assert "道路旅客运输经营许可" not in found


def test_business_licence_finds_registration_by_synonym(catalogue):
    found = names(search.item_search(q="营业执照"), catalogue)
    assert found[0] == "个体工商户设立登记"
    assert "采矿权延续登记" not in found


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("驾照", "机动车驾驶证补证"),
        ("身份证", "居民身份证办理（包括临时）"),
        ("医保", "医保电子凭证申领"),
        ("公积金", "住房公积金提取"),
        ("户口", "户口登记"),
        ("社保卡", "社会保障卡申领"),
        ("社会保障卡申领", "社会保障卡申领"),
    ],
)
def test_everyday_words_rank_the_right_item_first(catalogue, query, expected):
    assert names(search.item_search(q=query), catalogue)[0] == expected


def test_exact_name_substring_ranks_before_partial_matches(catalogue):
    found = names(search.item_search(q="社会保障卡"), catalogue)
    assert found[0] == "社会保障卡申领"


def test_pinyin_initials_match_for_kiosk_input(catalogue):
    found = names(search.item_search(q="shbzk"), catalogue)
    assert found == ["社会保障卡申领"]


def test_filters_apply_to_search(catalogue):
    dept = catalogue["社会保障卡申领"].department_id
    online = names(search.item_search(q="社保", online=True), catalogue)
    assert "企业职工社会保险费欠费补缴申报" not in online
    assert "社会保障卡申领" in online
    in_dept = search.item_search(q="登记", department_id=dept)
    assert in_dept == []
    licensing = names(
        search.item_search(q="登记", item_type=ItemType.LICENSING), catalogue
    )
    assert "户口登记" not in licensing
    assert "个体工商户设立登记" in licensing


@pytest.mark.parametrize("query", ["", "   ", "！！！", "zzzzqqq"])
def test_empty_or_meaningless_query_finds_nothing(catalogue, query):
    assert search.item_search(q=query) == []


def test_unpublished_items_are_not_indexed(catalogue):
    draft_item(name="社会保障卡注销（草稿）")
    found = names_or_none(search.item_search(q="社会保障卡"), catalogue)
    assert None not in found


def test_draft_version_of_public_item_is_not_what_gets_indexed(catalogue):
    item = catalogue["采矿权延续登记"]
    add_draft_version(item)
    assert search.item_search(q="采矿权延续登记") == [item.pk]
    assert search.item_search(q="草稿") == []


def names_or_none(ids, catalogue):
    by_id = {item.pk: name for name, item in catalogue.items()}
    return [by_id.get(i) for i in ids]


def test_index_is_cached_and_rebuilt_when_catalogue_changes(catalogue):
    first = search.index_get()
    assert search.index_get() is first  # no rebuild when nothing changed
    before = search.item_search(q="结婚")
    new = ServiceItemFactory(name="中国内地公民婚姻登记")
    assert new.pk not in before
    assert search.index_get() is not first
    assert search.item_search(q="结婚")[0] == new.pk
