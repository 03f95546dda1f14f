"""
Clocks across the 2025 National Day break (2025-10-01..08 off; 09-28 Sunday
and 10-11 Saturday are make-up working days), with two suspensions and an
extension; deemed acceptance after 5 working days; lamps; step clocks.
"""

from datetime import date

import pytest

from zhengtong.cases import clock, services
from zhengtong.cases.constants import Lamp, Status
from zhengtong.cases.models import Case
from zhengtong.catalog.tests.factories import ServiceItemFactory
from zhengtong.core.errors import ApplicationError

from .conftest import at, complete_case, to_deciding_step


def extend(w, case, days: int, *, now):
    """The current assignee asks, the department head approves (Art. 42)."""
    assignee = w.fresh(Case.objects.get(pk=case.pk).current_assignee)
    services.case_extension_request(
        case=case, actor=assignee, days=days, reason="情况复杂", now=now
    )
    return services.case_extension_approve(case=case, actor=w.head, now=now)


@pytest.fixture
def item10(world):
    return ServiceItemFactory(
        department=world.dept, published__promised_days=10, published__statutory_days=20
    )


def test_suspension_counts_working_days_strictly_between(db):
    cal = clock.calendar()
    # Mon 09-29 .. Fri 10-10: only 09-30 and 10-09 are working days between.
    assert (
        clock.suspension_excluded_days(
            cal, date(2025, 9, 29), date(2025, 10, 10), date(2025, 10, 10)
        )
        == 2
    )
    # same day: nothing excluded
    assert (
        clock.suspension_excluded_days(
            cal, date(2025, 10, 13), date(2025, 10, 13), date(2025, 10, 13)
        )
        == 0
    )
    # open on 10-09: (09-29, 10-09] holds 09-30 and 10-09
    assert (
        clock.suspension_excluded_days(cal, date(2025, 9, 29), None, date(2025, 10, 9))
        == 2
    )


def test_due_dates_across_national_day_with_two_suspensions_and_extension(
    world, item10, settings
):
    w = world
    case = complete_case(w, at(2025, 9, 26), item=item10)
    case = services.case_accept(case=case, actor=w.counter, now=at(2025, 9, 26))
    # 10 working days after Fri 09-26: 09-28(调休) 09-29 09-30 10-09 10-10 10-11(调休)
    # 10-13 10-14 10-15 10-16
    assert case.due_date == date(2025, 10, 16)
    assert case.statutory_due_date == date(2025, 10, 30)
    assert case.lamp == Lamp.GREEN

    services.case_suspend(
        case=case, actor=w.reviewer, kind="testing", reason="送检", now=at(2025, 9, 29)
    )
    # open suspension seen on 10-09: 09-30 and 10-09 are excluded so far
    case = services.case_clock_recompute(case=case, now=at(2025, 10, 9))
    assert case.status == Status.SUSPENDED
    assert case.suspended_days == 2
    assert case.due_date == date(2025, 10, 20)
    case = services.case_resume(case=case, actor=w.reviewer, now=at(2025, 10, 10))
    assert case.status == Status.ACCEPTED
    assert case.suspended_days == 2
    assert case.due_date == date(2025, 10, 20)

    services.case_suspend(
        case=case,
        actor=w.reviewer,
        kind="expert_review",
        reason="专家评审",
        now=at(2025, 10, 13),
    )
    case = services.case_resume(case=case, actor=w.reviewer, now=at(2025, 10, 15))
    assert case.suspended_days == 3  # + 10-14

    # here the promise moves with an extension (a region whose promise says so)
    settings.CASES_WORKFLOW_RULES = {"extension_moves_promised_date": True}
    extend(w, case, 3, now=at(2025, 10, 16))
    case = Case.objects.get(pk=case.pk)
    # 10 + 3 suspended + 3 extension = 16 working days after 09-26
    assert case.due_date == date(2025, 10, 24)
    # 20 + 3 + 3 = 26 working days after 09-26
    assert case.statutory_due_date == date(2025, 11, 7)
    assert case.extension_days == 3
    assert [(s.working_days) for s in case.suspensions.order_by("id")] == [2, 1]

    # lamps: yellow with 2 working days left, red after the due date
    services.case_clocks_refresh(now=at(2025, 10, 22))
    case.refresh_from_db()
    assert case.lamp == Lamp.YELLOW
    services.case_clocks_refresh(now=at(2025, 10, 27))
    case.refresh_from_db()
    assert case.lamp == Lamp.RED


