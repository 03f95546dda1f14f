"""
Cards and accountability (效能告诫/责任追究): who may propose and decide, the
person's statement, the late-concluded rule, the month's figures.
"""

from datetime import date
from decimal import Decimal

import pytest

from zhengtong.cases.constants import Status, StepStatus
from zhengtong.cases.models import Case
from zhengtong.core.errors import ApplicationError
from zhengtong.supervision.constants import BreachState
from zhengtong.supervision.models import (
    Alert,
    Breach,
    BreachKind,
    MeasureKind,
    SupervisionPolicy,
)
from zhengtong.supervision.services.breaches import (
    RULE_LATE,
    breach_decide,
    breach_dismiss,
    breach_propose,
    breach_state,
    breaches_for_month,
    breaches_propose_late,
)
from zhengtong.supervision.tests.order_world import OrderWorld, at

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def ow(db) -> OrderWorld:
    return OrderWorld()


def _kind(code: str = "first_question_dropped") -> BreachKind:
    return BreachKind.objects.get(code=code)


def _propose(ow, actor, person, **kw) -> Breach:
    return breach_propose(
        actor=actor,
        kind=kw.pop("kind", None) or _kind(),
        person=person,
        evidence_kind=kw.pop("evidence_kind", "first_question"),
        evidence_text="群众首问后被要求自行到其他窗口咨询。",
        **kw,
    )


@pytest.mark.parametrize(
    "who, target, outcome",
    [
        ("supervisor", "reviewer", "ok"),
        ("admin", "foreign_reviewer", "ok"),
        ("head", "reviewer", "ok"),  # own staff
        ("head", "foreign_reviewer", 403),  # another department's staff
        ("counter", "reviewer", 403),
        ("reviewer", "counter", 403),
        ("applicant", "reviewer", 403),
        ("supervisor", "supervisor", 400),  # never on oneself
    ],
)
def test_who_may_propose(ow, who, target, outcome):
    actor, person = ow.fresh(getattr(ow, who)), getattr(ow, target)
    if person.department is None:
        call = lambda: _propose(ow, actor, person, department=ow.dept)  # noqa: E731
    else:
        call = lambda: _propose(ow, actor, person)  # noqa: E731
    if outcome == "ok":
        breach = call()
        assert breach.state == BreachState.PROPOSED
        assert breach.number.startswith("效〔2026〕")
        assert breach.proposed_measure.code == "educate"  # the kind's default
        assert breach.department_id == person.department_id
        assert Alert.objects.filter(recipient=person, text__contains=breach.number)
    else:
        with pytest.raises(ApplicationError) as err:
            call()
        assert err.value.status == outcome
        assert not Breach.objects.exists()


def test_a_rule_proposes_without_an_actor_only_with_its_code(ow):
    with pytest.raises(ApplicationError):
        _propose(ow, None, ow.reviewer)
    assert _propose(ow, None, ow.reviewer, rule_code="test_rule").proposed_by is None


def test_deciding_needs_the_permission_never_on_oneself(ow):
    breach = _propose(ow, ow.fresh(ow.supervisor), ow.reviewer)
    yellow = MeasureKind.objects.get(code="yellow_card")
    for who, status in (
        ("supervisor", 403),  # proposes, may not decide
        ("head", 403),
        ("other_head", 404),  # another department: not visible
        ("reviewer", 403),  # the person named
        ("counter", 403),
    ):
        with pytest.raises(ApplicationError) as err:
            breach_decide(
                breach=breach,
                actor=ow.fresh(getattr(ow, who)),
                measure=yellow,
                reason="属实",
            )
        assert err.value.status == status, who
    with pytest.raises(ApplicationError) as err:
        breach_decide(breach=breach, actor=ow.fresh(ow.admin), measure="", reason="x")
    assert err.value.code == "invalid_input"
    decided = breach_decide(
        breach=breach,
        actor=ow.fresh(ow.admin),
        measure=yellow,
        reason="经核实，首问推诿属实。",
    )
    assert decided.state == BreachState.DECIDED
    assert (decided.measure, decided.decided_by_id) == (yellow, ow.admin.pk)
    with pytest.raises(ApplicationError) as err:
        breach_dismiss(breach=decided, actor=ow.fresh(ow.admin), reason="撤回")
    assert err.value.code == "invalid_state"
    # a record naming the centre administrator is decided by someone else
    own = _propose(ow, ow.fresh(ow.supervisor), ow.admin)
    with pytest.raises(ApplicationError) as err:
        breach_decide(breach=own, actor=ow.fresh(ow.admin), measure=yellow, reason="x")
    assert err.value.status == 403


def test_statement_before_and_after_decision_keeps_the_decision(ow):
    breach = _propose(ow, ow.fresh(ow.supervisor), ow.reviewer)
    with pytest.raises(ApplicationError) as err:
        breach_state(breach=breach, actor=ow.fresh(ow.head), text="替他申辩")
    assert err.value.status == 403
    breach_state(
        breach=breach,
        actor=ow.fresh(ow.reviewer),
        text="当时在办理急件。",
        now=at(2026, 3, 2, 11),
    )
    breach.refresh_from_db()
    assert "认定前申辩］当时在办理急件。" in breach.statement
    assert Alert.objects.filter(recipient=ow.supervisor, text__contains="申辩").exists()
    breach_decide(
        breach=breach, actor=ow.fresh(ow.admin), measure="remind", reason="情节轻微"
    )
    breach_state(
        breach=breach, actor=ow.fresh(ow.reviewer), text="已改正。", now=at(2026, 3, 3)
    )
    breach.refresh_from_db()
    assert breach.state == BreachState.DECIDED and breach.measure.code == "remind"
    assert breach.statement.count("申辩］") == 2
    assert "认定后申辩］已改正。" in breach.statement
    assert Alert.objects.filter(
        recipient=ow.admin, text__contains="认定后申辩"
    ).exists()


