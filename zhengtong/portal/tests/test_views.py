"""Portal pages: home, search, guide (every element), versions, PDF."""

import io

import pytest
from pypdf import PdfReader

from zhengtong.catalog.tests.factories import DepartmentFactory, ServiceItemFactory
from zhengtong.catalog.tests.helpers import (
    FULL_CODE,
    add_draft_version,
    add_retired_version,
    counter_for,
    draft_item,
    full_item,
)

pytestmark = pytest.mark.django_db


def text(resp) -> str:
    return resp.content.decode()


class TestHome:
    def test_shows_search_departments_types_and_popular(self, client):
        dept = DepartmentFactory(name="区人社局")
        ServiceItemFactory(name="社会保障卡申领", department=dept)
        draft_item(name="居民身份证办理")
        resp = client.get("/")
        assert resp.status_code == 200
        page = text(resp)
        assert 'name="q"' in page
        assert "区人社局" in page and "1 项" in page
        assert "行政许可" in page
        assert "社会保障卡申领" in page
        assert "居民身份证办理" not in page

    def test_large_text_cookie_enlarges_the_page(self, client):
        ServiceItemFactory()
        client.cookies["large_text"] = "1"
        assert 'class="large-text portal-page' in text(client.get("/")).replace(
            "large-text  portal-page", "large-text portal-page"
        )


class TestSearch:
    def test_keyword_results_are_ranked(self, client):
        ServiceItemFactory(name="社会保障卡申领")
        ServiceItemFactory(name="采矿权延续登记")
        page = text(client.get("/items/", {"q": "社保卡"}))
        assert "社会保障卡申领" in page
        assert "采矿权延续登记" not in page
        assert "共找到 <strong>1</strong> 项" in page

    def test_filters_by_department_type_online(self, client):
        dept = DepartmentFactory()
        ServiceItemFactory(name="甲事项", department=dept, online_available=True)
        ServiceItemFactory(name="乙事项", online_available=False)
        page = text(client.get("/items/", {"department": dept.pk}))
        assert "甲事项" in page and "乙事项" not in page
        page = text(client.get("/items/", {"online": "true"}))
        assert "甲事项" in page and "乙事项" not in page
        page = text(client.get("/items/", {"type": "20"}))
        assert "共找到 <strong>0</strong> 项" in page

    @pytest.mark.parametrize(
        "params",
        [
            {"type": "xyz"},
            {"department": "abc"},
            {"online": "maybe"},
            {"page": "abc"},
            {"page": "99999"},
            {"q": "社" * 300},
            {"q": "<script>alert(1)</script>"},
        ],
    )
    def test_bad_input_never_500(self, client, params):
        ServiceItemFactory(name="甲事项")
        resp = client.get("/items/", params)
        assert resp.status_code == 200
        assert "<script>alert(1)</script>" not in text(resp)

    def test_bad_filter_is_explained_and_ignored(self, client):
        ServiceItemFactory(name="甲事项")
        page = text(client.get("/items/", {"type": "xyz"}))
        assert "事项类型“xyz”无效" in page
        assert "甲事项" in page

    def test_pagination(self, client):
        for i in range(25):
            ServiceItemFactory(name=f"分页事项{i:02d}")
        page = text(client.get("/items/", {"page": 2}))
        assert "第 2 / 2 页" in page
        assert page.count('class="p-item"') == 5

    def test_htmx_request_gets_only_the_result_list(self, client):
        ServiceItemFactory(name="社会保障卡申领")
        resp = client.get(
            "/items/",
            {"q": "社保卡"},
            headers={"HX-Request": "true", "HX-Target": "results"},
        )
        page = text(resp)
        assert page.lstrip().startswith('<div id="results"')
        assert "<html" not in page


