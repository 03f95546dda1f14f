"""Displays receive calls over the WebSocket (in-memory and Redis layers)."""

import os

from django.test import override_settings

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import channel_layers
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from zhengtong.queueing import services
from zhengtong.queueing.models import Ticket
from zhengtong.queueing.routing import websocket_urlpatterns

from .factories import hall_setup, open_all_day

application = URLRouter(websocket_urlpatterns)


def _prepare():
    setup = hall_setup()
    open_all_day(setup.hall)
    services.ticket_issue(category=setup.categories["A"], channel=Ticket.Channel.KIOSK)
    return setup


def _call(setup):
    # A real commit so that on_commit broadcasts fire.
    return services.ticket_call_next(counter=setup.counters[0], actor=setup.staff)


async def _hall_receives_call(setup):
    hall = WebsocketCommunicator(application, f"/ws/queue/hall/{setup.hall.pk}/")
    counter = WebsocketCommunicator(
        application, f"/ws/queue/counter/{setup.counters[0].pk}/"
    )
    connected, _ = await hall.connect()
    assert connected
    assert (await counter.connect())[0]
    snapshot = await hall.receive_json_from(timeout=5)
    assert snapshot["type"] == "snapshot"
    assert snapshot["waiting"][0]["waiting"] == 1
    await counter.receive_json_from(timeout=5)
    await sync_to_async(_call)(setup)
    message = await hall.receive_json_from(timeout=5)
    assert message["type"] == "event" and message["event"] == "call"
    assert message["call"]["number"] == "A001"
    assert message["call"]["counter"] == "1"
    assert message["call"]["speech"] == "请 A001 号到 1 号窗口办理"
    assert message["waiting"][0]["waiting"] == 0
    on_counter = await counter.receive_json_from(timeout=5)
    assert on_counter["call"]["number"] == "A001"
    await hall.disconnect()
    await counter.disconnect()


@pytest.mark.django_db(transaction=True)
def test_hall_display_receives_call_in_memory():
    setup = _prepare()
    async_to_sync(_hall_receives_call)(setup)


async def _connect_unknown():
    comm = WebsocketCommunicator(application, "/ws/queue/hall/999999/")
    connected, _code = await comm.connect()
    return connected


@pytest.mark.django_db(transaction=True)
def test_unknown_hall_is_rejected():
    assert async_to_sync(_connect_unknown)() is False


REDIS = os.environ.get("TEST_REDIS_URL")


@pytest.mark.skipif(not REDIS, reason="TEST_REDIS_URL not set")
@pytest.mark.django_db(transaction=True)
def test_hall_display_receives_call_over_redis():
    layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS], "prefix": f"zt-test-{os.getpid()}"},
        }
    }
    with override_settings(CHANNEL_LAYERS=layers):
        channel_layers.backends.clear()
        try:
            setup = _prepare()
            async_to_sync(_hall_receives_call)(setup)
        finally:
            channel_layers.backends.clear()
