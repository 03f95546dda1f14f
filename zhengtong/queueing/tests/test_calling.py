"""Calling order, recall / no-show, hold, transfer: services and properties."""

import datetime as dt

from django.db import transaction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.queueing import selectors, services
from zhengtong.queueing.models import Ticket

from .factories import MONDAY, at, hall_setup

pytestmark = pytest.mark.django_db

KIOSK = Ticket.Channel.KIOSK


def issue(setup, code, minute, priority="none"):
    return services.ticket_issue(
        category=setup.categories[code],
        channel=KIOSK,
        priority=priority,
        now=at(MONDAY, 9) + dt.timedelta(minutes=minute),
    )


def call(setup, minute, counter=0):
    return services.ticket_call_next(
        counter=setup.counters[counter],
        actor=setup.staff,
        now=at(MONDAY, 9) + dt.timedelta(minutes=minute),
    )


def finish(setup, ticket, minute):
    return services.ticket_finish(
        ticket=ticket,
        actor=setup.staff,
        matter="咨询",
        now=at(MONDAY, 9) + dt.timedelta(minutes=minute),
    )


class TestCallOrder:
    def test_priority_group_is_called_before_earlier_walk_ins(self):
        setup = hall_setup()
        issue(setup, "A", 0)
        elder = issue(setup, "A", 1, priority="elderly")
        assert call(setup, 2) == elder

    def test_counter_category_order_then_arrival(self):
        setup = hall_setup()
        b1 = issue(setup, "B", 0)
        a1 = issue(setup, "A", 1)
        a2 = issue(setup, "A", 2)
        # Counter 1 serves A before B; counter 2 serves B before A.
        assert call(setup, 3, counter=0) == a1
        assert call(setup, 3, counter=1) == b1
        finish(setup, a1, 4)
        assert call(setup, 5, counter=0) == a2

    def test_aged_ticket_beats_category_order(self):
        setup = hall_setup(policy={"aging_minutes": 15})
        b1 = issue(setup, "B", 0)
        a1 = issue(setup, "A", 10)
        assert call(setup, 14) == a1  # B not aged yet: A first
        finish(setup, a1, 14)
        issue(setup, "A", 15)
        assert call(setup, 16) == b1  # B waited 16 > 15 minutes

    def test_appointment_check_in_is_ahead_of_walk_ins_by_slot_time(self):
        setup = hall_setup()
        walk_in = issue(setup, "A", 0)
        slots = selectors.appointment_slots(
            category=setup.categories["A"], day=MONDAY, now=at(MONDAY, 8)
        )
        late = services.appointment_book(
            applicant=setup.applicant,
            category=setup.categories["A"],
            slot_start=slots[3]["start"],
            now=at(MONDAY, 8),
        )
        t_late = services.appointment_check_in(code=late.code, now=at(MONDAY, 9, 5))
        assert t_late.number == "A002" and t_late.priority_class == 0
        assert call(setup, 6) == t_late
        finish(setup, t_late, 7)
        assert call(setup, 8) == walk_in

    def test_ticket_transferred_to_a_counter_is_called_only_there(self):
        setup = hall_setup()
        a1 = issue(setup, "A", 0)
        assert call(setup, 1) == a1
        services.ticket_transfer(
            ticket=a1,
            actor=setup.staff,
            counter=setup.counters[1],
            now=at(MONDAY, 9, 2),
        )
        a2 = issue(setup, "A", 3)
        assert call(setup, 4, counter=0) == a2
        assert call(setup, 4, counter=1) == a1

    def test_nobody_waiting_returns_none(self):
        setup = hall_setup()
        assert call(setup, 0) is None

    def test_counter_must_finish_before_next_call(self):
        setup = hall_setup()
        issue(setup, "A", 0)
        issue(setup, "A", 0)
        call(setup, 1)
        with pytest.raises(ApplicationError) as exc:
            call(setup, 2)
        assert exc.value.code == "counter_busy"

    def test_two_counters_never_get_the_same_ticket(self):
        setup = hall_setup()
        only = issue(setup, "A", 0)
        assert call(setup, 1, counter=0) == only
        assert call(setup, 1, counter=1) is None


