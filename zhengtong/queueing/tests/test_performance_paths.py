"""
The cheap paths of ticket issue and calling behave like the plain ones.

Configuration cache (changes show up at once, in this and other processes),
the input of the ticket issue API, the one-statement
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
        from zhengtong.workdays import selectors as workdays_selectors
        from zhengtong.workdays.calc import WorkCalendar

        real = workdays_selectors.calendar_get
        calls = []
        selectors.hall_service_day(hall=setup.hall, day=MONDAY)
        # A calendar in which MONDAY is a holiday.
        closed = WorkCalendar({MONDAY}, (), years=[MONDAY.year])

        def fake_calendar_get(*args, **kwargs):
            calls.append(1)
            return closed

        monkeypatch.setattr(workdays_selectors, "calendar_get", fake_calendar_get)
        sessions = selectors.hall_service_day(hall=setup.hall, day=MONDAY).sessions
        assert "上午" not in [s.label for s in sessions] and calls
        monkeypatch.setattr(workdays_selectors, "calendar_get", real)
        sessions = selectors.hall_service_day(hall=setup.hall, day=MONDAY).sessions
        assert "上午" in [s.label for s in sessions]


class TestTicketOutput:
    def test_rendered_ticket_equals_the_serializer_data(self, setup):
        from zhengtong.queueing.apis import TicketOutput, ticket_output

        issued = take({"category": "general", "phone": "13800000000"}).json()
        take({"category": "general", "priority": "elderly"})
        ticket = Ticket.objects.get(pk=issued["id"])
        assert ticket_output(ticket) == TicketOutput(ticket).data
        called = services.ticket_call_next(counter=setup.counters[0], actor=setup.staff)
        assert ticket_output(called) == TicketOutput(called).data
        reloaded = Ticket.objects.select_related("category", "counter").get(
            pk=called.pk
        )
        assert ticket_output(reloaded) == TicketOutput(reloaded).data


class TestTicketIssueInput:
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
        from zhengtong.api.shapes import validated
        from zhengtong.queueing.apis import TicketIssueApi

        try:
            expected = validated(TicketIssueApi.InputSerializer, payload)
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
        assert services.issue._next_seq(category=category, day=day) == 1
        assert services.issue._next_seq(category=category, day=day) == 2
        assert (
            services.issue._next_seq(category=category, day=day + dt.timedelta(1)) == 1
        )
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


class TestOneStatementReads:
    def test_counts_and_ahead_in_one_statement_match_the_two_reads(self, setup):
        a, b = setup.categories["A"], setup.categories["B"]
        kiosk = Ticket.Channel.KIOSK
        base = timezone.now()
        tickets = [
            services.ticket_issue(category=a, channel=kiosk, now=base),
            services.ticket_issue(category=b, channel=kiosk, now=base),
            services.ticket_issue(
                category=a, channel=kiosk, priority="elderly", now=base
            ),
            # same arrival time as the first: the id decides
            services.ticket_issue(category=a, channel=kiosk, now=base),
            services.ticket_issue(
                category=a, channel=kiosk, now=base + dt.timedelta(seconds=1)
            ),
        ]
        services.ticket_cancel(ticket=tickets[0], actor=setup.staff)
        for ticket in Ticket.objects.filter(hall=setup.hall):
            counts, ahead = selectors.waiting_counts_and_ahead(ticket=ticket)
            assert counts == selectors.waiting_counts(
                hall_id=setup.hall.pk, day=ticket.service_date
            )
            assert ahead == selectors.ticket_waiting_ahead(ticket=ticket)
        assert [
            selectors.waiting_counts_and_ahead(ticket=t)[1]
            for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets]).order_by(
                "pk"
            )
        ] == [0, 0, 0, 1, 2]

    def test_issued_ticket_row_is_what_save_writes(self, setup):
        issued = services.ticket_issue(
            category=setup.categories["A"],
            channel=Ticket.Channel.MOBILE,
            applicant=setup.applicant,
            phone="13800000000",
        )
        stored = Ticket.objects.get(pk=issued.pk)
        for field in Ticket._meta.concrete_fields:
            assert getattr(stored, field.attname) == getattr(issued, field.attname), (
                field.name
            )
        assert stored.created_at is not None and stored.updated_at is not None
        assert stored.token

    def test_call_next_returns_the_claimed_row_as_stored(self, setup):
        issued = services.ticket_issue(
            category=setup.categories["A"],
            channel=Ticket.Channel.KIOSK,
            priority="elderly",
        )
        called = services.ticket_call_next(counter=setup.counters[0], actor=setup.staff)
        assert called.pk == issued.pk
        stored = Ticket.objects.get(pk=issued.pk)
        for field in Ticket._meta.concrete_fields:
            assert getattr(called, field.attname) == getattr(stored, field.attname), (
                field.name
            )
        assert called.status == Ticket.Status.CALLED
        assert called.counter_id == setup.counters[0].pk
        assert called.staff_id == setup.staff.pk
        assert timezone.is_aware(called.called_at)
        assert called.arrival_at == issued.arrival_at

    def test_busy_counter_names_its_ticket(self, setup):
        from zhengtong.core.errors import ApplicationError

        first = services.ticket_issue(
            category=setup.categories["A"], channel=Ticket.Channel.KIOSK
        )
        services.ticket_issue(
            category=setup.categories["A"], channel=Ticket.Channel.KIOSK
        )
        services.ticket_call_next(counter=setup.counters[0], actor=setup.staff)
        with pytest.raises(ApplicationError) as exc:
            services.ticket_call_next(counter=setup.counters[0], actor=setup.staff)
        assert exc.value.code == "counter_busy"
        assert exc.value.message == (
            f"{first.number} 号尚未办结，请先办结、暂停或标记过号。"
        )


class TestCounterForStaff:
    def test_counter_changes_and_roster_changes_apply_at_once(self, setup):
        from zhengtong.core.errors import NotFoundError, PermissionDeniedError
        from zhengtong.queueing.models import StaffCounterAssignment

        counter = setup.counters[0]
        got = selectors.counter_get_for_staff(user=setup.staff, counter_id=counter.pk)
        assert got == counter and got.hall == setup.hall
        got.name = "changed by a caller"  # never leaks into the cache
        assert (
            selectors.counter_get_for_staff(
                user=setup.staff, counter_id=counter.pk
            ).name
            == counter.name
        )
        with pytest.raises(PermissionDeniedError):
            selectors.counter_get_for_staff(
                user=setup.other_staff, counter_id=counter.pk
            )
        StaffCounterAssignment.objects.create(user=setup.other_staff, counter=counter)
        assert selectors.counter_get_for_staff(
            user=setup.other_staff, counter_id=counter.pk
        )
        StaffCounterAssignment.objects.filter(user=setup.staff).delete()
        with pytest.raises(PermissionDeniedError):
            selectors.counter_get_for_staff(user=setup.staff, counter_id=counter.pk)
        counter.is_active = False
        counter.save()
        with pytest.raises(NotFoundError):
            selectors.counter_get_for_staff(
                user=setup.other_staff, counter_id=counter.pk
            )
        for bad in ("x", None, -1, 2**63, 999_999):
            with pytest.raises(NotFoundError):
                selectors.counter_get_for_staff(user=setup.staff, counter_id=bad)

    def test_a_new_counter_is_found_after_a_miss(self, setup):
        from zhengtong.catalog.tests.factories import CounterFactory
        from zhengtong.core.errors import NotFoundError
        from zhengtong.queueing.models import StaffCounterAssignment

        counter = CounterFactory.build(hall=setup.hall)
        next_pk = max(c.pk for c in setup.counters) + 1
        with pytest.raises(NotFoundError):
            selectors.counter_get_for_staff(user=setup.staff, counter_id=next_pk)
        counter.pk = next_pk
        counter.save()
        StaffCounterAssignment.objects.create(user=setup.staff, counter=counter)
        assert (
            selectors.counter_get_for_staff(user=setup.staff, counter_id=next_pk).pk
            == next_pk
        )


class TestLockedReload:
    def test_locked_ticket_is_the_stored_row_with_its_configuration(self, setup):
        issued = services.ticket_issue(
            category=setup.categories["A"], channel=Ticket.Channel.KIOSK
        )
        called = services.ticket_call_next(counter=setup.counters[0], actor=setup.staff)
        locked = services.transition._lock(issued)
        stored = Ticket.objects.select_related("category", "counter", "hall").get(
            pk=issued.pk
        )
        for field in Ticket._meta.concrete_fields:
            assert getattr(locked, field.attname) == getattr(stored, field.attname)
        assert locked.category == stored.category
        assert locked.counter == stored.counter == called.counter
        assert locked.hall == stored.hall
        with pytest.raises(Ticket.DoesNotExist):
            services.transition._lock(Ticket(pk=10**12))

    def test_a_renamed_counter_shows_in_the_next_event(self, setup):
        services.ticket_issue(category=setup.categories["A"], channel="kiosk")
        called = services.ticket_call_next(counter=setup.counters[0], actor=setup.staff)
        counter = setup.counters[0]
        counter.name = "新名称窗口"
        counter.save()
        recalled = services.ticket_recall(ticket=called, actor=setup.staff)
        assert recalled.counter.name == "新名称窗口"
        assert selectors.call_payload(ticket=recalled)["counter_name"] == "新名称窗口"
