"""
The clocks of 联办件 branches in the registry (kind ``branch``): one per
branch, owned by its department, following its date and closed when it
decides. Accepted Mon 2026-09-14, each branch has 20 working days: due
Fri 10-16 (9-25 中秋 and 10-1…10-7 off; Sunday 9-20 and Saturday 10-10
worked), red from Mon 10-19; the branch extended by 10 working days is due
Fri 10-30 and still green on 10-19.
"""

from datetime import date

import pytest
import time_machine

from zhengtong.cases import services
from zhengtong.cases.tests.joint_world import JointWorld
from zhengtong.supervision.catalogue import catalogue_seed
from zhengtong.supervision.constants import ClockKind, ClockState, Lamp
from zhengtong.supervision.models import (
    Alert,
    BreachKind,
    Clock,
    MeasureKind,
    SupervisionPolicy,
)
from zhengtong.supervision.selectors import clock_list_for_user
from zhengtong.supervision.services.sweep import supervision_sweep

from .conftest import at, complete_case


@pytest.fixture
def frozen_moment():
    return at(2026, 9, 14)


@pytest.fixture
def jw(db) -> JointWorld:
    catalogue_seed(MeasureKind, BreachKind, SupervisionPolicy)
    return JointWorld()


def sweep_on(y: int, m: int, d: int) -> dict:
    with time_machine.travel(at(y, m, d), tick=False):
        return supervision_sweep()


def branch_clock(branch) -> Clock:
    return Clock.objects.get(kind=ClockKind.BRANCH, object_id=branch.pk)


def test_branch_clocks_follow_their_branches_and_go_red_for_their_department(jw):
    case = complete_case(jw, at(2026, 9, 14))
    case = services.case_accept(case=case, actor=jw.counter, now=at(2026, 9, 14))
    other = jw.branch_of(case, jw.other_dept)
    third = jw.branch_of(case, jw.third_dept)
    sweep_on(2026, 9, 14)
    clocks = Clock.objects.filter(kind=ClockKind.BRANCH, case_id=case.pk)
    assert {(c.department_id, c.due_date, c.state) for c in clocks} == {
        (jw.dept.pk, date(2026, 10, 16), ClockState.RUNNING),
        (jw.other_dept.pk, date(2026, 10, 16), ClockState.RUNNING),
        (jw.third_dept.pk, date(2026, 10, 16), ClockState.RUNNING),
    }
    # a branch's Art. 45 procedure moves its clock and only its own
    services.branch_suspend(
        branch=third,
        actor=jw.rev_third,
        kind="inspection",
        reason="现场检验",
        now=at(2026, 9, 28),
    )
    sweep_on(2026, 9, 28)
    assert branch_clock(third).state == ClockState.SUSPENDED
    assert branch_clock(other).state == ClockState.RUNNING

    # the lead branch is extended by 10 working days: its clock moves to 10-30
    lead = jw.branch_of(case, jw.dept)
    services.branch_extension_request(
        branch=lead, actor=jw.reviewer, days=10, reason="现场核查", now=at(2026, 10, 13)
    )
    services.case_extension_approve(
        case=case, actor=jw.head, note="同意", now=at(2026, 10, 13)
    )
    sweep_on(2026, 10, 19)  # past 10-16: red for the branch's department
    red = branch_clock(other)
    assert (red.lamp, red.department_id) == (Lamp.RED, jw.other_dept.pk)
    seen = clock_list_for_user(user=jw.head_other).filter(kind=ClockKind.BRANCH)
    assert [c.object_id for c in seen] == [other.pk]  # its own department's only
    assert Alert.objects.filter(recipient=jw.head_other).exists()  # its head told
    extended = branch_clock(lead)
    assert (extended.due_date, extended.lamp) == (date(2026, 10, 30), Lamp.GREEN)

    with time_machine.travel(at(2026, 10, 19), tick=False):
        services.branch_decide(
            branch=other, actor=jw.rev_other, outcome="approve", opinion="同意。"
        )
    sweep_on(2026, 10, 19)
    closed = branch_clock(other)
    assert (closed.state, closed.closed_late) == (ClockState.CLOSED, True)
    assert not clock_list_for_user(user=jw.head_other).filter(kind=ClockKind.BRANCH)
    assert branch_clock(lead).state == ClockState.RUNNING
