"""
The lean paths of submission and detail give the same answers as the
general ones: input checks, item lookup, first audit link, detail payload.
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.cases import selectors, services
from zhengtong.cases.apis import CaseCreateInput, _create_input
from zhengtong.cases.models import Case
from zhengtong.catalog.models import ServiceItem
from zhengtong.catalog.tests.factories import DepartmentFactory
from zhengtong.core.audit import audit_record, audit_verify
from zhengtong.core.models import AuditEvent


def client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.mark.parametrize(
    "body",
    [
        {"item_code": "A-1"},
        {"item_code": "  A-1  ", "channel": "mobile", "submit": False},
        {"item_code": "A-1", "form_data": {"x": [1, 2]}, "applicant_id": 7},
        {"item_code": "A-1", "form_data": "text", "applicant_id": 0},
    ],
)
def test_fast_input_equals_the_serializer(body):
    serializer = CaseCreateInput(data=body)
    assert serializer.is_valid()
    assert _create_input(body) == dict(serializer.validated_data)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"item_code": ""},
        {"item_code": "   "},
        {"item_code": None},
        {"item_code": "x" * 121},
        {"item_code": "a\x00b"},
        {"item_code": "A-1", "channel": "fax"},
        {"item_code": "A-1", "channel": "counter"},
        {"item_code": "A-1", "submit": "maybe"},
        {"item_code": "A-1", "applicant_id": "abc"},
        {"item_code": "A-1", "applicant_id": None},
        {"item_code": "A-1", "form_data": None},
        [1, 2],
    ],
)
def test_bad_input_gets_the_serializer_errors(world, body):
    serializer = CaseCreateInput(data=body)
    assert not serializer.is_valid()
    r = client_for(world.applicant).post("/api/v1/cases/", body, format="json")
    assert r.status_code == 400
    assert r.json()["code"] == "invalid_input"
    assert r.json()["details"] == serializer.errors
    assert Case.objects.count() == 0


def test_unusual_but_valid_input_still_accepted(world):
    """Strings for booleans and numbers go through the serializer, as before."""
    r = client_for(world.applicant).post(
        "/api/v1/cases/",
        {"item_code": f" {world.item.item_code} ", "submit": "false"},
        format="json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "draft"


def test_item_lookup_loads_what_case_create_reads(world):
    assert selectors.item_for_application_get(code="nope") is None
    item = selectors.item_for_application_get(code=world.item.item_code)
    full = ServiceItem.objects.get(pk=world.item.pk)
    assert item.pk == full.pk and item.item_code == full.item_code
    version = item.current_version
    assert version.pk == full.current_version_id
    for name in ("status", "handling_mode", "promised_days", "statutory_days", "name"):
        assert getattr(version, name) == getattr(full.current_version, name)
    assert item.department.pk == full.department_id
    assert item.department.region_id == full.department.region_id


def _case_fields(case: Case) -> dict:
    skip = {"id", "number", "query_code", "created_at", "updated_at", "submitted_at"}
    return {
        f.attname: getattr(case, f.attname)
        for f in Case._meta.concrete_fields
        if f.attname not in skip
    }


@pytest.mark.parametrize("variant", ["plain", "version_department", "no_region"])
def test_case_from_lean_item_equals_case_from_orm_item(world, variant):
    if variant == "version_department":  # another department on the version wins
        version = world.item.current_version
        version.department = DepartmentFactory(name="另一部门")
        version.save(update_fields=["department"])
    if variant == "no_region":  # the region code then comes from the department
        world.item.region = None
        world.item.save(update_fields=["region"])
    lean = services.case_create(
        applicant=world.applicant,
        item=selectors.item_for_application_get(code=world.item.item_code),
        actor=world.applicant,
    )
    orm = services.case_create(
        applicant=world.applicant,
        item=ServiceItem.objects.get(pk=world.item.pk),
        actor=world.applicant,
    )
    assert _case_fields(Case.objects.get(pk=lean.pk)) == _case_fields(
        Case.objects.get(pk=orm.pk)
    )


def test_new_case_starts_its_chain_and_later_events_join_it(world):
    case = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant
    )
    stream = f"cases.case:{case.pk}"
    first = AuditEvent.objects.get(stream=stream)
    assert (first.seq, first.prev_hash, first.action) == (1, "", "submit")
    services.case_withdraw(case=case, actor=world.applicant, reason="不办了")
    events = list(AuditEvent.objects.filter(stream=stream).order_by("seq"))
    assert [e.seq for e in events] == [1, 2]
    assert events[1].prev_hash == first.hash
    assert list(audit_verify(stream=stream)) == []


def test_new_stream_for_an_object_already_in_the_chain_is_refused(world):
    case = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant
    )
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        audit_record(action="again", obj=case, new_stream=True)
    assert AuditEvent.objects.filter(stream=f"cases.case:{case.pk}").count() == 1


def test_detail_of_a_closed_case_has_no_actions(world):
    case = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant
    )
    services.case_withdraw(case=case, actor=world.applicant, reason="不办了")
    r = client_for(world.applicant).get(f"/api/v1/cases/{case.pk}/")
    assert r.status_code == 200
    data = r.json()
    assert data["allowed_actions"] == []
    assert data["documents_url"] == f"/api/v1/cases/{case.pk}/documents/"
    assert [e["seq"] for e in data["events"]] == [1, 2]
    # the shared output instance holds nothing of the previous response
    other = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant
    )
    data2 = client_for(world.applicant).get(f"/api/v1/cases/{other.pk}/").json()
    assert data2["id"] == other.pk and data2["allowed_actions"] == ["withdraw"]
    assert [e["seq"] for e in data2["events"]] == [1]


def test_selector_still_lists_documents_for_pages(world):
    case = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant
    )
    detail = selectors.case_detail_get(user=world.counter, case_id=case.pk)
    lean = selectors.case_detail_get(
        user=world.counter, case_id=case.pk, documents=False
    )
    assert lean.documents == []
    assert detail.actions == lean.actions
    assert [e.pk for e in detail.events] == [e.pk for e in lean.events]
