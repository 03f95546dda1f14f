"""
联办件 (并联审批, 行政许可法第二十六条、第四十二条第二款): branches open at
acceptance, one joint clock of 45 working days (+15), per-branch clocks,
one combined 补正 notice, one combined decision.

Dates are worked out by hand over 国庆 2026 (State Council notice: 9-25
中秋 off; 10-1…10-7 off; Sunday 9-20 and Saturday 10-10 are working days).
"""

from datetime import date

import pytest

from zhengtong.cases import services
from zhengtong.cases.constants import DocumentKind, Status
from zhengtong.cases.models import Case, CaseStep
from zhengtong.cases.models_joint import BranchStatus, CoordinationMethod
from zhengtong.core.errors import ApplicationError

from .conftest import at, complete_case
from .joint_world import JointWorld, pdf_text


@pytest.fixture
def frozen_moment():
    return at(2026, 9, 14)


@pytest.fixture
def jw(db) -> JointWorld:
    return JointWorld()


@pytest.fixture
def joint(jw) -> Case:
    """A 联办件 of three departments accepted on Monday 2026-09-14."""
    case = complete_case(jw, at(2026, 9, 14))
    return services.case_accept(case=case, actor=jw.counter, now=at(2026, 9, 14))


def refused(call, **kwargs):
    with pytest.raises(ApplicationError) as err:
        call(**kwargs)
    assert err.value.message
    return err.value.code, err.value.status


def test_acceptance_opens_every_branch_at_once_on_the_joint_limit(jw, joint):
    joint.refresh_from_db()
    assert joint.is_joint and joint.statutory_days == 45
    # 45 working days from 9-14, start day not counted, across 中秋 and 国庆:
    # 9-15…9-18 (4), Sunday 9-20 (5), 9-21…9-24 (9), 9-28…9-30 (12),
    # 10-8, 10-9, Saturday 10-10 (15), 10-12…10-16 (20) … 11-16…11-20 (45).
    assert joint.statutory_due_date == date(2026, 11, 20)
    assert joint.due_date == date(2026, 11, 20)
    branches = list(joint.branches.order_by("order"))
    assert [b.department_id for b in branches] == [
        jw.dept.pk,
        jw.other_dept.pk,
        jw.third_dept.pk,
    ]
    assert [b.is_lead for b in branches] == [True, False, False]
    # each branch's own 20 working days: the 20th is 10-16
    assert {b.due_date for b in branches} == {date(2026, 10, 16)}
    assert {b.status for b in branches} == {BranchStatus.OPEN}
    assert branches[1].assignee.department_id == jw.other_dept.pk
    assert not CaseStep.objects.filter(case=joint).exists()  # branches are the work
    # three windows: a 联办会议 convened by the deputy director, not a notice
    assert joint.joint_coordination.method == CoordinationMethod.MEETING
    assert not joint.documents.filter(kind=DocumentKind.JOINT_NOTICE).exists()


def test_two_windows_get_a_numbered_joint_notice(db):
    jw = JointWorld(departments=2)
    case = complete_case(jw, at(2026, 9, 14))
    case = services.case_accept(case=case, actor=jw.counter, now=at(2026, 9, 14))
    coordination = case.joint_coordination
    assert coordination.method == CoordinationMethod.NOTICE
    notice = coordination.document
    assert notice.kind == DocumentKind.JOINT_NOTICE
    assert "联〔2026〕1号" in notice.number
    text = pdf_text(notice)
    assert "联办件通知书" in text and jw.other_dept.name in text


def test_suspension_in_one_branch_and_extension_in_another_move_the_dates(jw, joint):
    a = jw.branch_of(joint, jw.other_dept)
    b = jw.branch_of(joint, jw.third_dept)
    # Branch A: expert review from Monday 9-28 to Monday 10-12. Working days
    # strictly between: 9-29, 9-30, 10-8, 10-9, Saturday 10-10 = 5.
    services.branch_suspend(
        branch=a,
        actor=jw.rev_other,
        kind="expert_review",
        reason="组织专家评审",
        now=at(2026, 9, 28),
    )
    services.branch_resume(branch=a, actor=jw.rev_other, now=at(2026, 10, 12))
    # Branch B asks 10 working days; the lead department's head approves.
    services.branch_extension_request(
        branch=b, actor=jw.rev_third, days=10, reason="现场核查", now=at(2026, 10, 13)
    )
    services.case_extension_approve(
        case=joint, actor=jw.head, note="同意", now=at(2026, 10, 13)
    )
    a.refresh_from_db()
    b.refresh_from_db()
    lead = jw.branch_of(joint, jw.dept)
    joint.refresh_from_db()
    # A: 20 + 5 = 25th working day: 10-19 (21) … 10-23 (25)
    assert (a.suspended_days, a.due_date) == (5, date(2026, 10, 23))
    # B: 20 + 10 = 30th working day: 10-26 (26) … 10-30 (30)
    assert (b.extension_days, b.due_date) == (10, date(2026, 10, 30))
    assert lead.due_date == date(2026, 10, 16)
    # joint: 45 + 5 (A's procedure) + 10 (the extension) = 60th working day:
    # 11-20 is the 45th, 11-27 the 50th, 12-4 the 55th, 12-11 the 60th
    assert joint.suspended_days == 5 and joint.extension_days == 10
    assert joint.statutory_due_date == date(2026, 12, 11)
    assert joint.status == Status.ACCEPTED  # the others ran on


