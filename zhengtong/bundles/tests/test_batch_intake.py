"""
A bundle's sub-cases go through the one intake once (``case_create_many``):
a bounded number of statements, consecutive unique numbers, the same
records as a single case, idempotent replay, all or nothing.
"""

import threading

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from zhengtong.bundles.models import BundleApplication
from zhengtong.bundles.services import bundle_application_submit
from zhengtong.cases import services as case_services
from zhengtong.cases.constants import DocumentKind
from zhengtong.cases.models import Case, CaseDocument
from zhengtong.catalog.models import Region
from zhengtong.core.audit import audit_verify
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent, OutboxJob

from .conftest import client_for

ALL_FIVE = {"insure": "yes", "card": "yes", "mother_job": "employed"}
FORM = {"baby_name": "王小宝", "contact_phone": "13800001111", "employer": "某公司"}

# A 5-sub-case bundle: one case-sequence UPDATE, one INSERT each of the
# cases, their receipts and notification requests, their audit events (one
# executemany on SQLite; a COPY on PostgreSQL, not counted), then the
# bundle's own number, row, links and audit event, and the savepoint the
# test's transaction adds: 11. One intake per sub-case was 31; any
# statement per sub-case again would add 5.
MAX_STATEMENTS_5 = 12


def _submit(w, **extra):
    return bundle_application_submit(
        bundle_code="newborn",
        applicant=w.applicant,
        actor=w.applicant,
        answers=ALL_FIVE,
        form_data=FORM,
        **extra,
    )


def _seq(number: str) -> int:
    return int(number.rsplit("-", 1)[1])


def test_five_sub_cases_take_a_bounded_number_of_statements(world):
    _submit(world)  # warm: the definition cache
    with CaptureQueriesContext(connection) as captured:
        application = _submit(world)
    assert len(application._sub_cases) == 5
    # the items are read from the process's cache in production
    # (CASES_ITEM_CACHE_SECONDS; 0 in tests): their reads are not counted
    queries = [q for q in captured if "catalog_" not in q["sql"]]
    assert len(queries) <= MAX_STATEMENTS_5, [q["sql"][:80] for q in queries]
    case_inserts = [
        q for q in queries if q["sql"].startswith('INSERT INTO "cases_case"')
    ]
    sequence_updates = [q for q in queries if "cases_casesequence" in q["sql"]]
    assert len(case_inserts) == 1
    assert len(sequence_updates) == 2  # the region's cases, the bundle's number


def test_sub_cases_are_numbered_consecutively_and_keep_every_record(world):
    w = world
    before = case_services.case_create(
        applicant=w.applicant, item=w.items[0], actor=w.applicant
    )
    application = _submit(w)
    after = case_services.case_create(
        applicant=w.applicant, item=w.items[0], actor=w.applicant
    )
    cases = list(
        Case.objects.filter(bundle_link__application=application).order_by(
            "bundle_link__order"
        )
    )
    assert [c.item_id for c in cases] == [i.pk for i in w.items]
    seqs = [_seq(c.number) for c in cases]
    assert seqs == list(range(_seq(before.number) + 1, _seq(before.number) + 6))
    assert _seq(after.number) == seqs[-1] + 1
    assert len({c.number for c in cases}) == 5
    for case in cases:  # what a single submission records, once per sub-case
        assert case.status == "submitted" and case.received_date is not None
        assert case.form_data["baby_name"] == "王小宝"
        receipt = CaseDocument.objects.get(case=case, kind=DocumentKind.RECEIPT)
        assert receipt.number == f"{case.number}-01"
        assert receipt.context["number_case"] == case.number
        event = AuditEvent.objects.get(stream=f"cases.case:{case.pk}")
        assert (event.seq, event.prev_hash, event.action) == (1, "", "submit")
        assert event.details == {
            "channel": "online",
            "item": case.item.item_code,
            "number": case.number,
        }
        assert list(audit_verify(stream=f"cases.case:{case.pk}")) == []
        assert OutboxJob.objects.filter(
            args__case_id=case.pk, args__event="submitted"
        ).exists()
    assert cases[4].form_data["employer"] == "某公司"
    assert "employer" not in cases[0].form_data


def test_sub_cases_of_two_regions_are_numbered_in_each(world):
    w = world
    other = Region.objects.create(code="511621000000", name="岳池县", level="county")
    for item in w.items[3:]:
        item.region = other
        item.save(update_fields=["region"])
    case_services.case_create(applicant=w.applicant, item=w.items[0], actor=w.applicant)
    cases = _submit(w)._sub_cases
    prefixes = [c.number.split("-")[0] for c in cases]
    assert prefixes == ["511602"] * 3 + ["511621"] * 2
    assert [_seq(c.number) for c in cases] == [2, 3, 4, 1, 2]


