"""
转办: a window hands a case to the competent department with a reason; that
department confirms; the clock keeps its dates unless a legal basis for a
restart is recorded. Bad input changes nothing.
"""

from datetime import date

import pytest

from zhengtong.cases import services
from zhengtong.cases.models import Case, CaseStep
from zhengtong.cases.models_joint import CaseReferral
from zhengtong.core.models import AuditEvent

from .conftest import World, at, complete_case
from .joint_world import client_for


@pytest.fixture
def accepted(world) -> Case:
    case = complete_case(world, at(2026, 3, 2))
    return services.case_accept(case=case, actor=world.counter, now=at(2026, 3, 2))


def refer(user, case, body):
    return client_for(user).post(f"/api/v1/cases/{case.pk}/refer/", body, format="json")


def test_referral_keeps_the_clock(world: World, accepted):
    before = Case.objects.get(pk=accepted.pk)
    response = refer(
        world.counter,
        accepted,
        {"department": world.other_dept.pk, "reason": "属市场监管部门职责"},
    )
    assert response.status_code == 200
    assert (
        Case.objects.get(pk=accepted.pk).department_id == world.dept.pk
    )  # until confirmed
    response = client_for(world.foreign_reviewer).post(
        f"/api/v1/cases/{accepted.pk}/refer-confirm/", {}, format="json"
    )
    assert response.status_code == 200
    after = Case.objects.get(pk=accepted.pk)
    assert after.department_id == world.other_dept.pk
    assert (after.accepted_date, after.due_date, after.statutory_due_date) == (
        before.accepted_date,
        before.due_date,
        before.statutory_due_date,
    )
    step = CaseStep.objects.get(case=after, status="active")
    assert step.department_id == world.other_dept.pk
    assert after.current_assignee_id == step.assignee_id == world.foreign_reviewer.pk
    referral = CaseReferral.objects.get(case=after)
    assert referral.status == "confirmed" and referral.clock_reset_basis == ""
    event = AuditEvent.objects.filter(action="referral_confirm").get()
    assert event.details["clock"] == "kept"


def test_a_restart_needs_a_recorded_legal_basis(world: World, accepted):
    services.referral_request(
        case=accepted, actor=world.counter, department=world.other_dept, reason="职责"
    )
    services.referral_confirm(
        case=accepted,
        actor=world.foreign_reviewer,
        clock_reset_basis="《某条例》第十条：接收部门自收到之日起重新计算",
        now=at(2026, 3, 9),
    )
    after = Case.objects.get(pk=accepted.pk)
    assert after.accepted_date == date(2026, 3, 9)
    event = AuditEvent.objects.filter(action="referral_confirm").get()
    assert event.details["clock"] == "reset"
    assert event.details["before"]["accepted_date"] == "2026-03-02"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"department": 999999, "reason": "x"}, 400, "invalid_department"),
        ({"department": "abc", "reason": "x"}, 400, "invalid_input"),
        ({"department": 0, "reason": "x"}, 400, "invalid_input"),
        ({"department": "OTHER", "reason": ""}, 400, "reason_required"),
        ({"department": "SELF", "reason": "x"}, 409, "same_department"),
    ],
)
def test_bad_referrals_change_nothing(world: World, accepted, body, status, code):
    body = dict(body)
    if body["department"] == "OTHER":
        body["department"] = world.other_dept.pk
    if body["department"] == "SELF":
        body["department"] = world.dept.pk
    events = AuditEvent.objects.count()
    response = refer(world.counter, accepted, body)
    assert response.status_code == status
    assert response.json()["code"] == code
    assert response.json()["message"]  # Chinese, for the person refused
    assert not CaseReferral.objects.exists()
    assert AuditEvent.objects.count() == events
    assert Case.objects.get(pk=accepted.pk).department_id == world.dept.pk


def test_who_may_refer_and_confirm(world: World, accepted):
    # a reviewer is not the window; the applicant neither
    for user in (world.reviewer, world.applicant):
        response = refer(
            user, accepted, {"department": world.other_dept.pk, "reason": "x"}
        )
        assert response.status_code in (403, 404)
    services.referral_request(
        case=accepted, actor=world.counter, department=world.other_dept, reason="职责"
    )
    # the sending department cannot confirm for the receiver
    response = client_for(world.reviewer).post(
        f"/api/v1/cases/{accepted.pk}/refer-confirm/", {}, format="json"
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=accepted.pk).department_id == world.dept.pk
    # a second referral while one is pending
    response = refer(
        world.counter, accepted, {"department": world.other_dept.pk, "reason": "x"}
    )
    assert (response.status_code, response.json()["code"]) == (409, "referral_pending")


def test_refer_without_department_keeps_its_art_32_meaning(world: World):
    case = complete_case(world, at(2026, 3, 2))
    response = refer(
        world.counter, case, {"reason": "不属于本机关", "authority": "市住建局"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "referred"
