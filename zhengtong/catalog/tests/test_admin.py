"""Catalogue admin: pages load for a superuser, are closed to others."""

import datetime
import io

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from zhengtong.accounts.models import User
from zhengtong.catalog.constants import VersionStatus
from zhengtong.catalog.exporters import catalog_template_xlsx
from zhengtong.catalog.models import ServiceItem, ServiceItemVersion
from zhengtong.catalog.services import item_version_create_draft
from zhengtong.core.models import AuditEvent

from .factories import CounterFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root", "root@example.com", "pw")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def item():
    return ServiceItemFactory(published__promised_days=5)


class TestSmoke:
    @pytest.mark.parametrize(
        "model",
        [
            "region",
            "department",
            "hall",
            "counter",
            "serviceitem",
            "serviceitemversion",
        ],
    )
    def test_changelists_load(self, admin_client, item, model):
        CounterFactory()
        response = admin_client.get(reverse(f"admin:catalog_{model}_changelist"))
        assert response.status_code == 200

    def test_item_list_offers_template_and_export(self, admin_client, item):
        response = admin_client.get(reverse("admin:catalog_serviceitem_changelist"))
        content = response.content.decode()
        assert "下载导入模板" in content
        assert "导出全部事项" in content
        assert item.name in content

    def test_search_by_code(self, admin_client, item):
        other = ServiceItemFactory()
        url = reverse("admin:catalog_serviceitem_changelist")
        response = admin_client.get(url, {"q": item.item_code})
        assert item.name in response.content.decode()
        assert other.name not in response.content.decode()

    def test_change_pages_load(self, admin_client, item):
        for url in [
            reverse("admin:catalog_serviceitem_change", args=[item.pk]),
            reverse(
                "admin:catalog_serviceitemversion_change",
                args=[item.current_version_id],
            ),
            reverse("admin:catalog_department_change", args=[item.department_id]),
        ]:
            assert admin_client.get(url).status_code == 200

    def test_downloads(self, admin_client, item):
        template = admin_client.get(reverse("admin:catalog_serviceitem_template"))
        assert template.status_code == 200
        assert "spreadsheetml" in template["Content-Type"]
        export = admin_client.get(reverse("admin:catalog_serviceitem_export"))
        book = load_workbook(io.BytesIO(export.content))
        assert book["事项"]["A2"].value == item.item_code


class TestAccess:
    def test_anonymous_is_sent_to_login(self, client):
        for name in [
            "admin:catalog_serviceitem_changelist",
            "admin:catalog_serviceitem_export",
            "admin:catalog_serviceitem_template",
            "admin:catalog_serviceitem_import",
        ]:
            response = client.get(reverse(name))
            assert response.status_code == 302
            assert "/login/" in response["Location"]

    def test_staff_without_permission_is_refused(self, client):
        staff = User.objects.create_user("clerk", password="pw", is_staff=True)
        client.force_login(staff)
        assert (
            client.get(reverse("admin:catalog_serviceitem_changelist")).status_code
            == 403
        )
        assert (
            client.get(reverse("admin:catalog_serviceitem_export")).status_code == 403
        )
        assert (
            client.get(reverse("admin:catalog_serviceitem_import")).status_code == 403
        )

    def test_view_only_staff_can_export_but_not_import(self, client, item):
        staff = User.objects.create_user("viewer", password="pw", is_staff=True)
        staff.user_permissions.add(Permission.objects.get(codename="view_serviceitem"))
        client.force_login(staff)
        assert (
            client.get(reverse("admin:catalog_serviceitem_export")).status_code == 200
        )
        assert (
            client.get(reverse("admin:catalog_serviceitem_import")).status_code == 403
        )


class TestImportView:
    def test_upload_template_imports_and_reports(self, admin_client):
        upload = SimpleUploadedFile("模板.xlsx", catalog_template_xlsx())
        response = admin_client.post(
            reverse("admin:catalog_serviceitem_import"),
            {"file": upload, "publish": "on", "effective_from": "2025-01-01"},
        )
        assert response.status_code == 200
        assert "新增 1" in response.content.decode()
        item = ServiceItem.objects.get()
        assert item.current_version.effective_from == datetime.date(2025, 1, 1)

    def test_wrong_file_type_is_refused(self, admin_client):
        upload = SimpleUploadedFile("a.txt", b"hello")
        response = admin_client.post(
            reverse("admin:catalog_serviceitem_import"), {"file": upload}
        )
        assert "只接受 .xlsx 或 .jsonl 文件" in response.content.decode()
        assert ServiceItem.objects.count() == 0

    def test_broken_xlsx_shows_message(self, admin_client):
        upload = SimpleUploadedFile("a.xlsx", b"not really")
        response = admin_client.post(
            reverse("admin:catalog_serviceitem_import"), {"file": upload}
        )
        assert response.status_code == 200
        assert "不是有效的 .xlsx" in response.content.decode()


class TestVersionActions:
    def test_publish_selected(self, admin_client, item):
        old = item.current_version
        draft = item_version_create_draft(
            item=item, data={"name": "新版", "statutory_days": 20, "promised_days": 2}
        )
        response = admin_client.post(
            reverse("admin:catalog_serviceitemversion_changelist"),
            {"action": "publish_selected", "_selected_action": [draft.pk, old.pk]},
            follow=True,
        )
        content = response.content.decode()
        assert "已发布 1 个版本" in content
        assert "只能发布草稿" in content
        item.refresh_from_db()
        assert item.current_version == draft
        old.refresh_from_db()
        assert old.status == VersionStatus.RETIRED
        assert AuditEvent.objects.filter(action="catalog.version_published").exists()

    def test_published_version_is_read_only(self, admin_client, item):
        url = reverse(
            "admin:catalog_serviceitemversion_change", args=[item.current_version_id]
        )
        admin_client.post(url, {"name": "改名"})
        version = ServiceItemVersion.objects.get(pk=item.current_version_id)
        assert version.name != "改名"
        response = admin_client.get(url)
        assert 'name="name"' not in response.content.decode()

    def test_draft_from_selected_copies_materials(self, admin_client, item):
        admin_client.post(
            reverse("admin:catalog_serviceitemversion_changelist"),
            {
                "action": "draft_from_selected",
                "_selected_action": [item.current_version_id],
            },
        )
        draft = item.versions.get(status=VersionStatus.DRAFT)
        assert draft.promised_days == 5
        assert draft.materials.count() == 2