def test_replay_with_the_key_returns_the_same_sub_cases(world):
    w = world
    c = client_for(w.applicant)
    body = {"bundle_code": "newborn", "answers": ALL_FIVE, "form_data": FORM}
    first = c.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    again = c.post("/api/v1/cases/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-5")
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert len(first.json()["sub_cases"]) == 5
    assert Case.objects.count() == 5 and BundleApplication.objects.count() == 1
    assert OutboxJob.objects.filter(args__event="submitted").count() == 5


def test_many_checks_every_application_before_writing(world):
    w = world
    applications = [
        case_services.CaseApplication(applicant=w.applicant, item=w.items[0]),
        case_services.CaseApplication(
            applicant=w.applicant, item=w.items[1], form_data=["not", "a", "dict"]
        ),
    ]
    events = AuditEvent.objects.count()
    # the savepoint would undo writes anyway: what shows the checks come
    # first is that no INSERT or UPDATE (not even the numbering) was sent
    with (
        CaptureQueriesContext(connection) as sent,
        pytest.raises(ApplicationError) as caught,
    ):
        case_services.case_create_many(applications=applications, actor=w.applicant)
    assert caught.value.code == "invalid_form_data"
    writes = [
        q["sql"]
        for q in sent
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []
    assert Case.objects.count() == 0 and AuditEvent.objects.count() == events
    with (
        CaptureQueriesContext(connection) as sent,
        pytest.raises(ApplicationError) as caught,
    ):
        case_services.case_create_many(
            applications=applications[:1], actor=w.police_reviewer
        )
    assert caught.value.code == "not_permitted"  # staff of another department
    assert not [
        q for q in sent if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert Case.objects.count() == 0


def test_many_replays_keyed_applications_and_creates_the_rest(world):
    w = world
    first = case_services.case_create(
        applicant=w.applicant,
        item=w.items[0],
        actor=w.applicant,
        idempotency_key="one",
        idempotency_fingerprint="f1",
    )
    made = case_services.case_create_many(
        applications=[
            case_services.CaseApplication(
                applicant=w.applicant,
                item=w.items[0],
                idempotency_key="one",
                idempotency_fingerprint="f1",
            ),
            case_services.CaseApplication(applicant=w.applicant, item=w.items[1]),
        ],
        actor=w.applicant,
    )
    assert made[0].pk == first.pk
    assert made[1].pk != first.pk and _seq(made[1].number) == _seq(first.number) + 1
    with pytest.raises(ApplicationError) as caught:
        case_services.case_create_many(
            applications=[
                case_services.CaseApplication(
                    applicant=w.applicant,
                    item=w.items[0],
                    idempotency_key="one",
                    idempotency_fingerprint="other body",
                )
            ],
            actor=w.applicant,
        )
    assert caught.value.code == "idempotency_key_reused"
    assert Case.objects.count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_bundles_and_single_cases_get_unique_consecutive_numbers():
    from .conftest import World

    w = World()
    bundles: list[list[str]] = []
    singles: list[str] = []
    errors: list[Exception] = []

    def run(kind: str) -> None:
        try:
            for _ in range(4):
                if kind == "bundle":
                    cases = _submit(w)._sub_cases
                    bundles.append([c.number for c in cases])
                else:
                    case = case_services.case_create(
                        applicant=w.applicant, item=w.items[0], actor=w.applicant
                    )
                    singles.append(case.number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=("bundle" if i % 2 else "single",))
        for i in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = [n for group in bundles for n in group] + singles
    assert len(numbers) == 12 * 5 + 12 == len(set(numbers))
    assert sorted(_seq(n) for n in numbers) == list(range(1, 73))
    for group in bundles:  # one UPDATE reserves a bundle's numbers together
        seqs = [_seq(n) for n in group]
        assert seqs == list(range(seqs[0], seqs[0] + 5))


def test_the_sub_cases_notifications_are_handed_on_together_and_run(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        cases = _submit(world)._sub_cases
    assert len(callbacks) == 1  # one queue message for the five jobs
    jobs = OutboxJob.objects.filter(args__case_id__in=[c.pk for c in cases])
    assert jobs.count() == 5
    assert set(jobs.values_list("state", flat=True)) == {OutboxJob.State.DONE}
