"""Catalogue admin: pages load for a superuser, are closed to others."""

import datetime
import io
import json

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.forms.models import model_to_dict
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from zhengtong.accounts.models import User
from zhengtong.catalog.admin import ServiceItemVersionAdmin
from zhengtong.catalog.constants import VersionStatus
from zhengtong.catalog.exporters import catalog_template_xlsx
from zhengtong.catalog.models import ServiceItem, ServiceItemVersion
from zhengtong.catalog.services import (
    VERSION_CHILD_RELATIONS,
    item_version_create_draft,
)
from zhengtong.core.models import AuditEvent

from .factories import CounterFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db


# A change to the version's own fields and one new material row.
EDITS = {
    "name": "改名",
    "promised_days": "1",
    "place": "别处",
    "materials-TOTAL_FORMS": "1",
    "materials-0-order": "9",
    "materials-0-name": "新增材料",
    "materials-0-requirement": "required",
    "materials-0-original_count": "1",
    "materials-0-copy_count": "0",
    "materials-0-form": "paper",
}


def _version_form_data(version: ServiceItemVersion, **changes: str) -> dict[str, str]:
    """Return the whole admin change form of ``version``, as a browser posts it."""
    data: dict[str, str] = {}
    for _title, options in ServiceItemVersionAdmin.fieldsets:
        for entry in options["fields"]:
            for name in entry if isinstance(entry, tuple) else (entry,):
                field = ServiceItemVersion._meta.get_field(name)
                value = field.value_from_object(version)
                if isinstance(field, models.JSONField):
                    data[name] = json.dumps(value, ensure_ascii=False)
                elif isinstance(field, models.BooleanField):
                    if value:
                        data[name] = "on"
                elif value is not None:
                    data[name] = str(value)
    for prefix in VERSION_CHILD_RELATIONS:
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    data |= changes
    return data


def _version_snapshot(version: ServiceItemVersion) -> dict:
    """Return every field of ``version`` and its child rows."""
    return {
        "fields": model_to_dict(version),
        **{
            relation: [model_to_dict(row) for row in getattr(version, relation).all()]
            for relation in VERSION_CHILD_RELATIONS
        },
    }


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

    def test_whole_form_edits_a_draft(self, admin_client, item):
        """The posted form is complete: on a draft it changes the version."""
        draft = item_version_create_draft(
            item=item, data={"name": "新版", "statutory_days": 20, "promised_days": 2}
        )
        url = reverse("admin:catalog_serviceitemversion_change", args=[draft.pk])
        response = admin_client.post(url, _version_form_data(draft, **EDITS))
        assert response.status_code == 302
        draft.refresh_from_db()
        assert (draft.name, draft.promised_days, draft.place) == (
            "改名",
            1,
            "别处",
        )
        assert draft.materials.filter(name="新增材料").exists()

    def test_published_version_is_read_only(self, admin_client, item):
        """The same whole form posted to a published version changes nothing."""
        version = item.current_version
        before = _version_snapshot(version)
        url = reverse("admin:catalog_serviceitemversion_change", args=[version.pk])
        admin_client.post(url, _version_form_data(version, **EDITS))
        version.refresh_from_db()
        assert _version_snapshot(version) == before
        assert not version.materials.filter(name="新增材料").exists()
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
