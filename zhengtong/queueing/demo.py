"""
Demo queue: categories, counters' call order, hours, a Saturday-morning
service rule, a morning of tickets.

Idempotent: configuration is upserted, tickets are simulated only when the
demo day has none yet.
"""

import datetime as dt
import random
from typing import IO

from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.catalog.models import Counter, Department, Hall, Region
from zhengtong.core.errors import ApplicationError

from . import rules, selectors, services
from .models import (
    Category,
    CounterCategory,
    ExtraServiceDay,
    OpeningHours,
    QueuePolicy,
    ServiceRule,
    StaffCounterAssignment,
    Ticket,
)

HALL_NAME = "广安区政务服务中心"
SATURDAY_RULE = "周六上午预约服务"

# code, prefix, name, minutes per service, daily cap, warning, departments
CATEGORIES = [
    ("general", "A", "综合受理", 12, 300, 20, ["区行政审批局"]),
    ("business", "B", "企业开办", 20, 120, 10, ["区行政审批局", "广安区税务局"]),
    ("social", "C", "社保医保", 10, 200, 15, ["区人社局", "区医疗保障局"]),
    ("property", "D", "不动产登记", 25, 80, 8, ["区自然资源和规划局", "区住建局"]),
    ("pickup", "E", "出件/咨询", 5, 0, 25, []),
]

# counter number → category codes in call order
COUNTER_PLAN = {
    **{str(n): ["general", "business", "pickup"] for n in (1, 2, 3)},
    **{str(n): ["general", "pickup"] for n in (4, 5, 6)},
    "7": ["general", "pickup"],
    "8": ["social", "pickup"],
    "9": ["social", "pickup"],
    "10": ["business", "pickup"],
    "11": ["property", "pickup"],
    "12": ["property", "pickup"],
}


def _say(stdout: IO | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _hall() -> Hall:
    hall = Hall.objects.filter(name=HALL_NAME).order_by("pk").first()
    if hall is None:
        region = Region.objects.filter(code="511602000000").first()
        hall = Hall.objects.create(
            name=HALL_NAME, region=region, hours="工作日 9:00-12:00，14:00-17:00"
        )
    for number in COUNTER_PLAN:
        Counter.objects.get_or_create(
            hall=hall, number=number, defaults={"name": "综合窗口"}
        )
    return hall


def _configure(hall: Hall) -> dict[str, Category]:
    categories = {}
    for order, (code, prefix, name, minutes, cap, warn, depts) in enumerate(CATEGORIES):
        category, _ = Category.objects.update_or_create(
            code=code,
            defaults={
                "hall": hall,
                "prefix": prefix,
                "name": name,
                "minutes_per_service": minutes,
                "daily_cap": cap,
                "warning_threshold": warn,
                "order": order,
                "active": True,
            },
        )
        category.departments.set(Department.objects.filter(name__in=depts))
        categories[code] = category
    for number, codes in COUNTER_PLAN.items():
        counter = Counter.objects.get(hall=hall, number=number)
        for rank, code in enumerate(codes, start=1):
            CounterCategory.objects.update_or_create(
                counter=counter, category=categories[code], defaults={"rank": rank}
            )
    for weekday in range(5):
        OpeningHours.objects.update_or_create(
            hall=hall,
            weekday=weekday,
            defaults={
                "morning_start": dt.time(9),
                "morning_end": dt.time(12),
                "afternoon_start": dt.time(14),
                "afternoon_end": dt.time(17),
            },
        )
    QueuePolicy.objects.get_or_create(hall=hall)
    _saturday_rule(hall)
    counter_user = User.objects.filter(username="counter").first()
    if counter_user is not None:
        for number in ("1", "2", "3"):
            StaffCounterAssignment.objects.get_or_create(
                user=counter_user, counter=Counter.objects.get(hall=hall, number=number)
            )
    return categories


def _saturday_rule(hall: Hall) -> None:
    """Every Saturday 9:00–12:00, appointments only (周六上午预约服务)."""
    if ServiceRule.objects.filter(hall=hall, name=SATURDAY_RULE).exists():
        return
    rules.service_rule_save(
        rule=ServiceRule(
            hall=hall,
            name=SATURDAY_RULE,
            days=ServiceRule.Days.WEEKDAYS,
            weekdays="5",
            start=dt.time(9),
            end=dt.time(12),
            valid_from=timezone.localdate(),
            mode=ServiceRule.Mode.APPOINTMENTS,
            note="演示：每周六上午预约服务，法定节假日除外",
        ),
        actor="演示数据",
    )


def _demo_day(now: dt.datetime) -> dt.date | None:
    day = timezone.localdate(now)
    for offset in range(15):
        candidate = day + dt.timedelta(days=offset)
        try:
            if selectors.day_is_working(candidate):
                return candidate
        except ApplicationError:
            return None
    return None


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=selectors.local_tz())


