"""
Send queue events to the display groups of the channel layer from sync code.

``async_to_sync(layer.group_send)`` called outside an event loop (a WSGI
worker, a task, the shell) runs ``asyncio.run`` in a new thread on every
call, and channels_redis opens a new Redis connection for every new loop.
Instead each such thread keeps one event loop of its own and runs the send
on it (``run_until_complete``): no thread, no new loop, and the channel
layer's connections, which belong to the loop, are reused from one request
to the next. The send is done when ``display_send`` returns, as before.

Sync code that an ASGI server runs through ``sync_to_async`` keeps using
``async_to_sync``: asgiref then runs the send on the server's own loop,
which is cheap and is what the in-memory channel layer needs (its queues
belong to that loop).

中文：叫号屏推送
"""

from __future__ import annotations

import asyncio
import os
import threading
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import get_channel_layer

_thread = threading.local()  # .loop: this thread's own event loop


def sends_on_server_loop() -> bool:
    """
    Return whether this thread was started by ``sync_to_async``, so that
    ``display_send`` runs on an ASGI server's event loop. Work for the
    displays must then stay in this thread (no background thread of our
    own: the in-memory channel layer belongs to that loop).
    """
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    pid = getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None)
    return loop is not None and pid == os.getpid() and not loop.is_closed()


def _thread_loop() -> asyncio.AbstractEventLoop:
    """Return this thread's event loop (created on first use, kept open)."""
    loop = getattr(_thread, "loop", None)
    if loop is None or loop.is_closed() or getattr(_thread, "pid", 0) != os.getpid():
        loop = asyncio.new_event_loop()
        _thread.loop, _thread.pid = loop, os.getpid()
    return loop


def display_send(*, groups: list[str], message: dict[str, Any]) -> None:
    """
    Send ``message`` to each channel-layer group; return when it is sent.

    Raises whatever the channel layer raises (callers log and carry on).

    中文：推送叫号屏消息
    """
    layer = get_channel_layer()
    if layer is None or not groups:
        return

    async def send() -> None:
        for group in groups:
            await layer.group_send(group, message)

    if sends_on_server_loop():
        async_to_sync(send)()
    else:
        _thread_loop().run_until_complete(send())
