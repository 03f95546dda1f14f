"""A small world for the complaint and first-question tests."""

from django.contrib.auth.models import Group

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.cases.tests.conftest import World, at  # noqa: F401
from zhengtong.catalog.tests.factories import CounterFactory, HallFactory
from zhengtong.feedback.catalogue import DISCIPLINE_GROUP, catalogue_seed
from zhengtong.feedback.models import ComplaintCategory, ComplaintContact
from zhengtong.supervision.catalogue import catalogue_seed as supervision_seed
from zhengtong.supervision.models import BreachKind, MeasureKind, SupervisionPolicy


class ComplaintWorld(World):
    """The cases world with two halls, counters, a discipline officer, phones."""

    def __init__(self) -> None:
        super().__init__()
        catalogue_seed(ComplaintCategory)  # after a flush
        supervision_seed(MeasureKind, BreachKind, SupervisionPolicy)
        self.hall = HallFactory(name="区政务服务中心")
        self.other_hall = HallFactory(name="镇便民服务中心")
        self.desk = CounterFactory(hall=self.hall, number="3")
        self.desk.departments.add(self.dept)
        self.foreign_desk = CounterFactory(hall=self.other_hall, number="1")
        self.counter.counters.add(self.desk)
        self.discipline = user_create(
            username="jijian",
            password="pw-123456",
            roles=[Role.SUPERVISOR],
            display_name="纪检员",
            is_staff=True,
        )
        self.discipline.groups.add(
            Group.objects.get_or_create(name=DISCIPLINE_GROUP)[0]
        )
        from django.contrib.auth.models import Permission

        self.discipline.groups.get(name=DISCIPLINE_GROUP).permissions.add(
            Permission.objects.get(codename="handle_integrity_complaint")
        )
        self.discipline = self.fresh(self.discipline)
        ComplaintContact.objects.create(
            centre_phone="0826-1234567", efficiency_phone="0826-12345"
        )


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
