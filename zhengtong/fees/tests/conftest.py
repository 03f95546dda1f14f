"""Fixtures of the fees tests: the cases world, fee items and a case."""

import pytest
from rest_framework.test import APIClient

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.cases.tests.conftest import World, at, complete_case
from zhengtong.catalog.tests.factories import CounterFactory, RegionFactory
from zhengtong.fees.models import FeeItem, FeeMethod, ReductionBasis, ReductionKind
from zhengtong.fees.permissions import APPROVE_REFUND


@pytest.fixture(autouse=True)
def _fees_day(frozen_today):
    """Run every fees test on the root story day (2026-03-02, Asia/Shanghai)."""


class FeeWorld(World):
    """The cases world with published fee items, bases and one submitted case."""

    def __init__(self) -> None:
        super().__init__()
        self.fixed = FeeItem.objects.create(
            version=self.version,
            name="证书工本费",
            legal_basis="测试收费依据",
            standard="每本10元",
            method=FeeMethod.FIXED,
            amount_fen=1000,
        )
        self.per_unit = FeeItem.objects.create(
            version=self.version,
            name="复印费",
            legal_basis="测试收费依据",
            standard="每页0.50元",
            method=FeeMethod.PER_UNIT,
            unit_fen=50,
            unit_name="页",
        )
        self.tiered = FeeItem.objects.create(
            version=self.version,
            name="登记费",
            legal_basis="测试收费依据",
            standard="前10件每件5元，11至50件每件3元，超过50件每件1元",
            method=FeeMethod.TIERED,
            tiers=[
                {"up_to": 10, "unit_fen": 500},
                {"up_to": 50, "unit_fen": 300},
                {"up_to": None, "unit_fen": 100},
            ],
        )
        self.unpublished = FeeItem.objects.create(
            version=self.version,
            name="未公示项目",
            legal_basis="—",
            standard="每件1元",
            amount_fen=100,
            is_published=False,
        )
        region = self.dept.region
        # the other department sits in another region (its own receipts, bases)
        self.other_dept.region = RegionFactory(code="511603000000", name="前锋区")
        self.other_dept.save(update_fields=["region"])
        self.half = ReductionBasis.objects.create(
            region=region,
            code="small-firm",
            name="小微企业减半",
            kind=ReductionKind.REDUCE,
            percent=50,
            legal_basis="测试减半依据",
        )
        self.exempt = ReductionBasis.objects.create(
            region=region,
            code="low-income",
            name="低保对象免收",
            kind=ReductionKind.EXEMPT,
            legal_basis="测试免收依据",
        )
        self.defer = ReductionBasis.objects.create(
            region=region,
            code="hardship",
            name="困难缓收",
            kind=ReductionKind.DEFER,
            percent=0,
            legal_basis="测试缓收依据",
        )
        self.foreign_basis = ReductionBasis.objects.create(
            region=self.other_dept.region,
            code="elsewhere",
            name="外区划依据",
            kind=ReductionKind.EXEMPT,
            legal_basis="—",
        )
        self.desk = CounterFactory()
        self.counter.counters.add(self.desk)
        self.counter2 = user_create(
            username="counter2",
            password="pw-123456",
            roles=[Role.COUNTER_STAFF],
            display_name="李窗口",
            department=self.dept,
            is_staff=True,
        )
        self.finance = user_create(
            username="finance",
            password="pw-123456",
            roles=[Role.REVIEWER],
            display_name="中心财务",
            is_staff=True,
        )
        from django.contrib.auth.models import Permission

        app, codename = APPROVE_REFUND.split(".")
        self.finance.user_permissions.add(
            Permission.objects.get(content_type__app_label=app, codename=codename)
        )
        self.other_head = user_create(
            username="other_head",
            password="pw-123456",
            roles=[Role.DEPARTMENT_HEAD],
            display_name="周局长",
            department=self.other_dept,
            is_staff=True,
        )
        self.case = complete_case(self, at(2026, 3, 2))


@pytest.fixture
def fworld(db) -> FeeWorld:
    return FeeWorld()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
