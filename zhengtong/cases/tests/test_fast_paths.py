"""
Submission's cheap parts give the answers of the general ones: input checks
(CaseCreateInput, the one definition), item lookup, first audit link.
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.api.shapes import validated
from zhengtong.cases import selectors, services
from zhengtong.cases.apis import CaseCreateInput
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
def test_shared_input_equals_a_fresh_serializer(body):
    serializer = CaseCreateInput(data=body)
    assert serializer.is_valid()
    assert validated(CaseCreateInput, body) == dict(serializer.validated_data)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"item_code": ""},
        {"item_code": "   "},
        {"item_code": None},
        {"item_code": "x" * 121},
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


# -- row_insert writes what save() writes ------------------------------------


def _stored(model, pk) -> dict:
    row = model.objects.filter(pk=pk).values().get()
    for name in ("id", "number", "stream", "hash", "created_at", "updated_at"):
        row.pop(name, None)
    return row


@pytest.mark.parametrize("sparse", [False, True], ids=["wide", "sparse"])
def test_row_insert_stores_the_row_save_stores(world, sparse):
    from datetime import date

    from django.utils import timezone

    from zhengtong.core.db import row_insert

    now = timezone.now()

    def wide_case(number: str) -> Case:
        return Case(
            number=number,
            query_code="AB23CD",
            item=world.item,
            item_version=world.version,
            department=world.dept,
            region_code="511602",
            applicant=world.applicant,
            agent=world.other_applicant,
            created_by=world.counter,
            applicant_name="张三",
            channel="counter",
            form_data={"地址": "广安区", "人数": [1, 2], "ok": True, "none": None},
            tolerated_materials=[3, 4],
            status="accepted",
            submitted_at=now,
            received_date=date(2025, 9, 30),
            accepted_at=now,
            due_date=date(2025, 10, 20),
            deemed_accepted=True,
            suspended_days=2,
            lamp="yellow",
            promised_days=5,
            statutory_days=20,
        )

    def case(number: str) -> Case:
        row = wide_case(number)
        if sparse:  # left out of the INSERT: NULL all the same
            row.agent = row.created_by = row.accepted_at = row.due_date = None
        return row

    saved = case("T-1")
    saved.save(force_insert=True)
    inserted = row_insert(case("T-2"))
    assert inserted.pk and inserted.pk != saved.pk
    assert not inserted._state.adding
    assert _stored(Case, inserted.pk) == _stored(Case, saved.pk)
    stored = Case.objects.get(pk=inserted.pk)
    assert stored.created_at is not None and stored.updated_at is not None
    assert stored.form_data["地址"] == "广安区"
    assert (stored.agent_id is None) is sparse


def test_audit_event_through_row_insert_verifies(world):
    case = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant
    )
    audit_record(
        action="note",
        obj=case,
        actor=world.counter,
        reason="含“引号”与换行\n",
        details={"list": [1, "二"], "nested": {"a": None}},
    )
    stream = f"cases.case:{case.pk}"
    assert list(audit_verify(stream=stream)) == []
    event = AuditEvent.objects.get(stream=stream, seq=2)
    assert event.details == {"list": [1, "二"], "nested": {"a": None}}
    assert event.actor_id == world.counter.pk


def test_case_number_stays_unique(world):
    from django.db import IntegrityError, transaction

    case = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant
    )
    twin = Case.objects.get(pk=case.pk)
    twin.pk = None
    twin.query_code = "ZZZZZZ"
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save(force_insert=True)


# -- the item an application reads, kept in process memory -------------------


@pytest.fixture
def item_memory(settings):
    settings.CASES_ITEM_CACHE_SECONDS = 30
    selectors._items_read.clear()
    yield
    selectors._items_read.clear()


def test_item_is_read_once_while_the_catalogue_is_unchanged(world, item_memory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = selectors.item_for_application_get(code=world.item.item_code)
    with CaptureQueriesContext(connection) as ctx:
        again = selectors.item_for_application_get(code=world.item.item_code)
    assert again is first
    # only the catalogue signature is asked (its re-check time is 0 in tests)
    assert not [q for q in ctx.captured_queries if "catalog_serviceitem i" in q["sql"]]
    assert len(ctx.captured_queries) == 2


def test_a_new_version_is_seen_at_once(world, item_memory):
    from zhengtong.catalog.tests.factories import ServiceItemVersionFactory

    before = selectors.item_for_application_get(code=world.item.item_code)
    newer = ServiceItemVersionFactory(item=world.item, status="published")
    world.item.current_version = newer
    world.item.save(update_fields=["current_version", "updated_at"])
    after = selectors.item_for_application_get(code=world.item.item_code)
    assert before.current_version.pk == world.version.pk
    assert after.current_version.pk == newer.pk


def test_a_retired_version_refuses_applications_at_once(world, item_memory):
    from zhengtong.core.errors import ApplicationError

    selectors.item_for_application_get(code=world.item.item_code)
    version = world.item.current_version
    version.status = "retired"
    version.save(update_fields=["status", "updated_at"])
    item = selectors.item_for_application_get(code=world.item.item_code)
    with pytest.raises(ApplicationError) as err:
        services.case_create(
            applicant=world.applicant, item=item, actor=world.applicant
        )
    assert err.value.code == "item_not_available"


def test_remembered_item_expires(world, item_memory, monkeypatch):
    from zhengtong.catalog.models import Region

    first = selectors.item_for_application_get(code=world.item.item_code)
    # a department's region code changes: not in the catalogue signature
    region = Region.objects.get(pk=first.department.region_id)
    region.code = "511699000000"
    region.save(update_fields=["code"])
    assert selectors.item_for_application_get(code=world.item.item_code) is first
    from zhengtong.catalog import selectors_application

    real = selectors_application.time.monotonic
    monkeypatch.setattr(selectors_application.time, "monotonic", lambda: real() + 31)
    later = selectors.item_for_application_get(code=world.item.item_code)
    assert later is not first
    assert later.department.region.code == "511699000000"


def test_unknown_codes_are_not_remembered(world, item_memory):
    assert selectors.item_for_application_get(code="no-such-item") is None
    assert "no-such-item" not in selectors._items_read


# -- the lean lane of POST /api/v1/cases/ answers as the DRF path does ----------


def test_usual_submission_with_an_idempotency_key(world):
    r = client_for(world.applicant).post(
        "/api/v1/cases/",
        {"item_code": world.item.item_code},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert r.status_code == 201
    assert set(r.json()) == {"id", "number", "status", "query_code"}
    again = client_for(world.applicant).post(
        "/api/v1/cases/",
        {"item_code": world.item.item_code},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert again.json()["id"] == r.json()["id"]
    case = Case.objects.get(pk=r.json()["id"])
    assert case.status == "submitted" and case.applicant_id == world.applicant.pk
    assert list(audit_verify(stream=f"cases.case:{case.pk}")) == []


@pytest.mark.parametrize("header", ["", "Token", "Token nope", "Bearer x", "Token a b"])
def test_bad_credentials_are_refused(world, header):
    client = APIClient()
    if header:
        client.credentials(HTTP_AUTHORIZATION=header)
    r = client.post(
        "/api/v1/cases/", {"item_code": world.item.item_code}, format="json"
    )
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"
    assert Case.objects.count() == 0


def test_malformed_and_form_bodies(world):
    client = client_for(world.applicant)
    r = client.post("/api/v1/cases/", "{not json", content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"
    r = client.post("/api/v1/cases/", "[1]", content_type="application/json")
    assert r.status_code == 400
    r = client.post("/api/v1/cases/", {"item_code": world.item.item_code})  # multipart
    assert r.status_code == 201  # form bodies are accepted as before
