"""Portal caches: whole pages for visitors without a session, rendered rows."""

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from zhengtong.accounts.services import user_create
from zhengtong.catalog import services
from zhengtong.catalog.tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


def text(resp) -> str:
    return resp.content.decode()


def republish(item, **data):
    """Publish a new version of ``item`` through the catalogue services."""
    draft = services.item_version_create_draft(
        item=item, data={"name": item.name, **data}
    )
    services.item_version_publish(version=draft, effective_from=timezone.localdate())
    item.refresh_from_db()
    return item


class TestPublicPageCache:
    @override_settings(CATALOG_SEARCH_RECHECK_SECONDS=60)
    def test_second_anonymous_visit_asks_the_database_nothing(
        self, client, django_assert_num_queries
    ):
        item = ServiceItemFactory(name="社会保障卡申领")
        first = client.get(f"/items/{item.pk}/")
        assert first.status_code == 200
        with django_assert_num_queries(0):
            second = client.get(f"/items/{item.pk}/")
        assert second.status_code == 200
        assert second.content == first.content
        assert second["Content-Type"].startswith("text/html")

    def test_a_published_change_shows_at_once(self, client):
        item = ServiceItemFactory(name="社会保障卡申领")
        assert "社会保障卡申领" in text(client.get(f"/items/{item.pk}/"))
        republish(item, name="社会保障卡补领")
        page = text(client.get(f"/items/{item.pk}/"))
        assert "社会保障卡补领" in page
        results = text(client.get("/items/", {"q": "社会保障卡"}))
        assert "社会保障卡补领" in results
        assert "社会保障卡申领" not in results

    def test_logged_in_pages_are_never_shared(self, client):
        item = ServiceItemFactory()
        user_create(username="zhangsan", password="pw-123456", display_name="张三")
        client.get(f"/items/{item.pk}/")  # anonymous copy stored
        assert client.login(username="zhangsan", password="pw-123456")
        mine = text(client.get(f"/items/{item.pk}/"))
        assert "退出" in mine
        client.logout()
        client.cookies.clear()
        anonymous = text(client.get(f"/items/{item.pk}/"))
        assert "退出" not in anonymous and "zhangsan" not in anonymous

    def test_large_text_and_standard_pages_are_stored_apart(self, client):
        item = ServiceItemFactory()
        assert (
            "large-text" not in text(client.get(f"/items/{item.pk}/")).split("<head")[0]
        )
        client.cookies["large_text"] = "1"
        assert '<html lang="zh-Hans" class="large-text">' in text(
            client.get(f"/items/{item.pk}/")
        )
        del client.cookies["large_text"]
        assert 'class="large-text"' not in text(client.get(f"/items/{item.pk}/"))

    def test_htmx_fragment_and_full_page_are_stored_apart(self, client):
        ServiceItemFactory(name="社会保障卡申领")
        full = text(client.get("/items/", {"q": "社保"}))
        fragment = text(
            client.get(
                "/items/",
                {"q": "社保"},
                headers={"HX-Request": "true", "HX-Target": "results"},
            )
        )
        assert "<html" in full and "<html" not in fragment
        assert "<html" in text(client.get("/items/", {"q": "社保"}))

    def test_not_found_is_not_stored(self, client):
        item = ServiceItemFactory(published=False)
        assert client.get(f"/items/{item.pk}/").status_code == 404
        draft = services.item_version_create_draft(
            item=item, data={"name": item.name}, first=True
        )
        services.item_version_publish(
            version=draft, effective_from=timezone.localdate()
        )
        assert client.get(f"/items/{item.pk}/").status_code == 200

    @override_settings(CATALOG_SEARCH_RECHECK_SECONDS=60, PUBLIC_PAGE_CACHE_SECONDS=0)
    def test_switched_off_every_visit_renders(self, client):
        item = ServiceItemFactory()
        client.get(f"/items/{item.pk}/")
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/items/{item.pk}/")
        assert len(queries) > 0


class TestRows:
    def test_search_and_department_pages_show_each_row_once(self, client):
        items = [ServiceItemFactory(name=f"社会保障卡业务{i}") for i in range(3)]
        page = text(client.get("/items/", {"q": "社会保障卡"}))
        for item in items:
            assert page.count(f'href="/items/{item.pk}/"') == 1
        dept_page = text(client.get(f"/departments/{items[0].department_id}/"))
        assert f'href="/items/{items[0].pk}/"' in dept_page

    def test_a_withdrawn_item_leaves_the_rows(self, client):
        keep = ServiceItemFactory(name="社会保障卡申领")
        gone = ServiceItemFactory(name="社会保障卡挂失")
        assert "社会保障卡挂失" in text(client.get("/items/", {"q": "社会保障卡"}))
        version = gone.current_version
        version.status = "retired"
        version.save()
        page = text(client.get("/items/", {"q": "社会保障卡"}))
        assert "社会保障卡挂失" not in page
        assert "社会保障卡申领" in page and keep.pk