def test_overlapping_branch_procedures_count_once_for_the_joint_clock(jw, joint):
    a = jw.branch_of(joint, jw.other_dept)
    b = jw.branch_of(joint, jw.third_dept)
    services.branch_suspend(
        branch=a, actor=jw.rev_other, kind="testing", reason="检测", now=at(2026, 9, 28)
    )
    services.branch_suspend(
        branch=b, actor=jw.rev_third, kind="hearing", reason="听证", now=at(2026, 9, 29)
    )
    services.branch_resume(branch=a, actor=jw.rev_other, now=at(2026, 10, 12))
    services.branch_resume(branch=b, actor=jw.rev_third, now=at(2026, 10, 12))
    joint.refresh_from_db()
    # A keeps out 5 days, B 4 (9-30, 10-8, 10-9, 10-10); the joint clock
    # the union 9-28…10-12: 5, not 9
    assert joint.suspended_days == 5
    assert joint.statutory_due_date == date(2026, 11, 27)


def test_joint_extension_is_at_most_15_days(jw, joint):
    b = jw.branch_of(joint, jw.third_dept)
    code, status = refused(
        services.branch_extension_request,
        branch=b,
        actor=jw.rev_third,
        days=16,
        reason="x",
        now=at(2026, 9, 15),
    )
    assert (code, status) == ("extension_limit", 409)


def test_branch_supplements_reach_the_applicant_as_one_notice(jw, joint):
    a = jw.branch_of(joint, jw.other_dept)
    b = jw.branch_of(joint, jw.third_dept)
    services.branch_supplement_ask(
        branch=a,
        actor=jw.rev_other,
        items=[{"name": "营业执照副本", "problem": "模糊"}],
    )
    services.branch_supplement_ask(branch=b, actor=jw.rev_third, items=["消防平面图"])
    # a branch cannot send it to the applicant itself
    code, status = refused(
        services.joint_supplement_send, case=joint, actor=jw.rev_other
    )
    assert (code, status) == ("not_permitted", 403)
    request = services.joint_supplement_send(
        case=joint, actor=jw.counter, now=at(2026, 9, 16)
    )
    assert [i["department"] for i in request.items] == [
        jw.other_dept.name,
        jw.third_dept.name,
    ]
    notices = joint.documents.filter(kind=DocumentKind.SUPPLEMENT)
    assert notices.count() == 1
    text = pdf_text(notices.get())
    assert "营业执照副本" in text and "消防平面图" in text
    # nothing left to send: no second, empty notice
    code, _ = refused(services.joint_supplement_send, case=joint, actor=jw.counter)
    assert code == "supplement_empty"


def decide_all(jw, joint, outcome_third="approve"):
    services.branch_decide(
        branch=jw.branch_of(joint, jw.dept),
        actor=jw.reviewer,
        outcome="approve",
        opinion="符合设立条件。",
        internal_note="牵头内部：材料已核",
    )
    services.branch_decide(
        branch=jw.branch_of(joint, jw.other_dept),
        actor=jw.rev_other,
        outcome="approve",
        opinion="同意办理食品经营许可。",
    )
    return services.branch_decide(
        branch=jw.branch_of(joint, jw.third_dept),
        actor=jw.rev_third,
        outcome=outcome_third,
        opinion="消防设施不符合要求。" if outcome_third == "deny" else "",
    )


