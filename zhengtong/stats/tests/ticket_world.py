"""
Three tickets on Monday 2026-11-23 (queueing's hall_setup), by hand:

- T1 arrives 09:00, called 09:05, served 09:05–09:15 → wait 5, service 10;
- T2 arrives 09:01, called 09:20, served 09:20–09:30 → wait 19, service 10;
- T3 arrives 09:02, called 09:31, marked no-show → wait 29.

Issued 3, served 2, no-show 1; average wait (5 + 19 + 29) / 3 = 17.67
minutes; p90 of 3 waits is the 3rd (29); average service 10.
"""

import datetime as dt

from zhengtong.queueing import services
from zhengtong.queueing.models import Ticket
from zhengtong.queueing.tests.factories import MONDAY, at, hall_setup


def build_tickets():
    setup = hall_setup(policy={"max_recalls": 0})
    cat = setup.categories["A"]

    def t(minute: int) -> dt.datetime:
        return at(MONDAY, 9) + dt.timedelta(minutes=minute)

    tickets = [
        services.ticket_issue(category=cat, channel=Ticket.Channel.KIOSK, now=t(m))
        for m in (0, 1, 2)
    ]
    counter = setup.counters[0]
    for call_at, finish_at in ((5, 15), (20, 30)):
        ticket = services.ticket_call_next(
            counter=counter, actor=setup.staff, now=t(call_at)
        )
        ticket = services.ticket_start(ticket=ticket, actor=setup.staff, now=t(call_at))
        services.ticket_finish(
            ticket=ticket, actor=setup.staff, matter="咨询", now=t(finish_at)
        )
    last = services.ticket_call_next(counter=counter, actor=setup.staff, now=t(31))
    services.ticket_mark_no_show(ticket=last, actor=setup.staff, now=t(33))
    return setup, tickets