class TestTransfer:
    def test_transfer_keeps_number_and_arrival_time(self):
        setup = hall_setup()
        a1 = issue(setup, "A", 0)
        b_early = issue(setup, "B", 5)
        b_late = issue(setup, "B", 20)
        called = call(setup, 30)
        assert called == a1
        moved = services.ticket_transfer(
            ticket=called,
            actor=setup.staff,
            category=setup.categories["B"],
            reason="需办理企业开办",
            now=at(MONDAY, 9, 31),
        )
        assert moved.status == Ticket.Status.WAITING
        assert moved.number == "A001"
        assert moved.arrival_at == at(MONDAY, 9)
        assert moved.category == setup.categories["B"]
        assert moved.transfer_count == 1
        # Counter 2 (B first) calls the transferred ticket before later B tickets.
        assert call(setup, 32, counter=1) == moved
        assert b_early.pk != b_late.pk
        event = AuditEvent.objects.filter(action="ticket_transfer").get()
        assert event.from_state == "called" and event.to_state == "waiting"

    def test_transfer_to_unserved_category_of_counter_is_refused(self):
        setup = hall_setup(counters=3)  # counter 3 serves only A
        a1 = issue(setup, "A", 0)
        with pytest.raises(ApplicationError) as exc:
            services.ticket_transfer(
                ticket=a1,
                actor=setup.staff,
                category=setup.categories["B"],
                counter=setup.counters[2],
            )
        assert exc.value.code == "counter_category_mismatch"
        a1.refresh_from_db()
        assert a1.category == setup.categories["A"] and a1.transfer_count == 0


class TestRecallNoShowHold:
    def test_no_show_only_after_required_recalls(self):
        setup = hall_setup(policy={"max_recalls": 2})
        issue(setup, "A", 0)
        ticket = call(setup, 1)
        with pytest.raises(ApplicationError) as exc:
            services.ticket_mark_no_show(ticket=ticket, actor=setup.staff)
        assert exc.value.code == "recalls_required"
        services.ticket_recall(ticket=ticket, actor=setup.staff, now=at(MONDAY, 9, 2))
        services.ticket_recall(ticket=ticket, actor=setup.staff, now=at(MONDAY, 9, 3))
        with pytest.raises(ApplicationError) as exc:
            services.ticket_recall(ticket=ticket, actor=setup.staff)
        assert exc.value.code == "recall_limit_reached"
        done = services.ticket_mark_no_show(
            ticket=ticket, actor=setup.staff, now=at(MONDAY, 9, 4)
        )
        assert done.status == Ticket.Status.NO_SHOW
        assert done.recall_count == 2
        assert list(
            AuditEvent.objects.filter(
                object_type="queueing.ticket", object_id=str(ticket.pk)
            )
            .order_by("seq")
            .values_list("action", flat=True)
        ) == [
            "ticket_issue",
            "ticket_call",
            "ticket_recall",
            "ticket_recall",
            "ticket_no_show",
        ]

    def test_hold_frees_the_counter_and_resume_needs_it_free(self):
        setup = hall_setup()
        first = issue(setup, "A", 0)
        second = issue(setup, "A", 1)
        call(setup, 2)
        services.ticket_hold(ticket=first, actor=setup.staff, reason="回去取身份证")
        assert call(setup, 3) == second
        with pytest.raises(ApplicationError) as exc:
            services.ticket_resume(ticket=first, actor=setup.staff)
        assert exc.value.code == "counter_busy"
        finish(setup, second, 4)
        resumed = services.ticket_resume(ticket=first, actor=setup.staff)
        assert resumed.status == Ticket.Status.SERVING
        done = finish(setup, resumed, 6)
        assert done.matter == "咨询" and done.finished_at == at(MONDAY, 9, 6)

    def test_finish_requires_a_matter(self):
        setup = hall_setup()
        issue(setup, "A", 0)
        ticket = call(setup, 1)
        with pytest.raises(ApplicationError) as exc:
            services.ticket_finish(ticket=ticket, actor=setup.staff, matter="  ")
        assert exc.value.code == "matter_required"
        ticket.refresh_from_db()
        assert ticket.status == Ticket.Status.CALLED

    def test_finished_ticket_cannot_be_recalled(self):
        setup = hall_setup()
        issue(setup, "A", 0)
        ticket = finish(setup, call(setup, 1), 2)
        with pytest.raises(ApplicationError) as exc:
            services.ticket_recall(ticket=ticket, actor=setup.staff)
        assert exc.value.code == "invalid_ticket_state"

    def test_link_case_hook(self):
        setup = hall_setup()
        ticket = issue(setup, "A", 0)
        linked = services.ticket_link_case(ticket=ticket, case_id=42, actor=setup.staff)
        assert linked.case_id == 42
        with pytest.raises(ApplicationError):
            services.ticket_link_case(ticket=ticket, case_id=43, actor=setup.staff)


