"""
A 联办件 branch's own line of steps (承办 → 审核 → 批准 per department): the
lead department runs three steps and decides at the last one; another
department's staff may not act on them; a decision before the last step is
refused and changes nothing. Dates by hand (国庆 2026: 9-25 off, Sunday
9-20 worked).
"""

from datetime import date

from django.test import Client

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import staff_absence_set
from zhengtong.cases import services
from zhengtong.cases.constants import StepStatus
from zhengtong.cases.models import Case
from zhengtong.cases.models_joint import (
    BranchStatus,
    BranchStep,
    JointBranchTemplate,
    JointStepTemplate,
)
from zhengtong.cases.selectors_joint import branch_inbox_for_user
from zhengtong.core.models import AuditEvent

from .conftest import at, complete_case
from .joint_world import JointWorld, client_for
from .test_joint import refused

LINE = (("承办", Role.REVIEWER, 5), ("审核", Role.REVIEWER, None))


@pytest.fixture
def frozen_moment():
    return at(2026, 9, 14)


def world(**kwargs) -> JointWorld:
    """The joint world; the lead branch runs 承办 → 审核 → 批准 (部门负责人)."""
    jw = JointWorld(**kwargs)
    tpl = JointBranchTemplate.objects.get(item_version=jw.version, department=jw.dept)
    for order, (name, role, limit) in enumerate(
        (*LINE, ("批准", Role.DEPARTMENT_HEAD, None)), start=1
    ):
        JointStepTemplate.objects.create(
            branch=tpl, order=order, name=name, role=role, limit_days=limit
        )
    return jw


@pytest.fixture
def jw(db) -> JointWorld:
    return world()


def accepted(jw) -> Case:
    case = complete_case(jw, at(2026, 9, 14))
    return services.case_accept(case=case, actor=jw.counter, now=at(2026, 9, 14))


