"""
Waiting-count updates of the hall displays: at most one per hall and interval
from a process, and the latest one always goes out.
"""

import threading

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from zhengtong.queueing import coalesce, services
from zhengtong.queueing.coalesce import HallUpdates
from zhengtong.queueing.models import Ticket

from .factories import hall_setup, open_all_day


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def updates(sent: list, interval: float = 0.1, clock=None) -> HallUpdates:
    return HallUpdates(sent.append, interval=lambda: interval, clock=clock or Clock())


class TestHallUpdates:
    def test_first_update_of_a_hall_goes_now_later_ones_are_kept(self):
        sent: list = []
        clock = Clock()
        u = updates(sent, clock=clock)
        assert u.offer(1, "a") is True
        assert u.offer(1, "b") is False
        assert u.offer(1, "c") is False  # replaces "b": only the latest is sent
        assert u.offer(2, "x") is True  # another hall has its own interval
        assert u.pending() == 1
        assert u.flush() == 1
        assert sent == ["c"]

    def test_after_the_interval_the_next_update_goes_now(self):
        sent: list = []
        clock = Clock()
        u = updates(sent, clock=clock)
        assert u.offer(1, "a") is True
        clock.now += 0.05
        assert u.offer(1, "b") is False
        u.flush()  # sends "b" and starts the hall's next interval
        clock.now += 0.2
        assert u.offer(1, "c") is True
        assert u.pending() == 0

    def test_interval_zero_sends_everything_now(self):
        sent: list = []
        u = updates(sent, interval=0)
        assert all(u.offer(1, n) for n in range(5))
        assert u.pending() == 0

    def test_the_background_thread_sends_the_kept_update_when_due(self):
        done = threading.Event()
        sent: list = []

        def send(item):
            sent.append(item)
            done.set()

        u = HallUpdates(send, interval=lambda: 0.05)
        assert u.offer(7, "first") is True
        assert u.offer(7, "second") is False
        assert done.wait(5)
        assert sent == ["second"]
        assert u.pending() == 0

    def test_a_failing_send_is_logged_and_does_not_stop_the_thread(self, caplog):
        calls: list = []
        done = threading.Event()

        def send(item):
            calls.append(item)
            if item == "bad":
                raise RuntimeError("display outage")
            done.set()

        u = HallUpdates(send, interval=lambda: 0.02)
        u.offer(1, "x")
        u.offer(1, "bad")
        u.offer(2, "y")
        u.offer(2, "good")
        assert done.wait(5)
        assert "bad" in calls and "good" in calls
        assert "deferred count update failed" in caplog.text

    def test_default_interval_comes_from_settings(self, settings):
        settings.QUEUE_DISPLAY_COUNT_INTERVAL = 0.25
        assert coalesce.count_interval() == 0.25
        del settings.QUEUE_DISPLAY_COUNT_INTERVAL
        assert coalesce.count_interval() == coalesce.DEFAULT_INTERVAL


@pytest.mark.django_db
class TestIssueEvents:
    def test_a_kept_issue_event_brings_the_counts_of_its_sending_moment(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        s = hall_setup()
        open_all_day(s.hall)
        # a long interval: the kept event is sent by flush() below, not the thread
        kept = HallUpdates(services.display._send_kept_issue, interval=lambda: 60)
        monkeypatch.setattr(services.display, "_issue_updates", kept)
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        group = services.hall_group(s.hall.pk)
        async_to_sync(layer.group_add)(group, channel)
        try:
            tickets = []
            for _ in range(3):
                with django_capture_on_commit_callbacks(execute=True):
                    tickets.append(
                        services.ticket_issue(
                            category=s.categories["A"], channel=Ticket.Channel.KIOSK
                        )
                    )
            first = async_to_sync(layer.receive)(channel)
            assert first["event"] == "issue"
            assert first["call"]["number"] == tickets[0].number
            assert first["waiting"][0]["waiting"] == 1
            assert kept.pending() == 1
            # the first ticket's answer came with the broadcast's statement
            assert tickets[0]._ahead == 0
            assert not hasattr(tickets[2], "_ahead")
            assert kept.flush() == 1
            last = async_to_sync(layer.receive)(channel)
            assert last["event"] == "issue"
            assert last["call"]["number"] == tickets[2].number
            assert last["waiting"][0]["waiting"] == 3
        finally:
            async_to_sync(layer.group_discard)(group, channel)

    def test_calls_are_never_kept(
        self, monkeypatch, django_capture_on_commit_callbacks
    ):
        s = hall_setup()
        open_all_day(s.hall)
        kept = HallUpdates(services.display._send_kept_issue, interval=lambda: 60)
        monkeypatch.setattr(services.display, "_issue_updates", kept)
        for _ in range(2):
            with django_capture_on_commit_callbacks(execute=True):
                services.ticket_issue(
                    category=s.categories["A"], channel=Ticket.Channel.KIOSK
                )
        layer = get_channel_layer()
        channel = async_to_sync(layer.new_channel)()
        group = services.hall_group(s.hall.pk)
        async_to_sync(layer.group_add)(group, channel)
        try:
            for _ in range(2):
                with django_capture_on_commit_callbacks(execute=True):
                    called = services.ticket_call_next(
                        counter=s.counters[0], actor=s.staff
                    )
                message = async_to_sync(layer.receive)(channel)
                assert message["event"] == "call"
                assert message["call"]["number"] == called.number
                with django_capture_on_commit_callbacks(execute=True):
                    services.ticket_finish(ticket=called, actor=s.staff, matter="测试")
                assert async_to_sync(layer.receive)(channel)["event"] == "finish"
            assert kept.pending() == 1  # the second issue, still kept
            assert kept.flush() == 1  # sent now, not by the thread after the test
        finally:
            async_to_sync(layer.group_discard)(group, channel)
