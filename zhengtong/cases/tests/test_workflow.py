"""
Every status × action × role: allowed, or the error code and HTTP status.

The expectation is written here independently of workflow.TRANSITIONS.
"""

import pytest

from zhengtong.cases.constants import Action, Status, StepStatus
from zhengtong.cases.models import CaseStep
from zhengtong.cases.services import case_create
from zhengtong.cases.workflow import case_allowed_actions, transition_check
from zhengtong.core.errors import ApplicationError

S, A = Status, Action
PRE_DECISION = {
    S.DRAFT,
    S.SUBMITTED,
    S.SUPPLEMENT_REQUESTED,
    S.ACCEPTED,
    S.UNDER_REVIEW,
    S.SUSPENDED,
}
INTAKE_ROLES = {"counter", "reviewer", "assignee", "admin"}
REVIEW_ROLES = {"reviewer", "assignee", "admin"}

# action: (statuses where it is possible, roles allowed)
SPEC = {
    A.SUBMIT: ({S.DRAFT}, {"applicant", "agent", "counter"}),
    A.ACCEPT: ({S.SUBMITTED}, INTAKE_ROLES),
    A.DEEM_ACCEPT: ({S.SUBMITTED}, {"system"}),
    A.REQUEST_SUPPLEMENT: ({S.SUBMITTED}, INTAKE_ROLES),
    A.SUPPLEMENT: ({S.SUPPLEMENT_REQUESTED}, {"applicant", "agent", "counter"}),
    A.REFUSE: ({S.SUBMITTED, S.SUPPLEMENT_REQUESTED}, INTAKE_ROLES),
    A.MARK_NOT_REQUIRED: ({S.SUBMITTED}, INTAKE_ROLES),
    A.REFER: ({S.SUBMITTED}, INTAKE_ROLES),
    A.STEP_COMPLETE: ({S.ACCEPTED, S.UNDER_REVIEW}, {"assignee"}),
    A.STEP_RETURN: ({S.UNDER_REVIEW}, {"assignee"}),
    A.STEP_REASSIGN: ({S.ACCEPTED, S.UNDER_REVIEW, S.SUSPENDED}, {"admin"}),
    A.SUSPEND: ({S.ACCEPTED, S.UNDER_REVIEW}, REVIEW_ROLES),
    A.RESUME: ({S.SUSPENDED}, REVIEW_ROLES),
    A.EXTEND: ({S.ACCEPTED, S.UNDER_REVIEW, S.SUSPENDED}, {"admin"}),
    A.APPROVE: ({S.ACCEPTED, S.UNDER_REVIEW}, REVIEW_ROLES),
    A.DENY: ({S.ACCEPTED, S.UNDER_REVIEW}, REVIEW_ROLES),
    A.ISSUE_CERTIFICATE: ({S.DECIDED_APPROVED}, INTAKE_ROLES),
    A.DELIVER: ({S.DECIDED_APPROVED, S.DECIDED_DENIED}, INTAKE_ROLES),
    A.CONCLUDE: ({S.DECIDED_APPROVED, S.DECIDED_DENIED}, INTAKE_ROLES),
    A.WITHDRAW: (PRE_DECISION, {"applicant", "agent"}),
    A.DEEM_WITHDRAW: ({S.ACCEPTED, S.UNDER_REVIEW, S.SUSPENDED}, {"system"}),
    A.TERMINATE: (PRE_DECISION - {S.DRAFT}, {"admin", "system"}),
}
ROLES = [
    "applicant",
    "agent",
    "other_applicant",
    "counter",
    "reviewer",
    "assignee",
    "admin",
    "supervisor",
    "foreign_staff",
    "system",
]
STEP_ACTIONS = {A.STEP_COMPLETE, A.STEP_RETURN}
DEPT_STAFF = {"counter", "reviewer", "admin"}


def expected(status: str, action: str, role: str) -> tuple[str, int] | None:
    states, roles = SPEC[action]
    if role not in roles:
        if action in STEP_ACTIONS and role in DEPT_STAFF:
            return ("not_assignee", 403)
        return ("not_permitted", 403)
    if status not in states:
        return ("invalid_transition", 409)
    return None


def test_spec_covers_every_action():
    assert set(SPEC) == set(Action.values)


@pytest.fixture
def table_world(world):
    from datetime import date

    from zhengtong.accounts.models import AgentAuthorization

    w = world
    agent = type(w.applicant).objects.create(username="agent", display_name="代理人")
    AgentAuthorization.objects.create(
        principal=w.applicant, agent=agent, valid_from=date(2020, 1, 1)
    )
    case = case_create(
        applicant=w.applicant, item=w.item, actor=w.applicant, agent=agent, submit=True
    )
    assignee = w.reviewer_b
    CaseStep.objects.create(
        case=case,
        order=1,
        name="承办",
        role="reviewer",
        department=w.dept,
        status=StepStatus.ACTIVE,
        assignee=assignee,
    )
    case.current_assignee = assignee
    case.save()
    users = {
        "applicant": w.applicant,
        "agent": agent,
        "other_applicant": w.other_applicant,
        "counter": w.counter,
        "reviewer": w.reviewer,
        "assignee": assignee,
        "admin": w.admin,
        "supervisor": w.supervisor,
        "foreign_staff": w.foreign_reviewer,
        "system": None,
    }
    return case, users


def test_every_status_action_role(table_world):
    case, users = table_world
    checked = 0
    mismatches = []
    for status in Status.values:
        case.status = status
        for action in Action.values:
            for role in ROLES:
                want = expected(status, action, role)
                try:
                    transition_check(case=case, action=action, user=users[role])
                    got = None
                except ApplicationError as exc:
                    got = (exc.code, exc.status)
                    assert exc.message, "refusals carry a Chinese message"
                if got != want:
                    mismatches.append((status, action, role, want, got))
                checked += 1
    assert checked == len(Status.values) * len(Action.values) * len(ROLES)
    assert not mismatches, mismatches[:10]


def test_allowed_actions_follow_the_table(table_world):
    case, users = table_world
    case.status = Status.SUBMITTED
    assert set(case_allowed_actions(case=case, user=users["counter"])) == {
        A.ACCEPT,
        A.REQUEST_SUPPLEMENT,
        A.REFUSE,
        A.MARK_NOT_REQUIRED,
        A.REFER,
    }
    assert case_allowed_actions(case=case, user=users["supervisor"]) == []
    assert set(case_allowed_actions(case=case, user=users["applicant"])) == {A.WITHDRAW}


def test_reviewer_with_extension_permission_may_extend(table_world):
    from django.contrib.auth.models import Permission

    case, users = table_world
    reviewer = users["reviewer"]
    case.status = Status.UNDER_REVIEW
    with pytest.raises(ApplicationError) as err:
        transition_check(case=case, action=A.EXTEND, user=reviewer)
    assert err.value.code == "not_permitted"
    reviewer.user_permissions.add(Permission.objects.get(codename="approve_extension"))
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    transition_check(case=case, action=A.EXTEND, user=reviewer)


def test_inactive_user_may_do_nothing(table_world):
    case, users = table_world
    applicant = users["applicant"]
    applicant.is_active = False
    case.status = Status.SUBMITTED
    with pytest.raises(ApplicationError) as err:
        transition_check(case=case, action=A.WITHDRAW, user=applicant)
    assert err.value.code == "not_permitted"
