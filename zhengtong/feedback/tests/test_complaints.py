"""
Complaints (投诉): the clocks across 国庆, the procedure, the written reply as
PDF, the restricted integrity queue, bad input, the accountability link and
the monthly rollup.
"""

import io
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from zhengtong.core.models import AuditEvent
from zhengtong.feedback.models import Complaint
from zhengtong.feedback.selectors_complaints import (
    complaint_counts_for_user,
    complaint_list_for_user,
    complaint_rollup_rows,
)
from zhengtong.feedback.services.complaints import complaint_create
from zhengtong.supervision.constants import ClockKind, Lamp
from zhengtong.supervision.models import Breach, Clock
from zhengtong.supervision.services.sweep import supervision_sweep

from .complaint_world import ComplaintWorld, at, client_for

URL = "/api/v1/feedback/complaints/"


@pytest.fixture
def cw(db) -> ComplaintWorld:
    return ComplaintWorld()


def _create(cw, user=None, **body):
    payload = {
        "category": "attitude",
        "subcategory": "attitude_rude",
        "channel": "letter",
        "content": "3号窗口工作人员态度生硬，不回答问题。",
        "counter": cw.desk.pk,
        **body,
    }
    return client_for(user or cw.admin).post(URL, payload, format="json")


def test_clocks_across_national_day(cw):
    """Received 30 Sep 2026: 2 working days → 9 Oct, 5 → 13 Oct (10 Oct a make-up day)."""
    with time_machine.travel(at(2026, 9, 30), tick=False):
        r = _create(cw)
        assert r.status_code == 201, r.content
        body = r.json()
        assert body["reply_due"] == "2026-10-13"
        assert body["number"].startswith("投〔2026〕")
        complaint = Complaint.objects.get(pk=body["id"])
        assert complaint.proposal_due == date(2026, 10, 9)
        supervision_sweep(now=at(2026, 9, 30))
        clocks = {c.kind: c for c in Clock.objects.filter(object_id=complaint.pk)}
        assert clocks[ClockKind.COMPLAINT_PROPOSAL].due_date == date(2026, 10, 9)
        assert clocks[ClockKind.COMPLAINT_REPLY].due_date == date(2026, 10, 13)
    with time_machine.travel(at(2026, 10, 10), tick=False):  # a make-up Saturday
        supervision_sweep(now=at(2026, 10, 10))
        proposal = Clock.objects.get(
            kind=ClockKind.COMPLAINT_PROPOSAL, object_id=complaint.pk
        )
        reply = Clock.objects.get(
            kind=ClockKind.COMPLAINT_REPLY, object_id=complaint.pk
        )
        assert proposal.lamp == Lamp.RED
        assert reply.lamp != Lamp.RED
        r = client_for(cw.supervisor).post(
            f"{URL}{complaint.pk}/propose/",
            {
                "route": "transfer",
                "proposal": "转审批局核查。",
                "department": cw.dept.pk,
            },
            format="json",
        )
        assert r.status_code == 200, r.content
        supervision_sweep(now=at(2026, 10, 10))
        proposal.refresh_from_db()
        assert proposal.state == "closed" and proposal.closed_late


def test_procedure_to_written_reply_pdf(cw):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        complaint_id = _create(cw).json()["id"]
        c = client_for(cw.supervisor)
        base = f"{URL}{complaint_id}/"
        assert (
            c.post(
                base + "propose/",
                {
                    "route": "transfer",
                    "proposal": "转审批局。",
                    "department": cw.dept.pk,
                },
                format="json",
            ).status_code
            == 200
        )
        # nobody approves their own proposal
        r = c.post(base + "approve/", {}, format="json")
        assert r.status_code == 403 and r.json()["code"] == "not_permitted"
        assert (
            client_for(cw.admin)
            .post(base + "approve/", {"note": "同意"}, format="json")
            .status_code
            == 200
        )
        assert (
            c.post(base + "transfer/", {}, format="json").json()["state"]
            == "transferred"
        )
        # the receiving department replies; a letter gets a written reply
        r = client_for(cw.reviewer).post(
            base + "reply/",
            {"text": "经核查属实，已对当事人批评教育。", "mode": "oral"},
            format="json",
        )
        assert r.status_code == 400 and r.json()["code"] == "written_reply_required"
        r = client_for(cw.reviewer).post(
            base + "reply/",
            {"text": "经核查属实，已对当事人批评教育。", "verified": True},
            format="json",
        )
        assert r.status_code == 200, r.content
        assert r.json()["reply_mode"] == "written"
        pdf = client_for(cw.admin).get(base + "reply.pdf")
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        text = "".join(
            p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages
        )
        assert "投诉答复书" in text and "已对当事人批评教育" in text
        r = c.post(
            base + "revisit/",
            {"result": "satisfied", "text": "投诉人表示满意"},
            format="json",
        )
        assert r.json()["state"] == "closed"


def test_late_reply_needs_an_explanation(cw):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        complaint_id = _create(cw, channel="phone").json()["id"]
    with time_machine.travel(at(2026, 3, 12), tick=False):  # after 9 Mar
        c = client_for(cw.admin)
        r = c.post(f"{URL}{complaint_id}/reply/", {"text": "已处理。"}, format="json")
        assert r.status_code == 400 and r.json()["code"] == "late_reason_required"
        assert "逾期说明" in r.json()["message"]
        r = c.post(
            f"{URL}{complaint_id}/reply/",
            {"text": "已处理。", "late_reason": "涉及两个部门，需联合核查。"},
            format="json",
        )
        assert r.status_code == 200 and r.json()["reply_mode"] == "oral"
    rows = complaint_rollup_rows(
        date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), group="department"
    )
    assert rows == [
        {
            "department_id": cw.dept.pk,
            "complaints": 1,
            "verified": 0,
            "replied_on_time": 0,
            "replied_late": 1,
            "on_time_reply_rate": 0.0,
        }
    ]


