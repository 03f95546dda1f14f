"""Test helpers: a hall with categories, counters, hours and staff."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.catalog.tests.factories import CounterFactory, HallFactory
from zhengtong.queueing.models import (
    Category,
    CounterCategory,
    ExtraServiceDay,
    OpeningHours,
    QueuePolicy,
    StaffCounterAssignment,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 2026-11-23 is a working day.
MONDAY = dt.date(2026, 11, 23)


def at(day: dt.date, hour: int, minute: int = 0, second: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute, second), tzinfo=SHANGHAI)


@dataclass
class HallSetup:
    hall: object
    categories: dict = field(default_factory=dict)
    counters: list = field(default_factory=list)
    staff: object = None
    other_staff: object = None
    applicant: object = None


def category_make(hall, code: str, prefix: str, **kwargs) -> Category:
    return Category.objects.create(
        hall=hall, code=code, prefix=prefix, name=kwargs.pop("name", code), **kwargs
    )


def hall_setup(*, policy: dict | None = None, counters: int = 2) -> HallSetup:
    """
    Hall with categories A (general) and B (business), counters 1..n.

    Counter 1 serves A then B; counter 2 serves B then A. Opening hours are
    Mon–Fri 9–12 and 14–17. ``staff`` is assigned to counter 1,
    ``other_staff`` to counter 2.
    """
    hall = HallFactory()
    setup = HallSetup(hall=hall)
    setup.categories["A"] = category_make(
        hall, "general", "A", name="综合受理", minutes_per_service=10
    )
    setup.categories["B"] = category_make(
        hall, "business", "B", name="企业开办", minutes_per_service=20
    )
    orders = [["A", "B"], ["B", "A"], ["A"], ["B"]]
    for i in range(counters):
        counter = CounterFactory(hall=hall, number=str(i + 1))
        for rank, code in enumerate(orders[i % 4], start=1):
            CounterCategory.objects.create(
                counter=counter, category=setup.categories[code], rank=rank
            )
        setup.counters.append(counter)
    for weekday in range(5):
        OpeningHours.objects.create(
            hall=hall,
            weekday=weekday,
            morning_start=dt.time(9),
            morning_end=dt.time(12),
            afternoon_start=dt.time(14),
            afternoon_end=dt.time(17),
        )
    QueuePolicy.objects.create(hall=hall, **(policy or {}))
    setup.staff = user_create(
        username=f"staff{hall.pk}",
        password="pw-123456",
        roles=[Role.COUNTER_STAFF],
        is_staff=True,
    )
    StaffCounterAssignment.objects.create(user=setup.staff, counter=setup.counters[0])
    setup.other_staff = user_create(
        username=f"staff2_{hall.pk}",
        password="pw-123456",
        roles=[Role.COUNTER_STAFF],
        is_staff=True,
    )
    if len(setup.counters) > 1:
        StaffCounterAssignment.objects.create(
            user=setup.other_staff, counter=setup.counters[1]
        )
    setup.applicant = user_create(
        username=f"app{hall.pk}",
        password="pw-123456",
        roles=[Role.APPLICANT],
        phone="13800138000",
    )
    return setup


def open_all_day(hall, day: dt.date | None = None) -> None:
    """Open the hall for the whole of ``day`` (default: today)."""
    ExtraServiceDay.objects.create(
        hall=hall,
        date=day or timezone.localdate(),
        kind=ExtraServiceDay.Kind.EXTENDED,
        start=dt.time(0, 0),
        end=dt.time(23, 59, 59),
    )
