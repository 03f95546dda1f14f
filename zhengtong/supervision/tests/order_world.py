"""
People, a case and its step for the orders and breaches tests (督办单、效能告诫).

Builds on the cases tests' ``World`` (two departments, counter staff,
reviewers, a centre administrator, a supervisor, applicants) and adds a
department head of each department.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.cases import services as case_services
from zhengtong.cases.tests.conftest import World, complete_case
from zhengtong.supervision.catalogue import catalogue_seed
from zhengtong.supervision.models import BreachKind, MeasureKind, SupervisionPolicy

TZ = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    """Return an aware datetime in Shanghai time."""
    return datetime(y, m, d, hour, tzinfo=TZ)


class OrderWorld(World):
    """World plus department heads and an accepted case with its first step."""

    def __init__(self) -> None:
        super().__init__()
        # the catalogue the data migration seeds is gone after a browser
        # test flushed the database; put it back (idempotent)
        catalogue_seed(MeasureKind, BreachKind, SupervisionPolicy)
        if getattr(self, "head", None) is not None:  # the cases world has one now
            self.other_head = self._other_head()
            return
        self.head = user_create(
            username="head",
            password="pw-123456",
            roles=[Role.DEPARTMENT_HEAD],
            display_name="周负责人",
            department=self.dept,
            is_staff=True,
        )
        self.other_head = self._other_head()

    def _other_head(self):
        return user_create(
            username="head2",
            password="pw-123456",
            roles=[Role.DEPARTMENT_HEAD],
            display_name="吴负责人",
            department=self.other_dept,
            is_staff=True,
        )

    def accepted_case(self, now: datetime):
        """Return a case accepted on ``now`` (its first step active)."""
        case = complete_case(self, now)
        return case_services.case_accept(case=case, actor=self.counter, now=now)