def _simulate_morning(
    hall: Hall, categories: dict[str, Category], day: dt.date, now: dt.datetime
) -> int:
    """Issue, call and finish tickets minute by minute from 9:00."""
    rng = random.Random(day.toordinal())  # noqa: S311 - demo data only
    counter_user = User.objects.filter(username="counter").first()
    counters = sorted(
        Counter.objects.filter(hall=hall, number__in=COUNTER_PLAN),
        key=selectors.counter_sort_key,
    )
    start = _at(day, 9)
    end = (
        min(now, _at(day, 11, 40))
        if day == timezone.localdate(now)
        else _at(day, 11, 40)
    )
    weights = [
        ("general", 5),
        ("business", 2),
        ("social", 3),
        ("property", 1),
        ("pickup", 2),
    ]
    codes = [c for c, w in weights for _ in range(w)]
    busy_until: dict[int, dt.datetime] = {}
    issued = 0
    t = start
    while t < end:
        for _ in range(rng.choice([0, 1, 1, 2])):
            priority = rng.choices(Ticket.Priority.values, weights=[20, 2, 1, 1, 1])[0]
            channel = rng.choice([Ticket.Channel.KIOSK, Ticket.Channel.MOBILE])
            if priority != Ticket.Priority.NONE:
                channel = Ticket.Channel.KIOSK
            services.ticket_issue(
                category=categories[rng.choice(codes)],
                channel=channel,
                priority=priority,
                actor="取号机",
                now=t,
            )
            issued += 1
        for counter in counters:
            actor = counter_user if counter.number in ("1", "2", "3") else None
            current = selectors.ticket_current_for_counter(counter=counter, now=t)
            if current is not None and busy_until.get(counter.pk, t) <= t:
                if current.status == Ticket.Status.CALLED:
                    services.ticket_start(ticket=current, actor=actor, now=t)
                    busy_until[counter.pk] = t + dt.timedelta(
                        minutes=rng.randint(3, current.category.minutes_per_service + 5)
                    )
                else:
                    services.ticket_finish(
                        ticket=current,
                        actor=actor,
                        matter=f"{current.category.name}（演示）",
                        now=t,
                    )
                    current = None
            if current is None and rng.random() < 0.7:
                ticket = services.ticket_call_next(counter=counter, actor=actor, now=t)
                if ticket is not None:
                    busy_until[counter.pk] = t + dt.timedelta(minutes=1)
        t += dt.timedelta(minutes=1)
    return issued


def _seed_appointments(categories: dict[str, Category], day: dt.date) -> int:
    made = 0
    applicants = list(User.objects.filter(username__in=["applicant", "applicant2"]))
    for i, user in enumerate(applicants):
        for code in ("general", "business"):
            slots = [
                s
                for s in selectors.appointment_slots(category=categories[code], day=day)
                if s["available"] and s["start"].hour >= 14
            ]
            if not slots:
                continue
            try:
                services.appointment_book(
                    applicant=user,
                    category=categories[code],
                    slot_start=slots[min(len(slots) - 1, 2 + i * 3)]["start"],
                )
                made += 1
            except ApplicationError:
                continue
    return made


def seed(*, password: str, stdout: IO | None = None) -> None:
    """
    Create the demo queue of 广安区政务服务中心 and a morning of tickets.

    中文：演示排队叫号
    """
    del password
    hall = _hall()
    categories = _configure(hall)
    now = timezone.now()
    day = _demo_day(now)
    if day is None:
        _say(stdout, "排队叫号：日历年份缺失，只创建了配置。")
        return
    ExtraServiceDay.objects.get_or_create(
        hall=hall,
        date=day,
        kind=ExtraServiceDay.Kind.EXTENDED,
        defaults={
            "start": dt.time(17),
            "end": dt.time(18, 30),
            "note": "延时服务（演示）",
        },
    )
    issued = 0
    if not Ticket.objects.filter(hall=hall, service_date=day).exists():
        with transaction.atomic():
            issued = _simulate_morning(hall, categories, day, now)
    made = 0
    if not categories["general"].appointments.filter(date=day).exists():
        made = _seed_appointments(categories, day)
    _say(
        stdout,
        f"排队叫号：{len(categories)} 个业务类别，{day:%Y-%m-%d} 取号 {issued} 个，"
        f"预约 {made} 个；counter 账号可在 1–3 号窗口叫号。",
    )
