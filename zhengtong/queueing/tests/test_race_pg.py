"""Races on PostgreSQL: two counters calling, eight clients taking numbers."""

import threading
from collections import Counter as Tally

from django.db import connection

import pytest

from zhengtong.queueing import services
from zhengtong.queueing.models import Ticket

from .factories import MONDAY, at, hall_setup

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _run_threads(target, n):
    barrier = threading.Barrier(n)
    errors = []

    def wrapper(i):
        try:
            barrier.wait()
            target(i)
        except Exception as exc:  # collected and re-raised in the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapper, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors


def test_two_counters_racing_never_call_the_same_ticket():
    setup = hall_setup(counters=2)
    for minute in range(40):
        services.ticket_issue(
            category=setup.categories["A"],
            channel=Ticket.Channel.KIOSK,
            now=at(MONDAY, 9, minute),
        )
    called: list[list[int]] = [[], []]

    def counter_loop(i):
        counter = setup.counters[i]
        staff = setup.staff if i == 0 else setup.other_staff
        while True:
            ticket = services.ticket_call_next(
                counter=counter, actor=staff, now=at(MONDAY, 10)
            )
            if ticket is None:
                return
            called[i].append(ticket.pk)
            services.ticket_finish(
                ticket=ticket, actor=staff, matter="并发测试", now=at(MONDAY, 10)
            )

    _run_threads(counter_loop, 2)
    everything = called[0] + called[1]
    assert len(everything) == 40
    assert len(set(everything)) == 40
    assert called[0] and called[1]  # both counters really competed
    tickets = Ticket.objects.all()
    assert all(t.status == Ticket.Status.FINISHED for t in tickets)
    assert {t.counter_id for t in tickets} == {c.pk for c in setup.counters}


def test_eight_clients_never_get_duplicate_numbers():
    setup = hall_setup()
    per_client = 15

    def client(i):
        for _ in range(per_client):
            services.ticket_issue(
                category=setup.categories["A"],
                channel=Ticket.Channel.KIOSK,
                now=at(MONDAY, 10),
            )

    _run_threads(client, 8)
    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == 8 * per_client
    assert Tally(numbers).most_common(1)[0][1] == 1
    assert sorted(numbers) == [f"A{n:03d}" for n in range(1, 8 * per_client + 1)]