def test_the_case_concludes_when_every_branch_decided_with_one_notice(jw, joint):
    services.branch_decide(
        branch=jw.branch_of(joint, jw.dept), actor=jw.reviewer, outcome="approve"
    )
    joint.refresh_from_db()
    assert joint.status == Status.ACCEPTED  # two branches still open
    services.branch_decide(
        branch=jw.branch_of(joint, jw.other_dept),
        actor=jw.rev_other,
        outcome="approve",
        opinion="同意办理食品经营许可。",
    )
    services.branch_decide(
        branch=jw.branch_of(joint, jw.third_dept),
        actor=jw.rev_third,
        outcome="deny",
        opinion="消防设施不符合要求。",
    )
    joint.refresh_from_db()
    assert joint.status == Status.DECIDED_DENIED
    notices = joint.documents.filter(kind=DocumentKind.JOINT_DECISION)
    assert notices.count() == 1
    assert not joint.documents.filter(
        kind__in=(DocumentKind.APPROVAL, DocumentKind.DENIAL)
    ).exists()
    text = pdf_text(notices.get())
    for needle in (
        "联办件办理结果通知书",
        jw.dept.name,
        jw.other_dept.name,
        "同意办理食品经营许可",
        jw.third_dept.name,
        "消防设施不符合要求",
        "不予许可",
        "行政复议",
    ):
        assert needle in text, needle


def test_a_denial_stops_the_rest_only_where_the_item_says_so(db):
    jw = JointWorld(stop_on_denial=True)
    case = complete_case(jw, at(2026, 9, 14))
    case = services.case_accept(case=case, actor=jw.counter, now=at(2026, 9, 14))
    services.branch_decide(
        branch=jw.branch_of(case, jw.other_dept),
        actor=jw.rev_other,
        outcome="deny",
        opinion="选址不符合规划。",
    )
    case.refresh_from_db()
    assert case.status == Status.DECIDED_DENIED
    assert jw.branch_of(case, jw.third_dept).status == BranchStatus.STOPPED


def test_a_denial_elsewhere_leaves_the_others_running(jw, joint):
    services.branch_decide(
        branch=jw.branch_of(joint, jw.other_dept),
        actor=jw.rev_other,
        outcome="deny",
        opinion="不符合。",
    )
    joint.refresh_from_db()
    assert joint.status == Status.ACCEPTED
    assert jw.branch_of(joint, jw.third_dept).status == BranchStatus.OPEN


def test_only_the_branch_department_works_on_its_branch(jw, joint):
    b = jw.branch_of(joint, jw.third_dept)
    for actor in (jw.rev_other, jw.counter, jw.applicant, jw.reviewer):
        code, status = refused(
            services.branch_decide, branch=b, actor=actor, outcome="approve"
        )
        assert (code, status) == ("not_permitted", 403)
    b.refresh_from_db()
    assert b.status == BranchStatus.OPEN


def test_bad_input_on_a_branch_changes_nothing(jw, joint):
    b = jw.branch_of(joint, jw.third_dept)
    assert refused(
        services.branch_decide, branch=b, actor=jw.rev_third, outcome="maybe"
    ) == ("invalid_outcome", 400)
    assert refused(
        services.branch_decide, branch=b, actor=jw.rev_third, outcome="deny"
    ) == ("reason_required", 400)
    assert refused(
        services.branch_suspend, branch=b, actor=jw.rev_third, kind="nap", reason="x"
    ) == ("invalid_suspension_kind", 400)
    assert refused(services.branch_resume, branch=b, actor=jw.rev_third) == (
        "branch_not_suspended",
        409,
    )
    b.refresh_from_db()
    assert b.status == BranchStatus.OPEN and b.opinion == ""


def test_the_daily_refresh_moves_the_joint_date_while_a_branch_is_suspended(jw, joint):
    a = jw.branch_of(joint, jw.other_dept)
    services.branch_suspend(
        branch=a, actor=jw.rev_other, kind="testing", reason="检测", now=at(2026, 9, 28)
    )
    # the case itself runs on (not 暂停); on 10-9 the open procedure keeps out
    # 9-29, 9-30, 10-8, 10-9 = 4 working days
    services.case_clocks_refresh(now=at(2026, 10, 9))
    joint.refresh_from_db()
    a.refresh_from_db()
    assert joint.status == Status.ACCEPTED
    assert joint.suspended_days == 4 and a.suspended_days == 4
    # 11-20 + 4 working days (11-23 … 11-26)
    assert joint.statutory_due_date == date(2026, 11, 26)
    assert a.due_date == date(2026, 10, 22)


def test_the_branch_panel_offers_suspend_or_resume_as_the_branch_stands(
    jw, joint, client
):
    """Only an open procedure can be ended; a suspended branch is not suspended again."""
    a = jw.branch_of(joint, jw.other_dept)
    client.force_login(jw.rev_other)
    page = client.get(f"/workbench/joint/{joint.pk}/").content.decode()
    assert "暂停计时</button>" in page and "恢复计时</button>" not in page
    services.branch_suspend(
        branch=a, actor=jw.rev_other, kind="testing", reason="检测", now=at(2026, 9, 28)
    )
    page = client.get(f"/workbench/joint/{joint.pk}/").content.decode()
    assert "恢复计时</button>" in page and "暂停计时</button>" not in page
