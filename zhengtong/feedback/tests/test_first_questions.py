"""
The first-question register (首问登记): registration from the counter, the
handover confirmed only by the receiver, an unconfirmed handover red on the
supervision desk and a breach candidate, the receipt, the export.
"""

import io
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from zhengtong.core.models import AuditEvent
from zhengtong.feedback.models import FirstQuestion, StaffBadge
from zhengtong.feedback.services.first_questions import (
    first_questions_propose_breaches,
)
from zhengtong.supervision.constants import ClockKind, Lamp
from zhengtong.supervision.models import Breach, Clock
from zhengtong.supervision.services.sweep import supervision_sweep

from .complaint_world import ComplaintWorld, at, client_for

URL = "/api/v1/feedback/first-questions/"


@pytest.fixture
def cw(db) -> ComplaintWorld:
    return ComplaintWorld()


def _handover(cw, **body):
    payload = {
        "channel": "onsite",
        "question": "个体工商户变更经营范围需要哪些材料？",
        "outcome": "handover",
        "asker_name": "刘德华",
        "asker_phone": "13912345678",
        "item": cw.item.pk,
        "handover_to": cw.reviewer.pk,
        **body,
    }
    return client_for(cw.counter).post(URL, payload, format="json")


def test_unconfirmed_handover_turns_red_and_proposes_a_breach(cw):
    with time_machine.travel(at(2026, 9, 30), tick=False):
        r = _handover(cw)
        assert r.status_code == 201, r.content
        assert r.json()["handover_due"] == "2026-10-08"  # 1 working day, 国庆 between
        entry_id = r.json()["id"]
        supervision_sweep(now=at(2026, 9, 30))
        clock = Clock.objects.get(kind=ClockKind.FIRST_QUESTION, object_id=entry_id)
        assert clock.owner_id == cw.reviewer.pk and clock.lamp != Lamp.RED
    with time_machine.travel(at(2026, 10, 9), tick=False):
        supervision_sweep(now=at(2026, 10, 9))
        clock.refresh_from_db()
        assert clock.lamp == Lamp.RED
        assert first_questions_propose_breaches(today=date(2026, 10, 9)) == 1
        assert first_questions_propose_breaches(today=date(2026, 10, 9)) == 0  # once
        breach = Breach.objects.get(
            evidence_kind="first_question", evidence_id=entry_id
        )
        assert breach.person_id == cw.reviewer.pk
        assert breach.kind.code == "first_question_dropped"
        # only the receiver confirms
        for user in (cw.counter, cw.reviewer_b, cw.admin):
            r = client_for(user).post(f"{URL}{entry_id}/confirm/", {}, format="json")
            assert r.status_code == 403, user
        r = client_for(cw.reviewer).post(
            f"{URL}{entry_id}/confirm/", {"note": "已接手"}, format="json"
        )
        assert r.status_code == 200 and r.json()["pending"] is False
        r = client_for(cw.reviewer).post(f"{URL}{entry_id}/confirm/", {}, format="json")
        assert r.status_code == 409
        supervision_sweep(now=at(2026, 10, 9))
        clock.refresh_from_db()
        assert clock.state == "closed" and clock.closed_late


def test_answered_then_handed_over_and_confirmed_in_time(cw):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        r = _handover(cw, outcome="answered", handover_to=None, result="已当场解答")
        assert r.status_code == 201, r.content
        entry_id = r.json()["id"]
        assert r.json()["handover_due"] is None
        # only the first-responsible person hands over
        r = client_for(cw.reviewer_b).post(
            f"{URL}{entry_id}/handover/", {"to": cw.reviewer.pk}, format="json"
        )
        assert r.status_code == 403
        r = client_for(cw.counter).post(
            f"{URL}{entry_id}/handover/", {"to": cw.reviewer.pk}, format="json"
        )
        assert r.status_code == 200 and r.json()["pending"] is True
        r = client_for(cw.reviewer).post(f"{URL}{entry_id}/confirm/", {}, format="json")
        assert r.status_code == 200
    entry = FirstQuestion.objects.get(pk=entry_id)
    assert entry.counter_id == cw.desk.pk and entry.department_id == cw.dept.pk
    assert [
        e.action
        for e in AuditEvent.objects.filter(
            stream=f"feedback.firstquestion:{entry_id}"
        ).order_by("seq")
    ] == ["first_question_create", "first_question_handover", "first_question_confirm"]


def test_receipt_names_the_first_responsible_person(cw):
    StaffBadge.objects.create(
        user=cw.counter, staff_number="GA0307", title="综合窗口受理员"
    )
    with time_machine.travel(at(2026, 3, 2), tick=False):
        entry_id = _handover(cw).json()["id"]
    r = client_for(cw.counter).get(f"{URL}{entry_id}/receipt.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "首问登记回执" in text and "王窗口" in text and "GA0307" in text
    assert "13912345678" not in text and "139****5678" in text
    row = client_for(cw.counter).get(f"{URL}{entry_id}/").json()
    assert row["asker"] != "刘德华" and row["phone"] == "139****5678"


def test_register_is_for_staff_and_visible_by_department(cw):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        r = client_for(cw.applicant).post(
            URL,
            {"channel": "onsite", "question": "x", "outcome": "answered"},
            format="json",
        )
        assert r.status_code == 403 and r.json()["code"] == "not_permitted"
        events = AuditEvent.objects.count()
        for body, code in (
            ({"channel": "fax"}, "invalid_channel"),
            ({"question": ""}, "invalid_input"),
            ({"outcome": "lost"}, "invalid_outcome"),
            ({"handover_to": None}, "unknown_receiver"),
            ({"handover_to": cw.applicant.pk}, "unknown_receiver"),
            ({"item": 10**9}, "unknown_item"),
        ):
            r = _handover(cw, **body)
            assert r.status_code == 400 and r.json()["code"] == code, body
        assert (
            FirstQuestion.objects.count() == 0 and AuditEvent.objects.count() == events
        )
        entry_id = _handover(cw).json()["id"]
    assert client_for(cw.foreign_reviewer).get(f"{URL}{entry_id}/").status_code == 404
    assert client_for(cw.foreign_reviewer).get(URL).json()["results"] == []
    assert client_for(cw.applicant).get(f"{URL}{entry_id}/").status_code == 404
    assert len(client_for(cw.supervisor).get(URL).json()["results"]) == 1
    assert len(client_for(cw.reviewer).get(URL + "?pending=1").json()["results"]) == 1