def test_dismissed_records_take_no_statement(ow):
    breach = _propose(ow, ow.fresh(ow.supervisor), ow.reviewer)
    with pytest.raises(ApplicationError):
        breach_dismiss(breach=breach, actor=ow.fresh(ow.admin), reason=" ")
    breach_dismiss(breach=breach, actor=ow.fresh(ow.admin), reason="系群众误解。")
    breach.refresh_from_db()
    assert breach.state == BreachState.DISMISSED
    with pytest.raises(ApplicationError) as err:
        breach_state(breach=breach, actor=ow.fresh(ow.reviewer), text="申辩")
    assert err.value.code == "invalid_state"


def _late_story(ow, *, step_done_on: date, concluded_on: date) -> Case:
    """A case accepted 2 March, its first step due 4 March, promised 6 March."""
    case = ow.accepted_case(at(2026, 3, 2))
    step = case.steps.order_by("order").first()
    type(step).objects.filter(pk=step.pk).update(
        due_date=date(2026, 3, 4),
        status=StepStatus.DONE,
        completed_at=at(step_done_on.year, step_done_on.month, step_done_on.day, 16),
        completed_by=ow.reviewer,
    )
    Case.objects.filter(pk=case.pk).update(
        status=Status.CONCLUDED,
        due_date=date(2026, 3, 6),
        concluded_at=at(concluded_on.year, concluded_on.month, concluded_on.day, 17),
    )
    return case


def test_late_rule_proposes_a_yellow_card_for_the_step_held_past_due(ow):
    case = _late_story(
        ow, step_done_on=date(2026, 3, 9), concluded_on=date(2026, 3, 10)
    )
    assert breaches_propose_late(today=date(2026, 3, 11)) == 1
    breach = Breach.objects.get()
    assert breach.rule_code == RULE_LATE and breach.proposed_by is None
    assert (breach.person_id, breach.department_id) == (ow.reviewer.pk, ow.dept.pk)
    assert (breach.evidence_kind, breach.case_id) == ("step", case.pk)
    assert breach.kind.code == "overdue_concluded"
    assert breach.proposed_measure.code == "yellow_card"
    assert "超期3个工作日" in breach.evidence_text  # 5, 6, 9 March
    # idempotent: a second run proposes nothing
    assert breaches_propose_late(today=date(2026, 3, 12)) == 0
    assert Breach.objects.count() == 1


def test_late_rule_leaves_steps_on_time_and_lateness_under_the_threshold(ow):
    # the step was on time, the case late: nobody held a step past due
    _late_story(ow, step_done_on=date(2026, 3, 4), concluded_on=date(2026, 3, 10))
    assert breaches_propose_late(today=date(2026, 3, 11)) == 0
    # the step late by 3 working days, the region's threshold 5
    _late_story(ow, step_done_on=date(2026, 3, 9), concluded_on=date(2026, 3, 10))
    SupervisionPolicy.objects.filter(region_code="").update(late_breach_min_days=5)
    assert breaches_propose_late(today=date(2026, 3, 11)) == 0
    # a case concluded on time proposes nothing either
    SupervisionPolicy.objects.filter(region_code="").update(late_breach_min_days=1)
    Case.objects.update(concluded_at=at(2026, 3, 6, 9))
    assert breaches_propose_late(today=date(2026, 3, 11)) == 0
    assert not Breach.objects.exists()


def test_breaches_for_month_counts_decided_cards_with_points(ow):
    admin = ow.fresh(ow.admin)
    sup = ow.fresh(ow.supervisor)
    a = _propose(ow, sup, ow.reviewer)
    b = _propose(ow, sup, ow.reviewer)
    c = _propose(ow, sup, ow.foreign_reviewer)
    _propose(ow, sup, ow.reviewer)  # not decided: not counted
    breach_decide(breach=a, actor=admin, measure="yellow_card", reason="属实")
    breach_decide(breach=b, actor=admin, measure="educate", reason="属实")
    breach_decide(
        breach=c, actor=admin, measure="red_card", reason="属实", now=at(2026, 4, 1)
    )
    march = breaches_for_month(date(2026, 3, 1))
    assert len(march) == 1
    row = march[0]
    assert (row["person_id"], row["department_id"]) == (ow.reviewer.pk, ow.dept.pk)
    assert row["count"] == 2
    assert row["points"] == Decimal("4")  # 黄牌 3 + 批评教育 1
    assert row["measures"] == {"yellow_card": 1, "educate": 1}
    april = breaches_for_month(date(2026, 4, 1))
    assert [(r["person_id"], r["points"]) for r in april] == [
        (ow.foreign_reviewer.pk, Decimal("6"))
    ]
