"""
The 联办件 through the API: the detail's ``branches`` and ``joint_due_date``,
and who sees what (a branch department sees its branch and the shared file,
not other branches' internal notes; a department without a branch sees
nothing).
"""

from datetime import date

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.cases import services
from zhengtong.cases.models import Case
from zhengtong.catalog.tests.factories import DepartmentFactory

from .conftest import at, complete_case
from .joint_world import JointWorld, client_for, staff


@pytest.fixture
def frozen_moment():
    return at(2026, 9, 14)


@pytest.fixture
def jw(db) -> JointWorld:
    return JointWorld()


@pytest.fixture
def joint(jw) -> Case:
    case = complete_case(jw, at(2026, 9, 14))
    case = services.case_accept(case=case, actor=jw.counter, now=at(2026, 9, 14))
    services.branch_decide(
        branch=jw.branch_of(case, jw.other_dept),
        actor=jw.rev_other,
        outcome="approve",
        opinion="同意。",
        internal_note="内部：法人曾有处罚记录，已核实",
    )
    return case


def detail(user, case):
    return client_for(user).get(f"/api/v1/cases/{case.pk}/")


def test_the_detail_of_a_joint_case_lists_branches_and_the_joint_due_date(jw, joint):
    body = detail(jw.rev_third, joint).json()
    assert body["is_joint"] is True
    assert body["joint_due_date"] == "2026-11-20"
    assert [
        (b["department"], b["status"], b["due_date"]) for b in body["branches"]
    ] == [
        (jw.dept.name, "open", "2026-10-16"),
        (jw.other_dept.name, "approved", "2026-10-16"),
        (jw.third_dept.name, "open", "2026-10-16"),
    ]


def test_a_plain_case_has_no_branches(jw):
    jw.version.joint_branches.all().delete()
    case = complete_case(jw, at(2026, 9, 14))
    body = detail(jw.applicant, case).json()
    assert body["branches"] == [] and body["joint_due_date"] is None
    assert body["is_joint"] is False and body["report"] is None


@pytest.mark.parametrize(
    ("who", "sees_case", "sees_other_note"),
    [
        ("rev_other", True, True),  # the branch's own department
        ("rev_third", True, False),  # another branch: the file, not the note
        ("reviewer", True, False),  # the lead department
        ("applicant", True, False),
        ("supervisor", True, True),
        ("outsider", False, False),  # a department without a branch
    ],
)
def test_permission_matrix(jw, joint, who, sees_case, sees_other_note):
    if who == "outsider":
        user = staff("outsider", DepartmentFactory(name="区民政局"), Role.REVIEWER)
    else:
        user = getattr(jw, who)
    response = detail(user, joint)
    if not sees_case:
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        return
    assert response.status_code == 200
    notes = {
        b["department_id"]: b["internal_note"] for b in response.json()["branches"]
    }
    if sees_other_note:
        assert notes[jw.other_dept.pk] == "内部：法人曾有处罚记录，已核实"
    else:
        assert notes[jw.other_dept.pk] is None
    # the shared file: materials are listed for every viewer of the case
    assert response.json()["materials"]


def test_a_branch_department_finds_the_case_in_its_list(jw, joint):
    rows = client_for(jw.rev_third).get("/api/v1/cases/").json()["results"]
    assert joint.pk in [r["id"] for r in rows]


def test_branch_actions_over_the_api(jw, joint):
    third = jw.branch_of(joint, jw.third_dept)
    url = f"/api/v1/cases/{joint.pk}/branches/{third.pk}/decide/"
    response = client_for(jw.rev_other).post(url, {"outcome": "approve"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"
    response = client_for(jw.rev_third).post(url, {"outcome": "perhaps"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    other_case_url = f"/api/v1/cases/{joint.pk}/branches/999999/decide/"
    response = client_for(jw.rev_third).post(
        other_case_url, {"outcome": "approve"}, format="json"
    )
    assert response.status_code == 404
    response = client_for(jw.rev_third).post(
        url, {"outcome": "approve", "opinion": "同意。"}, format="json"
    )
    assert response.status_code == 200
    third.refresh_from_db()
    assert third.status == "approved"
    assert date.fromisoformat(response.json()["joint_due_date"]) == date(2026, 11, 20)
