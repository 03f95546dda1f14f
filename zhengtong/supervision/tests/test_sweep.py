"""
The clock registry and the sweep across the 2025 National Day break
(10-01..08 off; Sun 09-28 and Sat 10-11 are make-up working days).

A 5-working-day case accepted Thu 2025-09-25 is due Thu 10-09 (09-26,
09-28, 09-29, 09-30, 10-09); with two working days' warning it is yellow
from Mon 09-29 and red from Fri 10-10.
"""

import json
from datetime import date
from io import StringIO

from django.core.management import call_command

import pytest
import time_machine

from zhengtong.cases import services
from zhengtong.core.models import AuditEvent
from zhengtong.core.sms import ConsoleSmsBackend
from zhengtong.supervision.constants import ClockKind, ClockState, Lamp
from zhengtong.supervision.models import (
    Alert,
    Clock,
    SupervisionOrder,
    SupervisionPolicy,
)
from zhengtong.supervision.services.sweep import supervision_sweep
from zhengtong.supervision.services.sync import warn_on_for

from .conftest import at, complete_case


def sweep_on(y: int, m: int, d: int) -> dict:
    with time_machine.travel(at(y, m, d), tick=False):
        return supervision_sweep()


def accepted_case(w, day=(2025, 9, 25)):
    case = complete_case(w, at(*day))
    return services.case_accept(case=case, actor=w.counter, now=at(*day))


def case_clock(case) -> Clock:
    return Clock.objects.get(kind=ClockKind.CASE, object_id=case.pk)


def test_lamp_moves_across_the_national_day_break(sworld):
    w = sworld
    case = accepted_case(w)
    assert case.due_date == date(2025, 10, 9)
    sweep_on(2025, 9, 25)
    clock = case_clock(case)
    assert (clock.due_date, clock.warn_on, clock.lamp) == (
        date(2025, 10, 9),
        date(2025, 9, 29),
        Lamp.GREEN,
    )
    # Sunday 09-28 is a working day with three left: still green
    assert sweep_on(2025, 9, 28)["changed"] == 0
    summary = sweep_on(2025, 9, 29)
    assert summary["yellow"] >= 1
    assert case_clock(case).lamp == Lamp.YELLOW
    # the holiday: due date not yet past
    sweep_on(2025, 10, 8)
    assert case_clock(case).lamp == Lamp.YELLOW
    summary = sweep_on(2025, 10, 10)
    clock = case_clock(case)
    assert (clock.lamp, clock.red_since) == (Lamp.RED, date(2025, 10, 10))
    # red: the handler's department head and the supervisors are told
    told = set(
        Alert.objects.filter(clock=clock, level="red").values_list(
            "recipient", flat=True
        )
    )
    assert {w.head.pk, w.supervisor.pk} <= told
    assert w.other_head.pk not in told
    event = AuditEvent.objects.filter(
        stream=f"supervision.clock:{clock.pk}", action="lamp_changed"
    ).last()
    assert (event.from_state, event.to_state) == (Lamp.YELLOW, Lamp.RED)


def test_a_suspended_case_does_not_turn_red(sworld):
    w = sworld
    case = accepted_case(w)
    sweep_on(2025, 9, 25)
    services.case_suspend(
        case=case, actor=w.reviewer, kind="hearing", reason="听证", now=at(2025, 9, 26)
    )
    # 10-14: past the original due date (10-09), the clock is stopped
    summary = sweep_on(2025, 10, 14)
    clock = case_clock(case)
    assert clock.state == ClockState.SUSPENDED
    assert clock.lamp == Lamp.GREEN
    assert summary["red"] == 0
    assert not Alert.objects.filter(clock=clock).exists()
    # ten working days strictly between 09-26 and 10-17 are not counted
    case = services.case_resume(case=case, actor=w.reviewer, now=at(2025, 10, 17))
    assert case.due_date == date(2025, 10, 22)
    sweep_on(2025, 10, 17)
    clock = case_clock(case)
    assert (clock.state, clock.due_date, clock.lamp) == (
        ClockState.RUNNING,
        date(2025, 10, 22),
        Lamp.GREEN,
    )
    assert not Alert.objects.filter(clock=clock, level="red").exists()


def test_the_sweep_is_idempotent(sworld):
    w = sworld
    w.supervisor.phone = "13900002222"
    w.supervisor.save(update_fields=["phone"])
    accepted_case(w)
    sweep_on(2025, 9, 25)
    first = sweep_on(2025, 10, 10)
    assert first["changed"] >= 1
    alerts = Alert.objects.count()
    events = AuditEvent.objects.filter(action="lamp_changed").count()
    sms = len(ConsoleSmsBackend.sent)
    second = sweep_on(2025, 10, 10)
    assert second["changed"] == 0
    assert second["orders_drafted"] == 0
    assert Alert.objects.count() == alerts
    assert AuditEvent.objects.filter(action="lamp_changed").count() == events
    assert len(ConsoleSmsBackend.sent) == sms


def test_escalation_after_three_red_working_days_drafts_exactly_one_order(sworld):
    w = sworld
    case = accepted_case(w)
    sweep_on(2025, 9, 25)
    sweep_on(2025, 10, 10)  # red since Fri 10-10
    # Mon 10-13: red on 10-10 and Sat 10-11 (make-up day), two working days
    assert sweep_on(2025, 10, 13)["orders_drafted"] == 0
    # Tue 10-14: the third working day red
    assert sweep_on(2025, 10, 14)["orders_drafted"] >= 1
    sweep_on(2025, 10, 14)
    sweep_on(2025, 10, 15)
    orders = SupervisionOrder.objects.filter(auto=True, clock=case_clock(case))
    assert orders.count() == 1
    order = orders.get()
    assert order.case_id == case.pk and order.department_id == w.dept.pk
    assert order.state == "draft"


