"""Fixtures of the agency tests: the cases world, two halls, ready results."""

from datetime import date
from decimal import Decimal

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.agency.constants import Sector
from zhengtong.agency.models import AgencyOfficer, MajorProjectRule
from zhengtong.cases import services as case_services
from zhengtong.cases.tests.conftest import (  # noqa: F401
    World,
    complete_case,
    pdf_file,
    to_deciding_step,
)
from zhengtong.catalog.tests.factories import CounterFactory, HallFactory
from zhengtong.queueing import services as queue_services
from zhengtong.queueing.models import (
    CounterCategory,
    QueuePolicy,
    StaffCounterAssignment,
)
from zhengtong.queueing.tests.factories import HallSetup, category_make, hall_setup

APPLICANT_ID = "110101199003071234"


@pytest.fixture(autouse=True)
def _agency_day(frozen_today):
    """Run every agency test on Monday 2026-03-02 10:00 (root ``frozen_today``)."""


def default_rules() -> None:
    """The thresholds of the source documents (seed-rules E, 四办 一), in 万."""
    MajorProjectRule.objects.create(
        sector=Sector.INDUSTRY,
        registered_capital_wan=Decimal(1000),
        foreign_capital_usd_wan=Decimal(100),
        total_investment_wan=Decimal(5000),
    )
    MajorProjectRule.objects.create(
        sector=Sector.SERVICES,
        registered_capital_wan=Decimal(3000),
        foreign_capital_usd_wan=Decimal(300),
        total_investment_wan=Decimal(20000),
    )


def second_hall() -> HallSetup:
    """A second hall: one counter, category C, its own clerk."""
    hall = HallFactory(name="第二大厅")
    setup = HallSetup(hall=hall)
    setup.categories["A"] = category_make(hall, "second", "C", name="综合受理")
    counter = CounterFactory(hall=hall, number="1")
    CounterCategory.objects.create(
        counter=counter, category=setup.categories["A"], rank=1
    )
    setup.counters.append(counter)
    QueuePolicy.objects.create(hall=hall)
    setup.staff = user_create(
        username="desk_b",
        password="pw-123456",
        roles=[Role.COUNTER_STAFF],
        display_name="二厅窗口",
        is_staff=True,
    )
    StaffCounterAssignment.objects.create(user=setup.staff, counter=counter)
    return setup


class AgencyWorld(World):
    """
    Hall A (counter 1: ``counter`` of the department and ``desk_other``, a
    counter clerk of another department) and hall B (``desk_b``); an
    officer on record; the applicant's ID on record.
    """

    def __init__(self) -> None:
        super().__init__()
        self.applicant.id_type = "id_card"
        self.applicant.id_number = APPLICANT_ID
        self.applicant.save(update_fields=["id_type", "id_number"])
        self.hall_a = hall_setup(counters=1)
        self.hall_b = second_hall()
        self.counter_a = self.hall_a.counters[0]
        self.counter_b = self.hall_b.counters[0]
        self.counter_a.departments.add(self.dept)
        StaffCounterAssignment.objects.create(user=self.counter, counter=self.counter_a)
        self.desk_other = self.foreign_reviewer  # counter role, other department
        StaffCounterAssignment.objects.create(
            user=self.desk_other, counter=self.counter_a
        )
        self.desk_b = self.hall_b.staff
        self.officer_user = user_create(
            username="daiban",
            password="pw-123456",
            roles=[Role.COUNTER_STAFF],
            display_name="代办员小刘",
            department=self.other_dept,
            is_staff=True,
        )
        self.officer = AgencyOfficer.objects.create(
            user=self.officer_user,
            qualification="中心代办员培训合格",
            certificate_number="DB-2026-001",
            qualified_on=date(2026, 1, 5),
        )
        default_rules()

    def case_received_at(self, setup, *, decide: bool = True):
        """Return a case brought in by a ticket of ``setup``'s hall."""
        ticket = queue_services.ticket_issue(
            category=setup.categories["A"], channel="kiosk"
        )
        case = complete_case(self, None)
        queue_services.ticket_link_case(
            ticket=ticket, case_id=case.pk, actor=setup.staff
        )
        if not decide:
            return case
        case = case_services.case_accept(case=case, actor=self.counter)
        decider = to_deciding_step(case)
        return case_services.case_decide(case=case, actor=decider, outcome="approve")


@pytest.fixture
def aworld(db) -> AgencyWorld:
    from zhengtong.queueing.tests.factories import open_all_day

    w = AgencyWorld()
    open_all_day(w.hall_a.hall)
    open_all_day(w.hall_b.hall)
    return w