# Properties -----------------------------------------------------------------

ticket_spec = st.tuples(
    st.sampled_from(["A", "B"]),
    st.sampled_from(["none", "none", "none", "elderly", "military"]),
)
PROPERTY_SETTINGS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _rolled_back(fn):
    with transaction.atomic():
        try:
            fn()
        finally:
            transaction.set_rollback(True)


@PROPERTY_SETTINGS
@given(specs=st.lists(ticket_spec, min_size=1, max_size=25))
def test_property_priority_first_and_fifo_within_class_and_category(specs):
    """Each call takes the best class waiting; a class and category is FIFO."""

    def run():
        setup = hall_setup(policy={"aging_minutes": 600})
        for minute, (code, priority) in enumerate(specs):
            issue(setup, code, minute, priority)
        called = []
        for _ in specs:
            waiting = list(Ticket.objects.filter(status=Ticket.Status.WAITING))
            ticket = call(setup, 100)
            assert ticket is not None
            assert ticket.priority_class == min(t.priority_class for t in waiting)
            called.append(ticket)
            finish(setup, ticket, 100)
        assert call(setup, 100) is None
        assert len({t.pk for t in called}) == len(specs)
        for i, a in enumerate(called):
            for b in called[i + 1 :]:
                if (a.priority_class, a.category_id) == (
                    b.priority_class,
                    b.category_id,
                ):
                    assert a.arrival_at <= b.arrival_at

    _rolled_back(run)


@PROPERTY_SETTINGS
@given(
    backlog=st.integers(min_value=0, max_value=5),
    stream=st.lists(st.sampled_from([None, "A", "A", "B"]), min_size=10, max_size=50),
)
def test_property_every_ticket_is_called_under_a_steady_stream(backlog, stream):
    """
    With one arrival a minute at most and one call a minute, no ticket of a
    low-ranked category starves: each waits at most aging + backlog + 1 min.
    """
    aging = 10

    def run():
        setup = hall_setup(policy={"aging_minutes": aging})
        for _ in range(backlog):
            issue(setup, "A", 0)
        minute = 0
        for minute, code in enumerate(stream):
            if code:
                issue(setup, code, minute)
            ticket = call(setup, minute)
            if ticket is not None:
                finish(setup, ticket, minute)
        minute = len(stream)
        while (ticket := call(setup, minute)) is not None:
            finish(setup, ticket, minute)
            minute += 1
        tickets = list(Ticket.objects.all())
        assert all(t.status == Ticket.Status.FINISHED for t in tickets)
        worst = max(
            (t.called_at - t.arrival_at for t in tickets), default=dt.timedelta(0)
        )
        assert worst <= dt.timedelta(minutes=aging + backlog + 1)

    _rolled_back(run)


