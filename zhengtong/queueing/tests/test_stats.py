"""Daily statistics records: waiting / service times, no-shows, abandonment."""

import datetime as dt

import pytest

from zhengtong.queueing import selectors, services
from zhengtong.queueing.models import Ticket

from .factories import MONDAY, at, hall_setup

pytestmark = pytest.mark.django_db


def test_queue_stats_daily_per_category_counter_and_staff():
    setup = hall_setup(policy={"max_recalls": 0})
    a, b = setup.categories["A"], setup.categories["B"]
    k = Ticket.Channel.KIOSK
    t1 = services.ticket_issue(category=a, channel=k, now=at(MONDAY, 9, 0))
    t2 = services.ticket_issue(category=a, channel=k, now=at(MONDAY, 9, 5))
    t3 = services.ticket_issue(category=b, channel=k, now=at(MONDAY, 9, 10))
    t4 = services.ticket_issue(category=b, channel=k, now=at(MONDAY, 9, 12))
    services.ticket_issue(category=b, channel=k, now=at(MONDAY, 9, 14))  # never called
    counter1 = setup.counters[0]
    # t1: waits 10, served 10.
    assert (
        services.ticket_call_next(
            counter=counter1, actor=setup.staff, now=at(MONDAY, 9, 10)
        )
        == t1
    )
    services.ticket_start(ticket=t1, actor=setup.staff, now=at(MONDAY, 9, 10))
    services.ticket_finish(
        ticket=t1, actor=setup.staff, matter="咨询", now=at(MONDAY, 9, 20)
    )
    # t2: waits 20, then no-show.
    assert (
        services.ticket_call_next(
            counter=counter1, actor=setup.staff, now=at(MONDAY, 9, 25)
        )
        == t2
    )
    services.ticket_mark_no_show(ticket=t2, actor=setup.staff, now=at(MONDAY, 9, 27))
    # t3 abandoned by its applicant.
    services.ticket_cancel(ticket=t3, actor=None, now=at(MONDAY, 9, 30))
    # t4 served at counter 1 too.
    assert (
        services.ticket_call_next(
            counter=counter1, actor=setup.staff, now=at(MONDAY, 9, 32)
        )
        == t4
    )
    services.ticket_finish(
        ticket=t4, actor=setup.staff, matter="企业开办", now=at(MONDAY, 9, 52)
    )

    during = selectors.queue_stats_daily(day=MONDAY, now=at(MONDAY, 10))
    total = during["total"]
    assert total["issued"] == 5
    assert total["served"] == 2
    assert total["no_shows"] == 1
    assert total["abandoned"] == 1  # the waiting one is not abandoned yet
    assert total["avg_wait_minutes"] == pytest.approx((10 + 20 + 20) / 3, abs=0.1)
    assert total["p90_wait_minutes"] == 20
    assert total["avg_service_minutes"] == 15  # (10 + 20) / 2

    cats = {c["label"]: c for c in during["by_category"]}
    assert cats["综合受理"]["issued"] == 2 and cats["综合受理"]["no_shows"] == 1
    assert cats["企业开办"]["issued"] == 3 and cats["企业开办"]["served"] == 1
    counters = during["by_counter"]
    assert len(counters) == 1 and counters[0]["issued"] == 3
    staff = during["by_staff"]
    assert len(staff) == 1 and staff[0]["served"] == 2

    after = selectors.queue_stats_daily(
        day=MONDAY, now=at(MONDAY + dt.timedelta(days=1), 9)
    )
    assert after["total"]["abandoned"] == 2  # never called by close
