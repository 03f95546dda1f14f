"""Catalogue services: regions, departments, versions and publishing."""

import datetime

import pytest

from zhengtong.catalog.constants import RegionLevel, VersionStatus
from zhengtong.catalog.models import Region, ServiceItemVersion
from zhengtong.catalog.services import (
    CatalogErrorCode,
    department_upsert,
    item_refresh_current,
    item_version_create_draft,
    item_version_current,
    item_version_publish,
    item_version_replace_draft,
    items_refresh_current,
    region_ensure,
)
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent

from .factories import DepartmentFactory, ServiceItemFactory

pytestmark = pytest.mark.django_db

D = datetime.date


class TestRegionEnsure:
    def test_six_digit_code_is_padded_and_linked_to_parent(self):
        city = region_ensure(code="511600000000", name="广安市")
        county = region_ensure(code="511602", name="广安区")
        assert county.code == "511602000000"
        assert county.level == RegionLevel.COUNTY
        assert county.parent == city
        assert city.level == RegionLevel.CITY

    def test_parent_created_later_adopts_children(self):
        county = region_ensure(code="450721000000", name="灵山县")
        city = region_ensure(code="450700000000", name="钦州市")
        county.refresh_from_db()
        assert county.parent == city

    def test_idempotent(self):
        region_ensure(code="510000000000", name="四川省")
        region_ensure(code="510000000000", name="四川省")
        assert Region.objects.filter(code="510000000000").count() == 1

    @pytest.mark.parametrize("code", ["", "5116", "51160200000X", "5116020000001"])
    def test_invalid_code_is_refused(self, code):
        with pytest.raises(ApplicationError) as exc:
            region_ensure(code=code)
        assert exc.value.code == CatalogErrorCode.INVALID_REGION_CODE
        assert Region.objects.count() == 0


class TestDepartmentUpsert:
    def test_invalid_credit_code_is_flagged_not_rejected(self):
        dept, result = department_upsert(
            region=None, name="区残联", credit_code="11511301452259996u"
        )
        assert result == "created"
        assert dept.credit_code == "11511301452259996u"
        assert dept.credit_code_valid is False

    def test_valid_and_empty_codes(self):
        ok, _ = department_upsert(
            region=None, name="区财政局", credit_code="11511301008778220W"
        )
        empty, _ = department_upsert(region=None, name="区经信局", credit_code="")
        assert ok.credit_code_valid is True
        assert empty.credit_code_valid is None

    def test_second_call_is_unchanged_then_updated(self):
        department_upsert(region=None, name="区统计局", order=18)
        _, again = department_upsert(region=None, name="区统计局", order=18)
        dept, changed = department_upsert(region=None, name="区统计局", order=19)
        assert (again, changed) == ("unchanged", "updated")
        assert dept.order == 19
        assert (
            AuditEvent.objects.filter(action="catalog.department_updated").count() == 1
        )

    def test_blank_name_refused(self):
        with pytest.raises(ApplicationError):
            department_upsert(region=None, name="  ")