@PROPERTY_SETTINGS
@given(
    specs=st.lists(ticket_spec, min_size=1, max_size=20),
    aging=st.sampled_from([2, 5, 8, 600]),
)
def test_property_call_next_follows_the_queue_the_desk_shows(specs, aging):
    """The one-statement claim and the desk's ordered queue never disagree."""

    def run():
        setup = hall_setup(policy={"aging_minutes": aging})
        for minute, (code, priority) in enumerate(specs):
            issue(setup, code, minute, priority)
        # calls start while the newest tickets are younger than the aging
        # limit and the oldest are older, so both orders are in play
        for i in range(len(specs)):
            now = at(MONDAY, 9) + dt.timedelta(minutes=len(specs) + i)
            shown = selectors.ticket_queue_for_counter(
                counter=setup.counters[0], now=now
            ).first()
            ticket = services.ticket_call_next(
                counter=setup.counters[0], actor=setup.staff, now=now
            )
            assert ticket.pk == shown.pk
            finish(setup, ticket, len(specs) + i)

    _rolled_back(run)


def _documented_order(tickets, *, counter, ranks, aged_before):
    """The call order as docs/queueing.md states it, in plain Python."""
    callable_ = [
        t
        for t in tickets
        if t.target_counter_id == counter.pk
        or (t.target_counter_id is None and t.category_id in ranks)
    ]
    return sorted(
        callable_,
        key=lambda t: (
            t.priority_class,
            -1 if t.arrival_at <= aged_before else ranks.get(t.category_id, 0),
            t.appointment_at is None,
            t.appointment_at or t.arrival_at,
            t.arrival_at,
            t.pk,
        ),
    )


@PROPERTY_SETTINGS
@given(
    specs=st.lists(
        st.tuples(
            st.sampled_from(["A", "B"]),
            st.integers(min_value=0, max_value=12),  # arrival minute (ties too)
            st.sampled_from([1, 1, 0]),  # priority class
            st.one_of(st.none(), st.integers(min_value=0, max_value=90)),  # slot
            st.sampled_from([None, None, None, 0, 1]),  # reserved for a counter
        ),
        min_size=1,
        max_size=14,
    ),
    counter_index=st.sampled_from([0, 1]),
    aging=st.sampled_from([1, 4, 600]),
)
def test_property_desk_shows_the_documented_order_and_the_claim_takes_its_head(
    specs, counter_index, aging
):
    """
    Differential test of the one call-order definition: the desk's queue is
    the documented order (an independent Python sort) at every step, and the
    claim SQL of call-next takes exactly its first ticket, with appointments,
    transfers to a counter, equal arrival times and aged tickets in play.
    """

    def run():
        setup = hall_setup(policy={"aging_minutes": aging})
        counter = setup.counters[counter_index]
        for code, minute, priority_class, slot, reserved in specs:
            ticket = issue(setup, code, minute)
            Ticket.objects.filter(pk=ticket.pk).update(
                priority_class=priority_class,
                appointment_at=None
                if slot is None
                else at(MONDAY, 9) + dt.timedelta(minutes=slot),
                target_counter=None if reserved is None else setup.counters[reserved],
            )
        ranks = selectors.counter_category_ranks(counter_id=counter.pk)
        for step in range(len(specs) + 1):
            now = at(MONDAY, 9) + dt.timedelta(minutes=13 + step)
            aged_before = now - dt.timedelta(minutes=aging)
            shown = list(selectors.ticket_queue_for_counter(counter=counter, now=now))
            waiting = Ticket.objects.filter(status=Ticket.Status.WAITING)
            expected = _documented_order(
                list(waiting), counter=counter, ranks=ranks, aged_before=aged_before
            )
            assert [t.pk for t in shown] == [t.pk for t in expected]
            called = services.ticket_call_next(
                counter=counter, actor=setup.staff, now=now
            )
            if not shown:
                assert called is None
                break
            assert called.pk == shown[0].pk
            finish(setup, called, 13 + step)

    _rolled_back(run)
