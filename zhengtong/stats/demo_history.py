"""
Demo history of the assessed months (考核月份的演示办件): the two months the
demo signs off get cases received at the demo counters, accepted by the
demo clerks (counter, counter2), decided and concluded in the month, most
of them rated on the counter's 评价器 — so 服务明星, the ranking, the
red-flag election and the hall display have something real to show.

Everything goes through the services, each step at its own past moment
(the cases demo's clock, ``cases.demo._clock_at``): the ticket is issued,
called, started, linked to the case and finished; the case is created,
submitted, accepted, reviewed, decided, delivered and concluded; the
rating is given after the conclusion.  One case per month is concluded
after its promised date (超期), so the figures are not all perfect.
Idempotent: a case whose idempotency key exists is skipped.

中文：考核月份演示数据
"""

import datetime
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from zhengtong.cases import clock
from zhengtong.cases import services as case_services
from zhengtong.cases.constants import DeliveryMethod, Outcome
from zhengtong.cases.demo import DEPARTMENT, Demo, _clock_at, demo_items
from zhengtong.cases.models import Case
from zhengtong.catalog.models import Counter, Department
from zhengtong.core.errors import ApplicationError
from zhengtong.feedback.services.ratings import event_for_case, rating_create
from zhengtong.queueing import services as queue_services
from zhengtong.queueing.models import Category, CounterCategory, Ticket

# per case: (working day of the month, counter clerk, rating or None, overdue)
PLAN = [
    (
        1,
        "counter2",
        4,
        True,
    ),  # early, on the quickest item: late still inside the month
    (3, "counter", 5, False),
    (5, "counter", 4, False),
    (7, "counter2", 5, False),
    (9, "counter", 5, False),
    (11, "counter2", 3, False),
    (12, "counter", 5, False),
    (14, "counter2", None, False),
]
OVERDUE_BY = 2  # working days after the promised date
ITEMS = 3  # the first three demo items: the review steps to a decision


def _promised(item: Any) -> int:
    return item.current_version.promised_days or 5


def _working_days(cal: Any, month: datetime.date) -> list[datetime.date]:
    days = []
    day = month
    while day.month == month.month:
        if cal.is_working_day(day):
            days.append(day)
        day += datetime.timedelta(days=1)
    return days


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(hour, minute))
    )


def _desk(clerk: Any, department: Department) -> tuple[Counter, Category, Any] | None:
    """
    A counter of ``clerk`` and a category it serves for ``department``, and
    who works the queue there: the clerk, or for a clerk with no counter
    (counter2 in the demo) a counter of the department nobody is assigned
    to, worked as the queueing demo works it (no actor).
    """
    links = CounterCategory.objects.filter(
        category__departments=department, category__active=True
    ).select_related("counter", "category")
    link = (
        links.filter(counter__staff_assignments__user=clerk)
        .order_by("rank", "counter__number")
        .first()
    )
    if link is not None:
        return link.counter, link.category, clerk
    link = (
        links.filter(
            counter__staff_assignments__isnull=True, counter__departments=department
        )
        .order_by("rank", "counter__pk")
        .first()
    )
    return None if link is None else (link.counter, link.category, None)


def _ticket_served(counter: Counter, category: Category, clerk: Any) -> Ticket | None:
    """Issue, call and start a ticket at ``counter`` now (None if the hall is closed)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            queue_services.ticket_issue(
                category=category, channel=Ticket.Channel.KIOSK, actor="取号机", now=now
            )
            ticket = queue_services.ticket_call_next(
                counter=counter, actor=clerk, now=now + datetime.timedelta(minutes=4)
            )
            if ticket is None:
                return None
            return queue_services.ticket_start(
                ticket=ticket, actor=clerk, now=now + datetime.timedelta(minutes=5)
            )
    except ApplicationError:
        return None


def _one_case(
    *,
    demo: Demo,
    key: str,
    n: int,
    item_n: int,
    accept_day: datetime.date,
    decide_day: datetime.date,
    desk: tuple[Counter, Category, Any] | None,
    level: int | None,
) -> None:
    clerk = demo.counter
    with _clock_at(_at(accept_day, 9, 30 + n)):
        ticket = None if desk is None else _ticket_served(*desk)
        case = demo.reviewed(key, "applicant" if n % 2 else "applicant2", item_n)
        if ticket is not None and desk is not None:
            ticket = queue_services.ticket_link_case(
                ticket=ticket, case_id=case.pk, actor=desk[2]
            )
            queue_services.ticket_finish(
                ticket=ticket,
                actor=desk[2],
                matter=f"受理：{case.number}（演示）",
                now=timezone.now() + datetime.timedelta(minutes=12),
            )
    with _clock_at(_at(decide_day, 15)):
        case.refresh_from_db()
        case_services.case_decide(
            case=case,
            actor=demo.assignee(case),
            outcome=Outcome.APPROVE,
            reason="符合法定条件和标准。",
        )
        case_services.case_deliver(
            case=case,
            actor=clerk,
            method=DeliveryMethod.COUNTER_PICKUP,
            recipient=case.applicant_name,
        )
        case_services.case_conclude(case=case, actor=clerk, note="窗口领取，已办结。")
        if level is not None:
            case.refresh_from_db()
            rating_create(event=event_for_case(case), level=level, channel="device")


def history_seed(*, months: list[datetime.date], stdout: IO | None = None) -> str:
    """
    Create the demo cases of ``months`` (each the 1st of a finished month).

    Returns one line for the seed's output.

    中文：考核月份演示办件
    """
    user_model = get_user_model()
    names = ("applicant", "applicant2", "counter", "counter2", "reviewer", "admin")
    users = {
        u.username: u for u in user_model.objects.filter(username__in=(*names, "head"))
    }
    department = Department.objects.filter(name=DEPARTMENT).first()
    if department is None or len(users) < len(names):
        return "考核月份演示办件：缺少部门或演示账号，跳过。"
    try:
        items = demo_items(department=department, today=timezone.localdate())
    except ApplicationError as exc:
        return f"考核月份演示办件：无法准备演示事项（{exc.message}），跳过。"
    if not items:
        return "考核月份演示办件：没有演示事项，跳过。"
    cal = clock.calendar()
    made, failed = 0, []
    for month in months:
        days = _working_days(cal, month)
        for n, (nth, clerk_name, level, overdue) in enumerate(PLAN):
            key = f"stats-{month:%Y%m}-{n}"
            if (
                nth > len(days)
                or Case.objects.filter(idempotency_key=f"demo-{key}").exists()
            ):
                continue
            clerk = users[clerk_name]
            demo = Demo(items, {**users, "counter": clerk})
            accept_day = days[nth - 1]
            decide_day = accept_day
            item_n = n % ITEMS
            if overdue:
                item_n = min(range(ITEMS), key=lambda i: _promised(demo.item(i)))
                promised = _promised(demo.item(item_n))
                decide_day = clock.add_days(cal, accept_day, promised + OVERDUE_BY)
                if decide_day.month != month.month:
                    decide_day = accept_day
            try:
                with transaction.atomic():
                    _one_case(
                        demo=demo,
                        key=key,
                        n=n,
                        item_n=item_n,
                        accept_day=accept_day,
                        decide_day=decide_day,
                        desk=_desk(clerk, department),
                        level=level,
                    )
                made += 1
            except ApplicationError as exc:
                failed.append(f"{month:%Y-%m} 第{n + 1}件（{exc.message}）")
    line = f"考核月份演示办件：新建 {made} 件"
    return line + ("；未能创建：" + "；".join(failed) if failed else "。")
