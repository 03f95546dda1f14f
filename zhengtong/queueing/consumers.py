"""WebSocket consumers of the hall display (叫号屏) and counter displays."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from zhengtong.catalog.models import Counter, Hall

from . import selectors
from .services import counter_group, hall_group


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
        await self.send_json(
            {k: v for k, v in event.items() if k != "type"} | {"type": "event"}
        )


class HallDisplayConsumer(_DisplayConsumer):
    """
    Live calls and waiting counts of one hall (public, no personal data).

    中文：大厅叫号屏
    """

    async def connect(self):
        self.hall_id = int(self.scope["url_route"]["kwargs"]["hall_id"])
        if not await database_sync_to_async(
            Hall.objects.filter(pk=self.hall_id).exists
        )():
            await self.close(code=4404)
            return
        self.group = hall_group(self.hall_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_snapshot()

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
