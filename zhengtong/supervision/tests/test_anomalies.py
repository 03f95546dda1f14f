"""The anomaly rules (电子监察规则), each on one positive and one negative case."""

from datetime import timedelta

import pytest
import time_machine

from zhengtong.cases import services
from zhengtong.cases.constants import Action, DocumentKind, Status
from zhengtong.cases.models import Case, CaseDocument, CaseExtension
from zhengtong.catalog.constants import HandlingMode
from zhengtong.core.audit import audit_record
from zhengtong.queueing.models import Ticket
from zhengtong.supervision.models import AnomalyHit
from zhengtong.supervision.services.anomalies import RULES, anomalies_detect

from .conftest import at, complete_case

DAY = at(2026, 3, 2)


@pytest.fixture(autouse=True)
def _on_day():
    with time_machine.travel(DAY, tick=True):
        yield


def accepted(w):
    case = complete_case(w, DAY)
    return services.case_accept(case=case, actor=w.counter, now=DAY)


def hits(rule: str) -> set[int]:
    anomalies_detect(rules=[rule])
    return set(AnomalyHit.objects.filter(rule=rule).values_list("object_id", flat=True))


def test_every_rule_has_a_stable_code():
    assert set(RULES) == {
        "offbook",
        "instant_as_promised",
        "repeated_refusal",
        "suspension_no_notice",
        "extension_beyond_limit",
        "step_reassigned",
    }


def _ticket(w, case, served_at):
    from zhengtong.queueing.tests.factories import hall_setup

    if not hasattr(w, "hall"):
        w.hall = hall_setup(counters=1)
    seq = Ticket.objects.count() + 1
    return Ticket.objects.create(
        hall=w.hall.hall,
        category=w.hall.categories["A"],
        issued_category=w.hall.categories["A"],
        service_date=served_at.date(),
        seq=seq,
        number=f"A{seq:03d}",
        channel="kiosk",
        status="served",
        arrival_at=served_at,
        served_at=served_at,
        case_id=case.pk,
    )


def test_offbook_case_registered_long_after_the_ticket_was_served(sworld):
    w = sworld
    case = accepted(w)
    late = _ticket(w, case, case.created_at - timedelta(hours=5))
    prompt = _ticket(w, case, case.created_at - timedelta(minutes=10))
    found = hits("offbook")
    assert late.pk in found
    assert prompt.pk not in found


def test_instant_item_handled_as_promised(sworld):
    w = sworld
    instant = accepted(w)
    committed = accepted(w)
    version = instant.item_version
    version.handling_mode = HandlingMode.IMMEDIATE
    version.save(update_fields=["handling_mode"])
    Case.objects.filter(pk=instant.pk).update(handling_mode=HandlingMode.COMMITTED)
    Case.objects.filter(pk=committed.pk).update(handling_mode=HandlingMode.IMMEDIATE)
    found = hits("instant_as_promised")
    assert instant.pk in found
    assert committed.pk not in found


def test_repeated_refusals_of_the_same_applicant_and_item(sworld):
    w = sworld
    refused = []
    for _ in range(3):
        case = complete_case(w, DAY)
        refused.append(
            services.case_refuse(case=case, actor=w.counter, reason="材料不符", now=DAY)
        )
    # the other applicant refused once only
    other = complete_case(w, DAY, applicant=w.other_applicant)
    services.case_refuse(case=other, actor=w.counter, reason="材料不符", now=DAY)
    found = hits("repeated_refusal")
    assert refused[-1].pk in found
    assert other.pk not in found
    assert all(
        Case.objects.get(pk=c.pk).status == Status.REJECTED_AT_INTAKE for c in refused
    )


def test_suspension_without_a_written_notice(sworld):
    w = sworld
    noticed = accepted(w)
    silent = accepted(w)
    for case in (noticed, silent):
        services.case_suspend(
            case=case, actor=w.reviewer, kind="hearing", reason="听证", now=DAY
        )
    CaseDocument.objects.filter(
        case=silent, kind=DocumentKind.SPECIAL_PROCEDURE
    ).delete()
    found = hits("suspension_no_notice")
    assert silent.suspensions.get().pk in found
    assert noticed.suspensions.get().pk not in found


def test_extension_beyond_article_42(sworld):
    w = sworld
    long = accepted(w)
    fine = accepted(w)
    Case.objects.filter(pk=long.pk).update(extension_days=12)
    Case.objects.filter(pk=fine.pk).update(extension_days=5)
    CaseExtension.objects.create(case=fine, days=5, reason="复杂")
    # approved after the statutory due date: too late; a late rejection is not
    late, rejected = accepted(w), accepted(w)
    after_due = at(2026, 6, 1)
    CaseExtension.objects.create(
        case=late, days=3, reason="复杂", status="approved", approved_at=after_due
    )
    CaseExtension.objects.create(
        case=rejected, days=3, reason="复杂", status="rejected", approved_at=after_due
    )
    found = hits("extension_beyond_limit")
    assert long.pk in found and late.pk in found
    assert fine.pk not in found and rejected.pk not in found


def test_a_step_reassigned_too_often(sworld):
    w = sworld
    often = accepted(w)
    once = accepted(w)
    for _ in range(4):
        audit_record(action=Action.STEP_REASSIGN, obj=often, actor=w.reviewer)
    audit_record(action=Action.STEP_REASSIGN, obj=once, actor=w.reviewer)
    found = hits("step_reassigned")
    assert often.pk in found
    assert once.pk not in found


def test_a_second_run_adds_nothing(sworld):
    w = sworld
    case = accepted(w)
    Case.objects.filter(pk=case.pk).update(extension_days=12)
    first = anomalies_detect()
    second = anomalies_detect()
    assert first["extension_beyond_limit"] == 1
    assert sum(second.values()) == 0