class TestGuide:
    def test_shows_every_element(self, client):
        item = full_item()
        counter_for(item)
        page = text(client.get(f"/items/{item.pk}/"))
        for fragment in (
            "固定资产投资项目节能审查",
            FULL_CODE,
            "行政许可",
            "区行政审批局",
            "法人",  # service object
            "项目已完成备案。",  # conditions
            "法定时限",
            "20 个工作日",
            "5 个工作日",
            "机构评审",  # special procedure
            "节能报告",
            "原件 1 份",
            "复印件 2 份",
            "可容缺",
            "情形",  # conditional material
            "委托代理时提供",
            "需编制单位盖章",
            "评审费",
            "200.00",
            "网上办理",
            "全程网办",
            "最多跑 1 次",
            "区政务服务中心一楼",
            "工作日 9:00-17:00",
            "0826-1234567",
            "0826-7654321",
            "节能审查意见",  # result name
            "固定资产投资项目节能审查办法",  # legal basis
            "第八条",
            "是否所有项目都要审查？",  # FAQ
            "8 号窗口",
            "下载 PDF",
            "打印",
        ):
            assert fragment in page, fragment

    def test_unknown_limits_read_ask_at_the_counter(self, client):
        item = ServiceItemFactory(
            published__statutory_days=None, published__promised_days=None
        )
        page = text(client.get(f"/items/{item.pk}/"))
        assert page.count("以窗口告知为准") >= 2

    def test_apply_button_only_for_online_items(self, client):
        online = ServiceItemFactory(online_available=True)
        offline = ServiceItemFactory(online_available=False)
        assert f"/cases/apply/{online.pk}/" in text(client.get(f"/items/{online.pk}/"))
        page = text(client.get(f"/items/{offline.pk}/"))
        assert "/cases/apply/" not in page and "在线申请" not in page

    def test_unpublished_or_missing_item_is_404(self, client):
        assert client.get(f"/items/{draft_item().pk}/").status_code == 404
        assert client.get("/items/999999/").status_code == 404
        assert client.get("/items/999999/guide.pdf").status_code == 404

    def test_older_version_readable_draft_not(self, client):
        item = full_item()
        add_retired_version(item, 1)
        add_draft_version(item, 3)
        old = client.get(f"/items/{item.pk}/v/1/")
        assert old.status_code == 200
        page = text(old)
        assert "历史版本" in page and "8 个工作日" in page
        assert "在线申请" not in page
        assert client.get(f"/items/{item.pk}/v/3/").status_code == 404
        current = text(client.get(f"/items/{item.pk}/"))
        assert f"/items/{item.pk}/v/1/" in current
        assert "草稿" not in current

    def test_guide_page_costs_bounded_queries(
        self, client, django_assert_max_num_queries
    ):
        item = full_item()
        counter_for(item)
        with django_assert_max_num_queries(14):
            assert client.get(f"/items/{item.pk}/").status_code == 200


class TestGuidePdf:
    def test_is_a_real_pdf_with_chinese_text(self, client):
        item = full_item()
        resp = client.get(f"/items/{item.pk}/guide.pdf")
        assert resp.status_code == 200
        assert resp["Content-Type"] == "application/pdf"
        reader = PdfReader(io.BytesIO(resp.content))
        content = "".join(p.extract_text() for p in reader.pages)
        assert "固定资产投资项目节能审查" in content
        assert "办事指南" in content
        assert "节能报告" in content
        assert FULL_CODE in content
        assert "生成日期" in content
        assert "第 1 页" in content
        fonts = str(reader.pages[0]["/Resources"]["/Font"])
        assert fonts  # embedded subset fonts (checked by pypdf reading back text)

    def test_second_download_is_served_from_cache(
        self, client, django_assert_max_num_queries
    ):
        item = full_item()
        first = client.get(f"/items/{item.pk}/guide.pdf").content
        with django_assert_max_num_queries(1):
            second = client.get(f"/items/{item.pk}/guide.pdf").content
        assert first == second


class TestDepartment:
    def test_lists_the_departments_published_items(self, client):
        dept = DepartmentFactory(name="区民政局")
        ServiceItemFactory(name="结婚登记预约", department=dept)
        hidden = draft_item(name="离婚登记预约")
        hidden.department = dept
        hidden.save(update_fields=["department"])
        resp = client.get(f"/departments/{dept.pk}/")
        page = text(resp)
        assert "区民政局" in page and "结婚登记预约" in page
        assert "离婚登记预约" not in page
        assert client.get("/departments/999999/").status_code == 404
