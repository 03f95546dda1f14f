"""The small world of the ratings tests: the cases world plus a hall and counter."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from rest_framework.test import APIClient

from zhengtong.cases.models import Case
from zhengtong.cases.tests.conftest import World
from zhengtong.catalog.tests.factories import CounterFactory, HallFactory
from zhengtong.feedback.models_ratings import RaterDevice
from zhengtong.feedback.services.ratings_devices import DEVICE_COOKIE, device_bind
from zhengtong.queueing.models import Category, Ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(y, m, d, hour, minute, tzinfo=SHANGHAI)


class RatingsWorld(World):
    """The cases world with a hall, a counter of the department and its rater."""

    def __init__(self) -> None:
        super().__init__()
        self.hall = HallFactory()
        self.counter_desk = CounterFactory(hall=self.hall, number="7")
        self.counter_desk.departments.add(self.dept)
        self.category = Category.objects.create(
            hall=self.hall, code="general", prefix="A", name="综合受理"
        )
        self.device = device_bind(actor=self.admin, counter=self.counter_desk)
        self._seq = 0

    def ticket(self, *, finished_at: datetime | None = None, applicant=None) -> Ticket:
        """Return a ticket served at the counter by ``counter`` and finished."""
        self._seq += 1
        now = finished_at or timezone.now()
        return Ticket.objects.create(
            hall=self.hall,
            category=self.category,
            issued_category=self.category,
            service_date=timezone.localdate(now),
            seq=self._seq,
            number=f"A{self._seq:03d}",
            status=Ticket.Status.FINISHED,
            channel=Ticket.Channel.KIOSK,
            arrival_at=now - timedelta(minutes=20),
            called_at=now - timedelta(minutes=10),
            served_at=now - timedelta(minutes=10),
            finished_at=now,
            counter=self.counter_desk,
            staff=self.counter,
            service_item=self.item,
            matter=self.item.name,
            applicant=applicant,
        )

    def concluded_case(self, *, concluded_at: datetime | None = None) -> Case:
        """Return a case of the applicant, concluded (set directly)."""
        now = concluded_at or timezone.now()
        return Case.objects.create(
            number=f"T{Case.objects.count() + 1:06d}",
            query_code="ABCD1234",
            item=self.item,
            item_version=self.version,
            department=self.dept,
            applicant=self.applicant,
            applicant_name="张三",
            applicant_phone="13800001111",
            channel="counter",
            status="concluded",
            submitted_at=now - timedelta(days=3),
            accepted_at=now - timedelta(days=3),
            concluded_at=now,
            current_assignee=self.reviewer,
        )

    def device_client(self, device: RaterDevice | None = None, user=None) -> APIClient:
        client = APIClient()
        client.cookies[DEVICE_COOKIE] = (device or self.device).token
        if user is not None:
            client.force_login(user)
        return client


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


RATE = "/api/v1/feedback/ratings/"
RECT = "/api/v1/feedback/rectifications/"
