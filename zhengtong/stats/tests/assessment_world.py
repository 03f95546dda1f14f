"""
A toy month for the assessment tests: three counters, four staff, April 2026.

The case figures are written straight into the daily rollup (the numbers
the stats engine would have kept), so every score can be computed by hand
(see test_assessment.py).
"""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.cases.tests.conftest import World
from zhengtong.catalog.tests.factories import CounterFactory, HallFactory
from zhengtong.stats.models_assessment import AssessmentIndicator, AssessmentScheme
from zhengtong.stats.models_facts import CaseDaily
from zhengtong.stats.scheme import scheme_seed
from zhengtong.supervision.catalogue import catalogue_seed
from zhengtong.supervision.models import (
    Breach,
    BreachKind,
    MeasureKind,
    SupervisionPolicy,
)

TZ = ZoneInfo("Asia/Shanghai")
APRIL = date(2026, 4, 1)
MARCH = date(2026, 3, 1)


def moment(y: int, m: int, d: int, hour: int = 10) -> datetime:
    return datetime(y, m, d, hour, tzinfo=TZ)


def daily(
    *, day: date, dept, counter=None, staff=None, concluded=0, on_time=0, overdue=0
) -> None:
    """Add to the rollup as the stats engine does: the day, week and month rows."""
    measures = {
        "accepted": concluded,
        "concluded": concluded,
        "on_time": on_time,
        "overdue": overdue,
    }
    for grain, when in (
        ("d", day),
        ("w", day - timedelta(days=day.weekday())),
        ("m", day.replace(day=1)),
    ):
        row, _ = CaseDaily.objects.get_or_create(
            grain=grain,
            day=when,
            department_id=dept.pk,
            counter_id=counter.pk if counter else 0,
            staff_id=staff.pk if staff else 0,
            item_id=0,
            channel="counter",
        )
        CaseDaily.objects.filter(pk=row.pk).update(
            **{k: F(k) + v for k, v in measures.items()}
        )


class AssessmentWorld(World):
    """The cases world, three counters of the department, a head per department."""

    def __init__(self) -> None:
        super().__init__()
        scheme_seed(AssessmentScheme, AssessmentIndicator)  # after a flush
        catalogue_seed(MeasureKind, BreachKind, SupervisionPolicy)
        hall = HallFactory()
        self.counter_a = CounterFactory(hall=hall, number="1", name="")
        self.counter_b = CounterFactory(hall=hall, number="2", name="")
        self.counter_c = CounterFactory(hall=hall, number="3", name="")
        self.counter_x = CounterFactory(hall=hall, number="9", name="")
        for c in (self.counter_a, self.counter_b, self.counter_c):
            c.departments.add(self.dept)
        self.counter_x.departments.add(self.other_dept)
        self.other_head = user_create(
            username="other_head",
            password="pw-123456",
            roles=[Role.DEPARTMENT_HEAD],
            display_name="周局长",
            department=self.other_dept,
            is_staff=True,
        )

    def april(self) -> None:
        """The toy month's figures (see test_assessment.py for the hand sums)."""
        day = date(2026, 4, 20)
        daily(day=day, dept=self.dept, counter=self.counter_a, concluded=10, on_time=10)
        daily(
            day=day,
            dept=self.dept,
            counter=self.counter_b,
            concluded=10,
            on_time=9,
            overdue=1,
        )
        daily(day=day, dept=self.dept, counter=self.counter_c, concluded=4, on_time=4)
        daily(day=day, dept=self.dept, staff=self.counter, concluded=5, on_time=5)
        daily(day=day, dept=self.dept, staff=self.reviewer, concluded=8, on_time=8)
        daily(day=day, dept=self.dept, staff=self.reviewer_b, concluded=8, on_time=8)
        daily(
            day=day,
            dept=self.other_dept,
            staff=self.foreign_reviewer,
            concluded=10,
            on_time=3,
            overdue=7,
        )

    def card(self, *, person, counter=None, measure="yellow_card", when=None) -> Breach:
        """A decided card (黄牌 by default) of the month ``when`` falls in."""
        chosen = MeasureKind.objects.get(code=measure)
        return Breach.objects.create(
            number=f"XG-{Breach.objects.count() + 1}",
            kind=BreachKind.objects.get(code="overdue_concluded"),
            person=person,
            counter=counter,
            department=self.dept,
            evidence_kind="case",
            evidence_text="超过承诺时限办结",
            proposed_measure=chosen,
            state="decided",
            measure=chosen,
            decided_at=when or moment(2026, 4, 21),
        )