def test_policy_share_of_time_used_brings_yellow_forward(db):
    from zhengtong.cases.clock import calendar

    cal = calendar()
    policy = SupervisionPolicy(yellow_days_left=2)
    # 20 working days from Mon 2026-03-02 end Fri 03-27; two left: from Wed 03-25
    assert warn_on_for(cal, policy, date(2026, 3, 2), date(2026, 3, 27)) == date(
        2026, 3, 25
    )
    policy.yellow_share_used = 0.5
    # half of the 20 working days are used on the 10th working day, Mon 03-16
    assert warn_on_for(cal, policy, date(2026, 3, 2), date(2026, 3, 27)) == date(
        2026, 3, 16
    )


def test_a_concluded_case_closes_its_clocks_and_records_lateness(sworld):
    w = sworld
    case = accepted_case(w)
    sweep_on(2025, 9, 25)
    from zhengtong.core.audit import audit_record

    with time_machine.travel(at(2025, 10, 13), tick=False):
        case.status = "terminated"
        case.save(update_fields=["status", "updated_at"])
        audit_record(action="terminate", obj=case, actor=w.reviewer)
    sweep_on(2025, 10, 13)
    clock = case_clock(case)
    assert clock.state == ClockState.CLOSED
    assert clock.closed_on == date(2025, 10, 13)
    assert clock.closed_late is True


def test_command_prints_the_summary(sworld):
    accepted_case(sworld)
    out = StringIO()
    with time_machine.travel(at(2025, 10, 10), tick=False):
        call_command("supervision_sweep", stdout=out)
    summary = json.loads(out.getvalue())
    assert set(summary) == {"clocks", "changed", "yellow", "red", "orders_drafted"}
    assert summary["clocks"] >= 2  # promised and statutory
    assert summary["red"] >= 1


@pytest.mark.parametrize("resync", [True, False])
def test_resync_and_incremental_sync_agree(sworld, resync):
    w = sworld
    accepted_case(w)
    with time_machine.travel(at(2025, 9, 26), tick=False):
        supervision_sweep(resync=resync)
    kinds = set(Clock.objects.values_list("kind", flat=True))
    assert {ClockKind.CASE, ClockKind.CASE_STATUTORY} <= kinds


def test_heads_and_supervisors_get_one_digest_for_many_new_red_clocks(sworld):
    w = sworld
    cases = [accepted_case(w) for _ in range(3)]
    sweep_on(2025, 9, 25)
    sweep_on(2025, 10, 10)
    day = date(2025, 10, 10)
    head_alerts = Alert.objects.filter(recipient=w.head, level="red", day=day)
    assert head_alerts.count() == 1
    digest = head_alerts.get()
    assert digest.clock_id is None and "共 3 件" in digest.text
    assert "时限 3 个" in digest.text
    assert all(c.number in digest.text for c in cases)
    assert (
        Alert.objects.filter(recipient=w.supervisor, level="red", day=day).count() == 1
    )


def test_a_case_brought_by_a_ticket_is_counted_at_that_counter(sworld):
    from zhengtong.queueing.models import Ticket
    from zhengtong.queueing.tests.factories import hall_setup

    w = sworld
    hall = hall_setup(counters=2)
    counter = hall.counters[1]
    case = accepted_case(w)
    Ticket.objects.create(
        hall=hall.hall,
        category=hall.categories["A"],
        issued_category=hall.categories["A"],
        service_date=date(2025, 9, 25),
        seq=1,
        number="A001",
        channel="kiosk",
        status="served",
        arrival_at=at(2025, 9, 25, 9),
        served_at=at(2025, 9, 25, 9),
        counter=counter,
        case_id=case.pk,
    )
    sweep_on(2025, 9, 25)
    assert set(
        Clock.objects.filter(case_id=case.pk).values_list("counter", flat=True)
    ) == {counter.pk}


def test_the_desk_counts_of_the_centre_follow_every_sweep(sworld):
    from zhengtong.supervision import selectors

    w = sworld
    accepted_case(w)
    sweep_on(2025, 9, 25)
    token = selectors.registry_token()
    assert token
    departments, _counters = selectors.clock_counts_for_desk(user=w.supervisor)
    assert sum(d["red"] for d in departments) == 0
    sweep_on(2025, 10, 10)  # red: the registry changed, so did its token
    assert selectors.registry_token() != token
    departments, _counters = selectors.clock_counts_for_desk(user=w.supervisor)
    assert sum(d["red"] for d in departments) >= 1
    assert departments == selectors.clock_counts_by_department(user=w.supervisor)


def test_a_warning_about_a_clock_that_ended_leaves_the_home_page(sworld):
    from zhengtong.core.audit import audit_record
    from zhengtong.supervision import selectors

    w = sworld
    case = accepted_case(w)
    sweep_on(2025, 9, 25)
    sweep_on(2025, 10, 10)
    rows, total = selectors.alert_list_unread(user=w.head)
    assert total == 1 and rows[0].clock.case_id == case.pk
    with time_machine.travel(at(2025, 10, 13), tick=False):
        case.status = "terminated"
        case.save(update_fields=["status", "updated_at"])
        audit_record(action="terminate", obj=case, actor=w.reviewer)
    sweep_on(2025, 10, 13)
    assert selectors.alert_list_unread(user=w.head) == ([], 0)
