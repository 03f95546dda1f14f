"""
The complaint and first-question pages: the register (integrity complaints
absent for everyone but the discipline role), a step taken on the page, the
Excel export of the first-question register, the applicant's form and list,
the public results' complaint columns.
"""

import io
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook

from zhengtong.feedback.models import Complaint
from zhengtong.feedback.selectors_complaints import complaint_public_columns
from zhengtong.feedback.services.complaints import complaint_create, complaint_reply
from zhengtong.feedback.services.first_questions import first_question_create

from .complaint_world import ComplaintWorld, at

PASSWORD = "pw-123456"


@pytest.fixture
def cw(db):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        world = ComplaintWorld()
        world.plain = complaint_create(
            actor=world.admin,
            category="fees",
            subcategory="fees_extra",
            channel="phone",
            content="搭车收费",
            counter_id=world.desk.pk,
            complainant_name="李先生",
            complainant_phone="13700001111",
        )
        world.secret = complaint_create(
            actor=world.applicant,
            category="integrity",
            subcategory="integrity_favour",
            channel="online",
            content="不给好处不办事",
        )
        yield world


def _client(client, user):
    client.force_login(user)
    return client


def test_register_pages_hide_integrity_complaints(cw, client):
    page = _client(client, cw.supervisor).get(
        "/workbench/feedback/complaints/?state=all"
    )
    text = page.content.decode()
    assert page.status_code == 200 and cw.plain.number in text
    assert cw.secret.number not in text and "李**" in text and "13700001111" not in text
    assert (
        client.get(f"/workbench/feedback/complaints/{cw.secret.pk}/").status_code == 404
    )
    client.logout()
    page = _client(client, cw.discipline).get(
        "/workbench/feedback/complaints/?state=all"
    )
    assert cw.secret.number in page.content.decode()
    client.logout()
    page = _client(client, cw.foreign_reviewer).get("/workbench/feedback/complaints/")
    assert cw.plain.number not in page.content.decode()


def test_reply_on_the_page_and_refusal_shown(cw, client):
    _client(client, cw.reviewer)
    r = client.post(
        f"/workbench/feedback/complaints/{cw.plain.pk}/",
        {"action": "reply", "text": "已处理"},
    )
    assert r.status_code == 403 and "答复" in r.content.decode()
    client.logout()
    _client(client, cw.admin)
    r = client.post(
        f"/workbench/feedback/complaints/{cw.plain.pk}/",
        {"action": "reply", "text": "已退还搭车收取的费用。", "verified": "yes"},
    )
    assert r.status_code == 302
    cw.plain.refresh_from_db()
    assert cw.plain.state == "replied" and cw.plain.verified is True
    # The confirmation is said once (the site layout shows the messages).
    page = client.get(r["Location"]).content.decode()
    assert page.count('class="msg ') == 1


def test_applicant_confirmation_shown_once(cw, client):
    _client(client, cw.applicant)
    r = client.post(
        "/feedback/complaints/new/",
        {"category": "attitude:attitude_rude", "content": "态度很差"},
        follow=True,
    )
    assert r.status_code == 200
    assert r.content.decode().count("投诉已受理") == 1


def test_first_question_export(cw, client):
    first_question_create(
        actor=cw.counter,
        channel="onsite",
        question="营业执照遗失怎么补？",
        outcome="answered",
        asker_name="欧阳娜娜",
        asker_phone="13688889999",
    )
    r = _client(client, cw.counter).get(
        "/workbench/feedback/first-questions/?export=xlsx"
    )
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    values = [str(c.value or "") for row in sheet.iter_rows() for c in row]
    assert "营业执照遗失怎么补？" in values and "13688889999" not in values
    assert "王窗口" in values
    r = client.get("/workbench/feedback/first-questions/new/?ticket=x")
    assert r.status_code == 200


def test_applicant_form_and_list(cw, client):
    _client(client, cw.applicant)
    r = client.post(
        "/feedback/complaints/new/",
        {"category": "attitude:attitude_rude", "content": "态度很差"},
    )
    assert r.status_code == 302
    complaint = Complaint.objects.filter(complainant=cw.applicant).latest("id")
    assert complaint.channel == "online"
    r = client.post("/feedback/complaints/new/", {"category": "nope", "content": "x"})
    assert r.status_code == 400 and "投诉类别不正确" in r.content.decode()
    r = client.post(
        "/feedback/complaints/new/",
        {"category": "attitude:attitude_rude", "content": "态度\x00很差"},
    )
    assert r.status_code == 400 and "空字符" in r.content.decode()
    mine = client.get("/feedback/complaints/").content.decode()
    assert complaint.number in mine and cw.secret.number in mine
    assert cw.plain.number not in mine
    assert client.get(f"/feedback/complaints/{cw.plain.pk}/").status_code == 404


def test_public_columns_leave_integrity_out(cw):
    with time_machine.travel(at(2026, 3, 3), tick=False):
        complaint_reply(complaint=cw.plain, actor=cw.admin, text="已处理")
        complaint_reply(complaint=cw.secret, actor=cw.discipline, text="已立案")
    rows = [{"department_id": cw.dept.pk}, {"department_id": cw.other_dept.pk}]
    complaint_public_columns(
        rows, group="department", month=date(2026, 3, 1), departments=None
    )
    assert rows[0]["complaints"] == 1 and rows[0]["on_time_reply_rate"] == 100.0
    assert rows[1] == {
        "department_id": cw.other_dept.pk,
        "complaints": 0,
        "on_time_reply_rate": None,
    }
