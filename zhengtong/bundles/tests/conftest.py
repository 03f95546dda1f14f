"""A bundle of five items in three departments, an applicant and staff."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.bundles.models import (
    Bundle,
    BundleField,
    BundleItem,
    BundleMaterial,
    BundleMaterialTarget,
    BundleQuestion,
    BundleRule,
    QuestionKind,
)
from zhengtong.catalog.tests.factories import DepartmentFactory, ServiceItemFactory


@pytest.fixture(autouse=True)
def _bundles_day(frozen_today):
    """Every bundles test runs on the root story day (Monday 2026-03-02)."""


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


class World:
    """
    新生儿出生一件事 in small: 出生医学证明 and 户口登记 always; 医保参保 when
    the family enrols the baby; 社保卡 when asked; 生育津贴 only for an
    employed mother (choice question). Answers yes / yes / self_employed
    select 3 of the 5 items.
    """

    def __init__(self) -> None:
        self.health = DepartmentFactory(name="区卫生健康局")
        self.police = DepartmentFactory(name="区公安分局")
        self.insurance = DepartmentFactory(name="区医疗保障局")
        names = [
            (self.health, "出生医学证明办理"),
            (self.police, "出生登记（户口）"),
            (self.insurance, "城乡居民医保参保登记"),
            (self.insurance, "社会保障卡申领"),
            (self.insurance, "生育津贴申领"),
        ]
        self.items = [
            ServiceItemFactory(department=d, name=n, online_available=True)
            for d, n in names
        ]
        self.bundle = Bundle.objects.create(
            code="newborn", name="新生儿出生一件事", summary="出生后一次申请。"
        )
        self.rows = [
            BundleItem.objects.create(
                bundle=self.bundle, item=item, always=index < 2, order=index
            )
            for index, item in enumerate(self.items)
        ]
        q_ins = BundleQuestion.objects.create(
            bundle=self.bundle, key="insure", text="是否为新生儿办理医保参保？", order=1
        )
        q_card = BundleQuestion.objects.create(
            bundle=self.bundle, key="card", text="是否同时申领社保卡？", order=2
        )
        q_job = BundleQuestion.objects.create(
            bundle=self.bundle,
            key="mother_job",
            text="母亲的就业情况",
            kind=QuestionKind.CHOICE,
            choices=[["employed", "单位职工"], ["self_employed", "灵活就业或无业"]],
            order=3,
        )
        BundleRule.objects.create(
            bundle=self.bundle, question=q_ins, value="yes", item=self.rows[2]
        )
        BundleRule.objects.create(
            bundle=self.bundle, question=q_card, value="yes", item=self.rows[3]
        )
        BundleRule.objects.create(
            bundle=self.bundle, question=q_job, value="employed", item=self.rows[4]
        )
        BundleField.objects.create(
            bundle=self.bundle, key="baby_name", label="新生儿姓名", order=1
        )
        BundleField.objects.create(
            bundle=self.bundle, key="contact_phone", label="联系电话", order=2
        )
        employer = BundleField.objects.create(
            bundle=self.bundle, key="employer", label="母亲工作单位", order=3
        )
        employer.items.set([self.rows[4]])
        self.shared = BundleMaterial.objects.create(
            bundle=self.bundle, key="household", name="户口簿", order=1
        )
        for row in self.rows:
            material = row.item.current_version.materials.order_by("order").first()
            BundleMaterialTarget.objects.create(
                shared=self.shared, item=row, material=material
            )
        self.answers = {"insure": "yes", "card": False, "mother_job": "self_employed"}
        self.form = {"baby_name": "王小宝", "contact_phone": "13800001111"}
        self.applicant = user_create(
            username="mother",
            password="pw-123456",
            roles=[Role.APPLICANT],
            display_name="王母亲",
            phone="13800001111",
        )
        self.other_applicant = user_create(
            username="stranger",
            password="pw-123456",
            roles=[Role.APPLICANT],
            display_name="李路人",
        )
        self.police_reviewer = user_create(
            username="police",
            password="pw-123456",
            roles=[Role.REVIEWER],
            display_name="赵民警",
            department=self.police,
            is_staff=True,
        )
        self.supervisor = user_create(
            username="super",
            password="pw-123456",
            roles=[Role.SUPERVISOR],
            display_name="钱监察",
            is_staff=True,
        )


@pytest.fixture
def world(db) -> World:
    return World()
