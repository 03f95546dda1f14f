"""
The lean paths of ticket issue and calling behave like the plain ones.

Configuration cache (changes show up at once, in this and other processes),
the serializer-free input and output of the ticket APIs, the one-statement
daily numbering, the SQLite writer turn and the display sender.
"""

import datetime as dt
import threading
import time

from django.db import connection
from django.utils import timezone

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from rest_framework.test import APIClient

from zhengtong.queueing import cache, selectors, services
from zhengtong.queueing.apis import TicketOutput, ticket_output
from zhengtong.queueing.broadcast import display_send
from zhengtong.queueing.models import (
    Category,
    ConfigVersion,
    CounterCategory,
    DailySequence,
    ExtraServiceDay,
    OpeningHours,
    QueuePolicy,
    Ticket,
)
from zhengtong.queueing.writelock import file_lock, sqlite_writer_turn

from .factories import MONDAY, at, hall_setup, open_all_day

pytestmark = pytest.mark.django_db

BASE = "/api/v1/queue"


@pytest.fixture
def setup():
    s = hall_setup()
    open_all_day(s.hall)
    return s


def take(payload, user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.post(f"{BASE}/tickets/", payload, format="json")


class TestConfigCache:
    def test_category_lookups_are_cached_until_a_change(
        self, setup, django_assert_num_queries
    ):
        selectors.category_get_by_ref(ref="general")
        with django_assert_num_queries(1):  # the configuration token only
            assert selectors.category_get_by_ref(ref="general").prefix == "A"
        category = setup.categories["A"]
        category.name = "综合窗口"
        category.save()
        assert selectors.category_get_by_ref(ref="general").name == "综合窗口"
        category.active = False
        category.save()
        with pytest.raises(Exception) as exc:
            selectors.category_get_by_ref(ref="general")
        assert exc.value.code == "unknown_category"

    def test_callers_get_copies(self, setup):
        first = selectors.category_get_by_ref(ref="general")
        first.name = "改过的名字"
        assert selectors.category_get_by_ref(ref="general").name == "综合受理"

    def test_other_processes_follow_the_token(self, setup):
        selectors.category_get_by_ref(ref="general")
        # Another process renamed it: the row and the token changed, and no
        # signal reached this process.
        Category.objects.filter(pk=setup.categories["A"].pk).update(name="外部修改")
        assert selectors.category_get_by_ref(ref="general").name == "综合受理"
        ConfigVersion.objects.filter(pk=1).update(token=123456789)
        assert selectors.category_get_by_ref(ref="general").name == "外部修改"

    def test_missing_token_row_is_recreated(self, setup):
        ConfigVersion.objects.all().delete()
        selectors.category_get_by_ref(ref="general")
        cache.config_changed()
        assert ConfigVersion.objects.filter(pk=1).exists()

    def test_opening_hours_change_shows_at_once(self):
        s = hall_setup()
        monday_morning = at(MONDAY, 10)
        assert selectors.hall_session_at(hall=s.hall, at=monday_morning) is not None
        hours = OpeningHours.objects.get(hall=s.hall, weekday=0)
        hours.morning_start = hours.morning_end = None
        hours.save()
        assert selectors.hall_session_at(hall=s.hall, at=monday_morning) is None
        ExtraServiceDay.objects.create(
            hall=s.hall,
            date=MONDAY,
            kind=ExtraServiceDay.Kind.EXTENDED,
            start=dt.time(9),
            end=dt.time(11),
        )
        assert selectors.hall_session_at(hall=s.hall, at=monday_morning) is not None

    def test_counter_links_and_policy_changes_show_at_once(self, setup):
        counter = setup.counters[0]
        ranks = selectors.counter_category_ranks(counter_id=counter.pk)
        assert ranks == {setup.categories["A"].pk: 1, setup.categories["B"].pk: 2}
        link = CounterCategory.objects.get(counter=counter, category__code="general")
        link.delete()
        assert selectors.counter_category_ranks(counter_id=counter.pk) == {
            setup.categories["B"].pk: 2
        }
        counters = selectors.category_counter_count(
            category_id=setup.categories["B"].pk
        )
        counter.is_active = False
        counter.save()
        assert (
            selectors.category_counter_count(category_id=setup.categories["B"].pk)
            == counters - 1
        )
        policy = QueuePolicy.objects.get(hall=setup.hall)
        policy.max_recalls = 5
        policy.save()
        assert selectors.policy_get(hall=setup.hall).max_recalls == 5

    def test_a_new_calendar_rebuilds_the_sessions(self, setup, monkeypatch):
        from zhengtong.workdays import services as workdays_services

        real = workdays_services.calendar_get
        calls = []
        selectors.hall_sessions(hall=setup.hall, day=MONDAY)

        class Closed:
            def is_working_day(self, day):
                return False

        closed = Closed()

        def fake_calendar_get(*args, **kwargs):
            calls.append(1)
            return closed

        monkeypatch.setattr(workdays_services, "calendar_get", fake_calendar_get)
        labels = [s.label for s in selectors.hall_sessions(hall=setup.hall, day=MONDAY)]
        assert "上午" not in labels and calls
        monkeypatch.setattr(workdays_services, "calendar_get", real)
        labels = [s.label for s in selectors.hall_sessions(hall=setup.hall, day=MONDAY)]
        assert "上午" in labels


class TestLeanApi:
    def test_ticket_output_matches_the_serializer(self, setup):
        issued = take({"category": "general", "phone": "13800000000"}).json()
        take({"category": "general", "priority": "elderly"})
        ticket = Ticket.objects.get(pk=issued["id"])
        assert ticket_output(ticket) == TicketOutput(ticket).data
        called = services.ticket_call_next(counter=setup.counters[0], actor=setup.staff)
        assert ticket_output(called) == TicketOutput(called).data
        finished = services.ticket_finish(
            ticket=called, actor=setup.staff, matter="测试"
        )
        assert ticket_output(finished) == TicketOutput(finished).data
        reloaded = Ticket.objects.select_related("category", "counter").get(
            pk=finished.pk
        )
        assert ticket_output(reloaded) == TicketOutput(reloaded).data

    @pytest.mark.parametrize(
        "payload",
        [
            {"category": " general "},
            {"category": ["general"]},
            {"category": "general", "priority": ""},
            {"category": "general", "priority": 1},
            {"category": "general", "phone": " 13800000000 "},
            {"category": "general", "phone": "1380000000x"},
            {"category": "general", "phone": None},
            {"category": True},
            {"category": "x" * 41},
        ],
    )
    def test_odd_input_gets_the_serializer_answer(self, setup, payload):
        from zhengtong.queueing.apis import TicketIssueApi, _validate

        try:
            expected = _validate(TicketIssueApi.InputSerializer, payload)
        except Exception:
            expected = None
        r = take(payload)
        if expected is None:
            assert r.status_code == 400
            assert r.json()["code"] == "invalid_input"
        else:
            assert r.status_code in (201, 400)
            if r.status_code == 201:
                assert r.json()["category"] == "general"

    def test_int_category_and_defaults(self, setup):
        r = take({"category": setup.categories["A"].pk})
        assert r.status_code == 201
        assert r.json()["priority"] == "none" and r.json()["phone"] == ""


class TestNumbering:
    def test_first_ticket_creates_the_day_row_then_counts_up(self, setup):
        category = setup.categories["A"]
        day = timezone.localdate()
        assert not DailySequence.objects.filter(category=category).exists()
        assert services._next_seq(category=category, day=day) == 1
        assert services._next_seq(category=category, day=day) == 2
        assert services._next_seq(category=category, day=day + dt.timedelta(1)) == 1
        row = DailySequence.objects.get(category=category, service_date=day)
        assert row.last_seq == 2


class TestWriterTurn:
    def test_no_turn_needed_in_memory_or_inside_a_transaction(self):
        with sqlite_writer_turn() as end_turn:
            end_turn()
            end_turn()  # ending twice is harmless

    def test_file_lock_lets_one_thread_in_at_a_time(self, tmp_path):
        path = str(tmp_path / "db-writers.lock")
        inside: list[str] = []
        overlap = []

        def writer(name: str) -> None:
            for _ in range(5):
                with file_lock(path):
                    inside.append(name)
                    if len(inside) > 1:
                        overlap.append(tuple(inside))
                    time.sleep(0.002)
                    inside.remove(name)

        threads = [threading.Thread(target=writer, args=(n,)) for n in "ab"]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert overlap == []

    def test_sqlite_file_database_takes_a_turn(self, tmp_path, monkeypatch):
        if connection.vendor != "sqlite":
            pytest.skip("SQLite only")
        name = str(tmp_path / "zt.sqlite3")
        monkeypatch.setitem(connection.settings_dict, "NAME", name)
        monkeypatch.setattr(type(connection), "in_atomic_block", False, raising=False)
        with sqlite_writer_turn() as end_turn:
            assert (tmp_path / "zt.sqlite3-writers.lock").exists()
            end_turn()


class TestDisplaySend:
    def test_sync_code_outside_asgi_reaches_the_group(self):
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)("queue_hall_test", channel)
        try:
            for n in range(3):  # the thread's loop is reused
                display_send(
                    groups=["queue_hall_test"],
                    message={"type": "queue.event", "n": n},
                )
            got = [async_to_sync(layer.receive)(channel)["n"] for _ in range(3)]
            assert got == [0, 1, 2]
        finally:
            async_to_sync(layer.group_discard)("queue_hall_test", channel)

    def test_issue_broadcasts_waiting_counts_after_commit(
        self, django_capture_on_commit_callbacks
    ):
        s = hall_setup()
        open_all_day(s.hall)
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        group = services.hall_group(s.hall.pk)
        async_to_sync(layer.group_add)(group, channel)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                services.ticket_issue(
                    category=s.categories["A"], channel=Ticket.Channel.KIOSK
                )
            message = async_to_sync(layer.receive)(channel)
            assert message["event"] == "issue"
            assert message["waiting"][0] == {
                "category": "general",
                "prefix": "A",
                "name": "综合受理",
                "waiting": 1,
                "warning": False,
            }
        finally:
            async_to_sync(layer.group_discard)(group, channel)
