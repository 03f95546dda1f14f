"""
Every status × action × role: allowed, or the error code and HTTP status.

The expectation is written here independently of workflow.TRANSITIONS. The
legal guards of a transition (deciding step, separation of duties, statutory
period, delivery) are tested in test_legal_workflow.py; here
``transition_check(guards=False)`` checks status and actor alone.
"""

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
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
    A.EXTEND_REQUEST: ({S.ACCEPTED, S.UNDER_REVIEW, S.SUSPENDED}, {"assignee"}),
    A.EXTEND: ({S.ACCEPTED, S.UNDER_REVIEW, S.SUSPENDED}, {"head"}),
    A.EXTEND_REJECT: ({S.ACCEPTED, S.UNDER_REVIEW, S.SUSPENDED}, {"head"}),
    # the deciding step's assignee; intake staff pass the table, the guard
    # lets them decide a 即办件 only
    A.APPROVE: ({S.ACCEPTED, S.UNDER_REVIEW}, INTAKE_ROLES),
    A.DENY: ({S.ACCEPTED, S.UNDER_REVIEW}, INTAKE_ROLES),
    A.ISSUE_CERTIFICATE: ({S.DECIDED_APPROVED}, INTAKE_ROLES),
    A.DELIVER: ({S.DECIDED_APPROVED, S.DECIDED_DENIED}, INTAKE_ROLES),
    A.DELIVERY_NOT_NEEDED: ({S.DECIDED_APPROVED, S.DECIDED_DENIED}, INTAKE_ROLES),
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
    "head",
    "foreign_head",
    "system",
]
STEP_ACTIONS = {A.STEP_COMPLETE, A.STEP_RETURN, A.EXTEND_REQUEST}
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
    head = user_create(
        username="head",
        password="pw-123456",
        roles=[Role.DEPARTMENT_HEAD],
        display_name="孙局长",
        department=w.dept,
    )
    foreign_head = user_create(
        username="head2",
        password="pw-123456",
        roles=[Role.DEPARTMENT_HEAD],
        display_name="周局长",
        department=w.other_dept,
    )
    superuser = type(w.applicant).objects.create_superuser(
        username="root", password="pw-123456"
    )
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
        "head": head,
        "foreign_head": foreign_head,
        "superuser": superuser,
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
                    transition_check(
                        case=case, action=action, user=users[role], guards=False
                    )
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


def test_extension_approver_is_the_role_the_region_names(table_world, settings):
    """Not a permission, not the superuser: the department's head by default;
    a region may name another role (here the centre administrator)."""
    from django.contrib.auth.models import Permission

    case, users = table_world
    reviewer = users["reviewer"]
    case.status = Status.UNDER_REVIEW
    reviewer.user_permissions.add(Permission.objects.get(codename="approve_extension"))
    reviewer = type(reviewer).objects.get(pk=reviewer.pk)
    for who in (reviewer, users["superuser"], users["admin"], users["foreign_head"]):
        with pytest.raises(ApplicationError) as err:
            transition_check(case=case, action=A.EXTEND, user=who, guards=False)
        assert err.value.code == "not_permitted"
    transition_check(case=case, action=A.EXTEND, user=users["head"], guards=False)
    settings.CASES_WORKFLOW_RULES = {
        "regions": {
            case.region_code or "511602": {"extension_approver_role": "centre_admin"}
        }
    }
    case.region_code = case.region_code or "511602"
    transition_check(case=case, action=A.EXTEND, user=users["admin"], guards=False)
    with pytest.raises(ApplicationError):
        transition_check(case=case, action=A.EXTEND, user=users["head"], guards=False)


def test_inactive_user_may_do_nothing(table_world):
    case, users = table_world
    applicant = users["applicant"]
    applicant.is_active = False
    case.status = Status.SUBMITTED
    with pytest.raises(ApplicationError) as err:
        transition_check(case=case, action=A.WITHDRAW, user=applicant)
    assert err.value.code == "not_permitted"
