"""Fixtures of the supervision tests: the cases world plus department heads."""

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.cases.tests.conftest import World, at, complete_case  # noqa: F401
from zhengtong.supervision.catalogue import catalogue_seed
from zhengtong.supervision.models import BreachKind, MeasureKind, SupervisionPolicy


class SupervisionWorld(World):
    """The cases world with a head for each department."""

    def __init__(self) -> None:
        super().__init__()
        catalogue_seed(MeasureKind, BreachKind, SupervisionPolicy)  # after a flush
        self.head = user_create(
            username="head",
            password="pw-123456",
            roles=[Role.DEPARTMENT_HEAD],
            display_name="孙局长",
            department=self.dept,
            is_staff=True,
        )
        self.other_head = user_create(
            username="other_head",
            password="pw-123456",
            roles=[Role.DEPARTMENT_HEAD],
            display_name="周局长",
            department=self.other_dept,
            is_staff=True,
        )


@pytest.fixture
def sworld(db) -> SupervisionWorld:
    return SupervisionWorld()