def test_on_the_spot_reply_and_verified_breach(cw):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        complaint_id = _create(cw, channel="onsite", person=cw.counter.pk).json()["id"]
        r = client_for(cw.admin).post(
            f"{URL}{complaint_id}/reply/",
            {"text": "当场致歉并重新办理。", "verified": True},
            format="json",
        )
        assert r.status_code == 200, r.content
        assert r.json()["on_the_spot"] is True
    breach = Breach.objects.get(evidence_kind="complaint", evidence_id=complaint_id)
    assert (
        breach.person_id == cw.counter.pk and breach.kind.code == "complaint_verified"
    )
    rows = complaint_rollup_rows(
        date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), group="staff"
    )
    assert rows[0]["person_id"] == cw.counter.pk and rows[0]["verified"] == 1
    assert rows[0]["on_time_reply_rate"] == 1.0


def test_integrity_complaints_only_for_discipline(cw):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        r = _create(
            cw,
            user=cw.applicant,
            category="integrity",
            subcategory="integrity_extortion",
            counter=cw.desk.pk,
        )
        assert r.status_code == 201, r.content
        complaint_id = r.json()["id"]
        supervision_sweep(now=at(2026, 3, 2))
    assert not Clock.objects.filter(
        kind__in=[ClockKind.COMPLAINT_REPLY, ClockKind.COMPLAINT_PROPOSAL],
        object_id=complaint_id,
    ).exists()
    for user in (cw.supervisor, cw.admin, cw.counter, cw.reviewer, cw.head):
        c = client_for(user)
        assert c.get(f"{URL}{complaint_id}/").status_code == 404
        assert c.get(f"{URL}{complaint_id}/reply.pdf").status_code == 404
        assert (
            c.post(
                f"{URL}{complaint_id}/reply/", {"text": "x"}, format="json"
            ).status_code
            == 404
        )
        assert complaint_id not in [row["id"] for row in c.get(URL).json()["results"]]
        assert complaint_counts_for_user(user=user)["open"] == 0
        assert not complaint_list_for_user(user=user).filter(pk=complaint_id).exists()
    assert client_for(cw.applicant).get(f"{URL}{complaint_id}/").status_code == 200
    c = client_for(cw.discipline)
    assert c.get(f"{URL}{complaint_id}/").json()["category"] == "integrity"
    assert complaint_counts_for_user(user=cw.discipline)["open"] == 1
    with time_machine.travel(at(2026, 3, 3), tick=False):
        r = c.post(
            f"{URL}{complaint_id}/reply/", {"text": "已立案调查。"}, format="json"
        )
    assert r.status_code == 200, r.content
    assert (
        complaint_rollup_rows(
            date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), group="month"
        )
        == []
    )


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        ({"category": "nope"}, "unknown_category", "投诉类别"),
        ({"content": ""}, "invalid_input", "投诉内容"),
        ({"content": None}, "invalid_input", ""),
        ({"subcategory": ""}, "subcategory_required", "具体情形"),
        ({"subcategory": "fees_extra"}, "unknown_subcategory", "具体情形"),
        ({"channel": "fax"}, "invalid_channel", "渠道"),
        ({"channel": "hotline"}, "hotline_number_required", "工单号"),
        ({"counter": 10**9}, "unknown_counter", "窗口"),
        ({"counter": "x"}, "invalid_input", ""),
    ],
)
def test_bad_input_writes_nothing(cw, body, code, words):
    events = AuditEvent.objects.count()
    r = _create(cw, **body)
    assert r.status_code == 400, r.content
    assert r.json()["code"] == code
    assert words in r.json()["message"]
    assert Complaint.objects.count() == 0 and AuditEvent.objects.count() == events


def test_counter_of_another_hall_refused(cw):
    events = AuditEvent.objects.count()
    r = _create(cw, counter=cw.foreign_desk.pk, hall=cw.hall.pk)
    assert r.status_code == 400 and r.json()["code"] == "counter_other_hall"
    assert "不属于区政务服务中心" in r.json()["message"]
    # a counter member registers at their own hall: another hall's counter is refused
    r = _create(cw, user=cw.counter, counter=cw.foreign_desk.pk)
    assert r.status_code == 400 and r.json()["code"] == "counter_other_hall"
    assert Complaint.objects.count() == 0 and AuditEvent.objects.count() == events


def test_hotline_transfer_keeps_order_number(cw):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        r = _create(
            cw,
            channel="hotline",
            hotline_number="12345-20260302-0001",
            hotline_type="hotline_complaint",
        )
    assert r.status_code == 201, r.content
    complaint = Complaint.objects.get(pk=r.json()["id"])
    assert complaint.hotline_number == "12345-20260302-0001"
    assert complaint.hotline_type.name == "投诉" and complaint.written


def test_applicant_files_online_and_sees_only_own(cw):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        r = _create(cw, user=cw.applicant, channel="phone")
        assert r.status_code == 201
        mine = Complaint.objects.get(pk=r.json()["id"])
        assert mine.channel == "online" and mine.complainant_id == cw.applicant.pk
        other = complaint_create(
            actor=cw.admin,
            category="other",
            subcategory="other_unsatisfied",
            channel="phone",
            content="电话投诉",
            complainant_name="王五",
        )
    rows = client_for(cw.applicant).get(URL + "?mine=1").json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert client_for(cw.applicant).get(f"{URL}{other.pk}/").status_code == 404
    assert client_for(cw.other_applicant).get(f"{URL}{mine.pk}/").status_code == 404
