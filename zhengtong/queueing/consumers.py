"""
WebSocket consumers of the hall display (叫号屏) and counter displays.

A big hall has hundreds of screens and phones following one hall. If every
one of them joined the channel-layer group, each event would cost one
channel-layer message per display (with Redis: one stored message and one
blocking pop per display, in every server process). Instead each server
process joins a hall's group once, through a ``_HallHub``, and hands every
event to its own connected hall displays; the JSON is encoded once per
process. Each display still gets the snapshot first, then every event in
order, exactly as before.
"""

from __future__ import annotations

import asyncio
import json
import logging
import weakref

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from zhengtong.catalog.models import Counter, Hall

from . import selectors
from .services import counter_group, hall_group

logger = logging.getLogger(__name__)


def _event_text(event: dict) -> str:
    """The JSON a display receives for a ``queue.event`` message."""
    return json.dumps(
        {k: v for k, v in event.items() if k != "type"} | {"type": "event"}
    )


class _DisplayConsumer(AsyncJsonWebsocketConsumer):
    """Join a group, send a snapshot, then forward every queue event."""

    group: str = ""

    async def send_snapshot(self) -> None:
        raise NotImplementedError

    async def receive_json(self, content, **kwargs):
        # Clients may ask for a fresh snapshot, e.g. after a reconnect.
        if isinstance(content, dict) and content.get("type") == "snapshot":
            await self.send_snapshot()
        elif isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json({"type": "pong", "t": content.get("t")})

    async def disconnect(self, code):
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def queue_event(self, event):
        await self.send(text_data=_event_text(event))


class _HallHub:
    """
    The one member of a hall's group in this process (per event loop and
    channel layer); forwards each event to the process's hall displays.
    """

    def __init__(self, layer, group: str) -> None:
        self.layer = layer
        self.group = group
        self.members: set[HallDisplayConsumer] = set()
        self.channel = ""
        self.task: asyncio.Task | None = None
        self.lock = asyncio.Lock()

    async def join(self, consumer: HallDisplayConsumer) -> None:
        async with self.lock:
            if not self.channel:
                self.channel = await self.layer.new_channel()
            # Also refreshes the membership's expiry on every new display.
            await self.layer.group_add(self.group, self.channel)
            self.members.add(consumer)
            if self.task is None:
                self.task = asyncio.create_task(self._forward())

    async def leave(self, consumer: HallDisplayConsumer) -> None:
        async with self.lock:
            self.members.discard(consumer)
            if self.members or self.task is None:
                return
            task, self.task = self.task, None
            task.cancel()
            await self.layer.group_discard(self.group, self.channel)

    async def _forward(self) -> None:
        while True:
            try:
                event = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # e.g. a Redis timeout: keep serving the hall
                logger.exception("hall display hub: receive failed")
                await asyncio.sleep(1)
                continue
            if event.get("type") != "queue.event":
                continue
            text = _event_text(event)
            await asyncio.gather(
                *(member.deliver(text) for member in list(self.members)),
                return_exceptions=True,
            )


# event loop → {(channel layer id, group): hub}
_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _hub_for(layer, group: str) -> _HallHub:
    hubs = _hubs.setdefault(asyncio.get_running_loop(), {})
    key = (id(layer), group)
    hub = hubs.get(key)
    if hub is None or hub.layer is not layer:
        hub = hubs[key] = _HallHub(layer, group)
    return hub


class HallDisplayConsumer(_DisplayConsumer):
    """
    Live calls and waiting counts of one hall (public, no personal data).

    中文：大厅叫号屏
    """

    hub: _HallHub | None = None

    async def connect(self):
        self.hall_id = int(self.scope["url_route"]["kwargs"]["hall_id"])
        if not await database_sync_to_async(
            Hall.objects.filter(pk=self.hall_id).exists
        )():
            await self.close(code=4404)
            return
        # Events that arrive before the snapshot is out wait here.
        self.live = False
        self.pending: list[str] = []
        self.hub = _hub_for(self.channel_layer, hall_group(self.hall_id))
        await self.hub.join(self)
        await self.accept()
        await self.send_snapshot()
        while self.pending:
            await self.send(text_data=self.pending.pop(0))
        self.live = True

    async def deliver(self, text: str) -> None:
        """Send one event from the hub (queued until the snapshot is out)."""
        if self.live:
            await self.send(text_data=text)
        else:
            self.pending.append(text)

    async def disconnect(self, code):
        if self.hub is not None:
            await self.hub.leave(self)

    async def send_snapshot(self) -> None:
        data = await database_sync_to_async(selectors.display_snapshot)(
            hall_id=self.hall_id
        )
        await self.send_json(data)


class CounterDisplayConsumer(_DisplayConsumer):
    """
    Live calls of one counter (the counter-top display).

    中文：窗口屏
    """

    async def connect(self):
        counter_id = int(self.scope["url_route"]["kwargs"]["counter_id"])
        counter = await database_sync_to_async(
            Counter.objects.filter(pk=counter_id).values("pk", "hall_id").first
        )()
        if counter is None:
            await self.close(code=4404)
            return
        self.counter_id = counter["pk"]
        self.hall_id = counter["hall_id"]
        self.group = counter_group(self.counter_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_snapshot()

    async def send_snapshot(self) -> None:
        data = await database_sync_to_async(selectors.display_snapshot)(
            hall_id=self.hall_id, counter_id=self.counter_id
        )
        await self.send_json(data)