class TestVersions:
    def test_promised_over_statutory_is_refused_and_nothing_created(self):
        item = ServiceItemFactory()
        with pytest.raises(ApplicationError) as exc:
            item_version_create_draft(
                item=item,
                data={"name": item.name, "statutory_days": 10, "promised_days": 11},
            )
        assert exc.value.code == CatalogErrorCode.PROMISED_EXCEEDS_STATUTORY
        assert "承诺时限（11）不得超过法定时限（10）" in exc.value.message
        assert item.versions.count() == 1

    def test_promised_equal_to_statutory_is_allowed(self):
        item = ServiceItemFactory()
        version = item_version_create_draft(
            item=item,
            data={"name": item.name, "statutory_days": 10, "promised_days": 10},
        )
        assert version.status == VersionStatus.DRAFT
        assert version.version == item.versions.order_by("-version").first().version

    def test_publish_keeps_the_old_version_readable(self):
        item = ServiceItemFactory(published__promised_days=5)
        old = item.current_version
        draft = item_version_create_draft(
            item=item,
            data={"name": "新名称", "statutory_days": 20, "promised_days": 3},
            children={"materials": [{"order": 1, "name": "申请表"}]},
        )
        item_version_publish(version=draft, effective_from=D(2026, 1, 1), actor=None)
        item.refresh_from_db()
        old.refresh_from_db()
        assert item.current_version == draft
        assert item.name == "新名称"
        assert old.status == VersionStatus.RETIRED
        assert old.promised_days == 5
        assert [m.name for m in old.materials.all()] == ["申请书", "身份证明"]
        assert [m.name for m in draft.materials.all()] == ["申请表"]
        assert AuditEvent.objects.filter(
            action="catalog.version_published", object_id=str(item.pk)
        ).exists()

    def test_version_in_force_on_a_date(self):
        item = ServiceItemFactory(published=False)
        v1 = item_version_create_draft(item=item, data={"name": "v1"})
        item_version_publish(version=v1, effective_from=D(2025, 1, 1))
        v2 = item_version_create_draft(item=item, data={"name": "v2"})
        item_version_publish(version=v2, effective_from=D(2025, 7, 1))
        v3 = item_version_create_draft(item=item, data={"name": "v3"})  # draft only
        assert item_version_current(item, D(2024, 12, 31)) is None
        assert item_version_current(item, D(2025, 6, 30)) == v1
        assert item_version_current(item, D(2025, 7, 1)) == v2
        assert item_version_current(item, D(2030, 1, 1)) == v2
        assert v3.status == VersionStatus.DRAFT

    def test_future_version_becomes_current_on_its_date(self):
        item = ServiceItemFactory()
        today_version = item.current_version
        future = item_version_create_draft(item=item, data={"name": "下月起"})
        item_version_publish(version=future, effective_from=D(2099, 1, 1))
        item.refresh_from_db()
        assert item.current_version == today_version
        assert items_refresh_current(on_date=D(2099, 1, 2)) == 1
        item.refresh_from_db()
        assert item.current_version == future

    def test_only_drafts_can_be_published(self):
        item = ServiceItemFactory()
        with pytest.raises(ApplicationError) as exc:
            item_version_publish(
                version=item.current_version, effective_from=D(2026, 1, 1)
            )
        assert exc.value.status == 409
        assert exc.value.code == CatalogErrorCode.VERSION_NOT_DRAFT

    def test_publish_needs_an_effective_date(self):
        item = ServiceItemFactory()
        draft = item_version_create_draft(item=item, data={"name": "x"})
        with pytest.raises(ApplicationError) as exc:
            item_version_publish(version=draft, effective_from=None)
        assert exc.value.code == CatalogErrorCode.EFFECTIVE_DATE_MISSING
        draft.refresh_from_db()
        assert draft.status == VersionStatus.DRAFT

    def test_published_version_cannot_be_rewritten(self):
        item = ServiceItemFactory()
        with pytest.raises(ApplicationError):
            item_version_replace_draft(version=item.current_version, data={"name": "x"})

    def test_draft_rewrite_replaces_children(self):
        item = ServiceItemFactory()
        draft = item_version_create_draft(
            item=item,
            data={"name": "草稿"},
            children={"faqs": [{"order": 1, "question": "问1"}]},
        )
        item_version_replace_draft(
            version=draft,
            data={"name": "草稿2"},
            children={"faqs": [{"order": 1, "question": "问2"}]},
        )
        draft.refresh_from_db()
        assert draft.name == "草稿2"
        assert [f.question for f in draft.faqs.all()] == ["问2"]

    def test_database_constraint_also_guards_limits(self):
        from django.db import IntegrityError, transaction

        item = ServiceItemFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            ServiceItemVersion.objects.filter(pk=item.current_version_id).update(
                promised_days=99
            )

    def test_refresh_denormalises_department_and_online_flag(self):
        item = ServiceItemFactory(published=False)
        other = DepartmentFactory(name="区行政审批局")
        draft = item_version_create_draft(
            item=item,
            data={
                "name": "改由审批局办理",
                "department": other,
                "channels": ["online"],
            },
        )
        item_version_publish(version=draft, effective_from=D(2025, 1, 1))
        item.refresh_from_db()
        assert item.department == other
        assert item.online_available is True
        item_refresh_current(item=item)  # idempotent
        assert item.current_version == draft
