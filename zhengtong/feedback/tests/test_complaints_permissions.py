"""
The permission matrix of every complaint and first-question endpoint: who may
and, above all, who may not (anonymous 401, applicants 403/404, another
department 404, the proposer may not approve, only the receiver confirms).
"""

import pytest
import time_machine
from rest_framework.test import APIClient

from zhengtong.feedback.services.complaints import complaint_create
from zhengtong.feedback.services.first_questions import first_question_create

from .complaint_world import ComplaintWorld, at, client_for

C = "/api/v1/feedback/complaints/"
F = "/api/v1/feedback/first-questions/"


@pytest.fixture
def cw(db):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        yield ComplaintWorld()


def _complaint(cw, **kw):
    return complaint_create(
        actor=cw.admin,
        category="rules",
        subcategory="rules_returned",
        channel="phone",
        content="随意退件。",
        counter_id=cw.desk.pk,
        **kw,
    )


def _users(cw):
    return {
        "anonymous": None,
        "applicant": cw.applicant,
        "counter": cw.counter,
        "reviewer": cw.reviewer,
        "foreign": cw.foreign_reviewer,
        "head": cw.head,
        "supervisor": cw.supervisor,
        "admin": cw.admin,
    }


def _status(user, method, url, body=None):
    client = client_for(user) if user is not None else APIClient()
    with time_machine.travel(at(2026, 3, 3), tick=False):
        if method == "get":
            return client.get(url).status_code
        return client.post(url, body or {}, format="json").status_code


# who: expected status per user (anonymous, applicant, counter, reviewer,
# foreign, head, supervisor, admin); the complaint is about cw.dept's counter
READS = [
    ("get", "", [401, 200, 200, 200, 200, 200, 200, 200]),  # the list (filtered)
    ("get", "{id}/", [401, 404, 200, 200, 404, 200, 200, 200]),
    ("get", "categories/", [401, 200, 200, 200, 200, 200, 200, 200]),
]
OFFICE = [401, 404, 403, 403, 404, 403]  # anonymous … head: refused


def test_complaint_reads(cw):
    complaint = _complaint(cw)
    users = list(_users(cw).values())
    for method, path, expected in READS:
        url = C + path.format(id=complaint.pk)
        got = [_status(u, method, url) for u in users]
        assert got == expected, (path, got)
    # the reply PDF before a reply: 409 for those who see it
    assert _status(cw.admin, "get", f"{C}{complaint.pk}/reply.pdf") == 409
    assert _status(cw.applicant, "get", f"{C}{complaint.pk}/reply.pdf") == 404


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("propose", {"route": "centre", "proposal": "中心办理"}),
        ("approve", {}),
        ("transfer", {}),
        ("revisit", {"result": "satisfied"}),
    ],
)
def test_office_actions_refused_to_others(cw, action, body):
    complaint = _complaint(cw)
    users = list(_users(cw).values())[:6]
    got = [_status(u, "post", f"{C}{complaint.pk}/{action}/", body) for u in users]
    assert got == OFFICE, got


def test_proposal_approval_transfer_reply_who_may(cw):
    complaint = _complaint(cw)
    base = f"{C}{complaint.pk}/"
    body = {"route": "transfer", "proposal": "转部门", "department": cw.dept.pk}
    assert _status(cw.supervisor, "post", base + "propose/", body) == 200
    assert _status(cw.supervisor, "post", base + "approve/") == 403  # own proposal
    assert _status(cw.admin, "post", base + "approve/") == 200
    assert _status(cw.admin, "post", base + "approve/") == 409
    assert _status(cw.supervisor, "post", base + "transfer/") == 200
    # the receiving department replies; another department does not even see it
    assert _status(cw.foreign_reviewer, "post", base + "reply/", {"text": "x"}) == 404
    assert _status(cw.applicant, "post", base + "reply/", {"text": "x"}) == 404
    assert _status(cw.reviewer, "post", base + "reply/", {"text": "已整改"}) == 200
    assert _status(cw.reviewer, "post", base + "revisit/", {"result": "basic"}) == 403
    assert _status(cw.supervisor, "post", base + "revisit/", {"result": "basic"}) == 200
    assert _status(cw.supervisor, "post", base + "revisit/", {"result": "basic"}) == 409


def test_reply_refused_to_department_before_transfer(cw):
    complaint = _complaint(cw)
    url = f"{C}{complaint.pk}/reply/"
    assert _status(cw.reviewer, "post", url, {"text": "x"}) == 403
    assert _status(cw.head, "post", url, {"text": "x"}) == 403
    assert _status(None, "post", url, {"text": "x"}) == 401


def test_register_complaint_who_may(cw):
    body = {
        "category": "other",
        "subcategory": "other_unsatisfied",
        "channel": "phone",
        "content": "不满意",
    }
    got = [_status(u, "post", C, body) for u in _users(cw).values()]
    assert got == [401, 201, 201, 201, 201, 201, 201, 201], got


def test_first_question_matrix(cw):
    with time_machine.travel(at(2026, 3, 2), tick=False):
        entry = first_question_create(
            actor=cw.counter,
            channel="phone",
            question="咨询营业执照办理时限",
            outcome="handover",
            handover_to_id=cw.reviewer.pk,
        )
    users = _users(cw)
    body = {"channel": "phone", "question": "咨询", "outcome": "answered"}
    got = [_status(u, "post", F, body) for u in users.values()]
    assert got == [401, 403, 201, 201, 201, 201, 201, 201], got
    got = [_status(u, "get", f"{F}{entry.pk}/") for u in users.values()]
    assert got == [401, 404, 200, 200, 404, 200, 200, 200], got
    got = [_status(u, "get", f"{F}{entry.pk}/receipt.pdf") for u in users.values()]
    assert got[:2] == [401, 404] and got[4] == 404
    handover = {"to": cw.reviewer_b.pk}
    got = [
        _status(u, "post", f"{F}{entry.pk}/handover/", handover) for u in users.values()
    ]
    # anonymous, applicant, [counter: pending → 409], reviewer, foreign, head,
    # supervisor (centre: 409 too)
    assert got == [401, 404, 409, 403, 404, 403, 409, 409], got
    got = [_status(u, "post", f"{F}{entry.pk}/confirm/") for u in users.values()]
    assert got == [401, 404, 403, 200, 404, 403, 403, 403], got