def jw_page(user, path: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def steps(branch) -> list[BranchStep]:
    return list(BranchStep.objects.filter(branch=branch).order_by("order"))


def test_lead_branch_runs_its_line_and_decides_at_the_last_step(jw):
    case = accepted(jw)
    lead = jw.branch_of(case, jw.dept)
    first, second, last = steps(lead)
    assert [s.status for s in (first, second, last)] == [
        StepStatus.ACTIVE,
        StepStatus.PENDING,
        StepStatus.PENDING,
    ]
    # 承办 has its own 5 working days: 9-15…9-18, Sunday 9-20 worked
    assert first.due_date == date(2026, 9, 20)
    assert first.assignee.department_id == jw.dept.pk
    assert lead.assignee_id == first.assignee_id
    # the other branches have no steps: one decision each, as before
    assert not BranchStep.objects.filter(branch__case=case).exclude(branch=lead)

    # a decision before the last step is refused and changes nothing
    events = AuditEvent.objects.count()
    code, status = refused(
        services.branch_decide, branch=lead, actor=jw.head, outcome="approve"
    )
    assert (code, status) == ("decision_not_at_last_step", 409)
    lead.refresh_from_db()
    assert lead.status == BranchStatus.OPEN
    assert AuditEvent.objects.count() == events

    done = services.branch_step_complete(
        branch=lead, actor=jw.reviewer, opinion="材料齐全。", now=at(2026, 9, 16)
    )
    assert done.pk == first.pk
    first, second, last = steps(lead)
    assert first.status == StepStatus.DONE and first.completed_by == jw.reviewer
    assert second.status == StepStatus.ACTIVE
    assert second.assignee != jw.reviewer  # another reviewer checks
    assert second.due_date is None  # no own limit: the branch's date shows
    services.branch_step_complete(branch=lead, actor=jw.reviewer_b, step=second.pk)
    _first, _second, last = steps(lead)
    assert last.status == StepStatus.ACTIVE
    assert last.assignee == jw.head  # 批准: the department head by role
    # the last step is decided, not completed
    code, _ = refused(services.branch_step_complete, branch=lead, actor=jw.head)
    assert code == "step_is_deciding"

    services.branch_decide(
        branch=lead, actor=jw.head, outcome="approve", opinion="同意。"
    )
    lead.refresh_from_db()
    assert lead.status == BranchStatus.APPROVED
    last.refresh_from_db()
    assert (last.status, last.completed_by, last.opinion) == (
        StepStatus.DONE,
        jw.head,
        "同意。",
    )
    actions = set(
        AuditEvent.objects.filter(
            object_type="cases.casebranch", object_id=str(lead.pk)
        ).values_list("action", flat=True)
    )
    assert {"branch_step_start", "branch_step_complete", "branch_decide"} <= actions


def test_only_staff_of_the_branch_department_work_its_steps(jw):
    case = accepted(jw)
    lead = jw.branch_of(case, jw.dept)
    for outsider in (jw.rev_other, jw.head_other, jw.counter):
        code, status = refused(
            services.branch_step_complete, branch=lead, actor=outsider
        )
        assert (code, status) == ("not_permitted", 403)
    # the API answers the same, with the stable JSON shape
    url = f"/api/v1/cases/{case.pk}/branches/{lead.pk}/step-complete/"
    response = client_for(jw.rev_other).post(url, {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    assert steps(lead)[0].status == StepStatus.ACTIVE
    # bad input: a clear 400, nothing changed
    response = client_for(jw.reviewer).post(url, {"step": "x"}, format="json")
    assert response.status_code == 400 and response.json()["code"]
    # a stale step id is refused
    code, _ = refused(
        services.branch_step_complete,
        branch=lead,
        actor=jw.reviewer,
        step=steps(lead)[1].pk,
    )
    assert code == "step_not_active"
    # a branch without steps is decided at once
    other = jw.branch_of(case, jw.other_dept)
    code, _ = refused(services.branch_step_complete, branch=other, actor=jw.rev_other)
    assert code == "branch_no_steps"
    response = client_for(jw.reviewer).post(url, {"opinion": "可以。"}, format="json")
    assert response.status_code == 200
    lead_row = response.json()["branches"][0]
    assert [s["status"] for s in lead_row["steps"]] == ["done", "active", "pending"]


def test_detail_shows_every_branch_with_its_steps(jw):
    case = accepted(jw)
    lead = jw.branch_of(case, jw.dept)
    services.branch_step_complete(branch=lead, actor=jw.reviewer, opinion="内部意见")
    body = client_for(jw.rev_other).get(f"/api/v1/cases/{case.pk}/").json()
    assert body["joint_due_date"] == "2026-11-20"
    rows = {b["department"]: b for b in body["branches"]}
    assert {"department", "status", "due_date", "steps"} <= set(rows[jw.dept.name])
    names = [s["name"] for s in rows[jw.dept.name]["steps"]]
    assert names == ["承办", "审核", "批准"]
    done, active, _ = rows[jw.dept.name]["steps"]
    assert done["opinion"] is None  # another department: not its opinions
    # 审核 has no own limit: it shows the branch's due date
    assert (active["own_limit"], active["due_date"]) == (False, "2026-10-16")
    assert rows[jw.other_dept.name]["steps"] == []
    own = client_for(jw.reviewer).get(f"/api/v1/cases/{case.pk}/").json()
    assert own["branches"][0]["steps"][0]["opinion"] == "内部意见"
    # the department's 联办 inbox names each branch's current step
    inbox = {b.pk: b.current_step for b in branch_inbox_for_user(user=jw.reviewer)}
    assert inbox == {lead.pk: "审核"}
    page = jw_page(jw.rev_other, "/workbench/joint/")
    assert case.number in page and "—" in page  # no steps: no current step


def test_a_denial_that_stops_the_others_closes_their_steps(db):
    jw = world(stop_on_denial=True)
    case = accepted(jw)
    other = jw.branch_of(case, jw.other_dept)
    services.branch_decide(
        branch=other, actor=jw.rev_other, outcome="deny", opinion="不符合规划。"
    )
    lead = jw.branch_of(case, jw.dept)
    assert lead.status == BranchStatus.STOPPED
    assert {s.status for s in steps(lead)} == {StepStatus.CLOSED}


def test_admin_edits_a_branch_definition_with_its_steps(jw, client):
    root = type(jw.head).objects.create_superuser("root", password="pw-123456")
    client.force_login(root)
    tpl = JointBranchTemplate.objects.get(item_version=jw.version, department=jw.dept)
    page = client.get(f"/admin/cases/jointbranchtemplate/{tpl.pk}/change/")
    assert page.status_code == 200
    assert "承办" in page.content.decode()


def test_an_absent_step_holder_hands_the_branch_step_to_the_backup(jw):
    case = accepted(jw)
    lead = jw.branch_of(case, jw.dept)
    first = steps(lead)[0]
    assert first.assignee == jw.reviewer  # least loaded, first by id
    staff_absence_set(user=jw.reviewer, is_absent=True, note="休假", actor=jw.admin)
    first.refresh_from_db()
    lead.refresh_from_db()
    assert first.assignee == jw.reviewer_b == lead.assignee  # the B岗
    assert AuditEvent.objects.filter(
        action="branch_step_reassign", object_id=str(lead.pk)
    ).exists()