def test_extension_limited_to_ten_working_days_in_total(world, item10):
    w = world
    case = complete_case(w, at(2025, 9, 26), item=item10)
    services.case_accept(case=case, actor=w.counter, now=at(2025, 9, 26))
    extend(w, case, 7, now=at(2025, 10, 9))
    assignee = w.fresh(Case.objects.get(pk=case.pk).current_assignee)
    with pytest.raises(ApplicationError) as err:
        services.case_extension_request(
            case=case, actor=assignee, days=4, reason="再延", now=at(2025, 10, 10)
        )
    assert (err.value.code, err.value.status) == ("extension_limit", 409)
    with pytest.raises(ApplicationError) as err:
        services.case_extension_request(
            case=case, actor=assignee, days=0, reason="x", now=at(2025, 10, 10)
        )
    assert err.value.code == "invalid_days"
    with pytest.raises(ApplicationError) as err:
        services.case_extension_request(
            case=case, actor=assignee, days=1, reason="  ", now=at(2025, 10, 10)
        )
    assert err.value.code == "reason_required"
    case.refresh_from_db()
    assert case.extension_days == 7


def test_suspension_kind_must_be_one_of_article_45(world, item10):
    w = world
    case = complete_case(w, at(2025, 9, 26), item=item10)
    services.case_accept(case=case, actor=w.counter, now=at(2025, 9, 26))
    with pytest.raises(ApplicationError) as err:
        services.case_suspend(
            case=case, actor=w.reviewer, kind="holiday", reason="x", now=at(2025, 9, 29)
        )
    assert err.value.code == "invalid_suspension_kind"
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED


def test_deemed_acceptance_after_five_working_days_across_the_break(world):
    w = world
    case = complete_case(w, at(2025, 9, 30), item=w.item)
    # 5 working days after Tue 09-30: 10-09 10-10 10-11(调休) 10-13 10-14
    assert case.intake_due_date == date(2025, 10, 14)
    assert services.case_deem_accepted_overdue(now=at(2025, 10, 14, 23)) == 0
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert services.case_deem_accepted_overdue(now=at(2025, 10, 15, 1)) == 1
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    assert case.deemed_accepted is True
    assert case.accepted_date == date(2025, 9, 30)  # from the receipt date
    assert case.due_date == date(2025, 10, 14)  # 5 promised days from 09-30
    assert case.lamp == Lamp.RED
    from zhengtong.core.models import AuditEvent

    event = AuditEvent.objects.filter(
        stream=f"cases.case:{case.pk}", action="deem_accept"
    ).get()
    assert event.actor_id is None and event.actor_label == "系统"
    assert (event.from_state, event.to_state) == ("submitted", "accepted")
    assert services.case_deem_accepted_overdue(now=at(2025, 10, 16)) == 0


def test_late_intake_decision_finds_the_case_already_accepted(world):
    w = world
    case = complete_case(w, at(2025, 9, 30), item=w.item)
    with pytest.raises(ApplicationError) as err:
        services.case_supplement_request(
            case=case, actor=w.counter, missing=["申请书"], now=at(2025, 10, 20)
        )
    assert err.value.code == "invalid_transition"
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.deemed_accepted


def test_step_clock_moves_with_a_suspension(world):
    from zhengtong.cases.models import StepTemplate

    w = world
    item = ServiceItemFactory(department=w.dept, published__promised_days=10)
    StepTemplate.objects.create(
        item=item, order=1, name="承办", role="reviewer", limit_days=3
    )
    StepTemplate.objects.create(
        item=item, order=2, name="批准", role="reviewer", limit_days=2
    )
    case = complete_case(w, at(2025, 9, 26), item=item)
    case = services.case_accept(case=case, actor=w.counter, now=at(2025, 9, 26))
    step = case.steps.get(order=1)
    assert step.due_date == date(2025, 9, 30)
    services.case_suspend(
        case=case, actor=w.reviewer, kind="hearing", reason="听证", now=at(2025, 9, 29)
    )
    services.case_resume(case=case, actor=w.reviewer, now=at(2025, 10, 10))
    step.refresh_from_db()
    assert step.due_date == date(2025, 10, 10)  # +2 (09-30, 10-09)


def test_certificate_clock_runs_ten_working_days_from_approval(world, item10):
    w = world
    case = complete_case(w, at(2025, 9, 26), item=item10)
    services.case_accept(case=case, actor=w.counter, now=at(2025, 9, 26))
    case = services.case_decide(
        case=case,
        actor=to_deciding_step(case, now=at(2025, 9, 29)),
        outcome="approve",
        now=at(2025, 9, 29),
    )
    # 10 working days after Mon 09-29: 09-30 10-09 10-10 10-11 10-13 10-14 10-15 10-16 10-17 10-20
    assert case.certificate_due_date == date(2025, 10, 20)
    services.case_clocks_refresh(now=at(2025, 10, 21))
    case.refresh_from_db()
    assert case.lamp == Lamp.RED
    case = services.case_certificate_issue(
        case=case, actor=w.counter, now=at(2025, 10, 21)
    )
    assert case.lamp == Lamp.NONE
