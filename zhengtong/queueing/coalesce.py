"""
At most one waiting-count update per hall and interval from each process.

Every issued ticket used to send its own ``issue`` event to the hall's
displays, and each such event costs a grouped count of the hall's waiting
tickets and a channel-layer send. A display only redraws the waiting counts
from an ``issue`` event, so at a busy kiosk most of that work is redrawn
away within milliseconds. ``HallUpdates`` lets the first ``issue`` of a hall
go out at once and keeps later ones of the same interval
(``QUEUE_DISPLAY_COUNT_INTERVAL`` seconds, default 0.1): when the interval
is over, a background thread of this process sends the latest one, with the
counts read at that moment. No count update is lost, it comes at most one
interval late, and the counts on the screen are never older than that.

Only ``issue`` events are coalesced: calls, recalls and every other event are
sent at once as before. With an interval of 0 (the test settings) every
event is sent at once.

Server processes of an ASGI server do not coalesce (the in-memory channel
layer belongs to the server's event loop); the recommended topology serves
HTTP from WSGI workers, which do.

中文：等候人数推送合并
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

DEFAULT_INTERVAL = 0.1


def count_interval() -> float:
    """Seconds between two waiting-count updates of one hall from one process."""
    return float(getattr(settings, "QUEUE_DISPLAY_COUNT_INTERVAL", DEFAULT_INTERVAL))


class HallUpdates:
    """
    Rate-limit one kind of per-hall update; the last one kept is always sent.

    ``offer(hall_id, item)`` returns True when the caller should send
    ``item`` now. Otherwise the item is kept (replacing an older kept item
    of the hall) and ``send(item)`` is called from a background thread once
    the hall's interval is over.
    """

    def __init__(
        self,
        send: Callable[[Any], None],
        *,
        interval: Callable[[], float] = count_interval,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self._interval = interval
        self._clock = clock
        self._cond = threading.Condition()
        self._last: dict[int, float] = {}  # hall → when its last update went out
        self._kept: dict[int, Any] = {}  # hall → the latest item not sent yet
        self._thread: threading.Thread | None = None
        self._pid = 0

    def offer(self, hall_id: int, item: Any) -> bool:
        """
        Return True if ``item`` is to be sent now, False if it is kept.

        中文：提交等候人数更新
        """
        interval = self._interval()
        if interval <= 0:
            return True
        with self._cond:
            if hall_id in self._kept:
                self._kept[hall_id] = item  # the one already waiting goes with it
                return False
            now = self._clock()
            last = self._last.get(hall_id)
            if last is None or now - last >= interval:
                self._last[hall_id] = now
                return True
            self._kept[hall_id] = item
            self._ensure_thread()
            self._cond.notify()
            return False

    def flush(self) -> int:
        """
        Send every kept item now (process exit, tests); return how many.

        中文：立即推送
        """
        with self._cond:
            items = list(self._kept.values())
            now = self._clock()
            for hall_id in self._kept:
                self._last[hall_id] = now
            self._kept.clear()
        for item in items:
            self._send_logged(item)
        return len(items)

    def pending(self) -> int:
        with self._cond:
            return len(self._kept)

    def _due(self) -> tuple[list[Any], float | None]:
        """Take the items whose interval is over; return them and the next wait."""
        interval = self._interval()
        now = self._clock()
        due, wait = [], None
        for hall_id in list(self._kept):
            left = self._last.get(hall_id, now) + interval - now
            if left <= 0:
                due.append(self._kept.pop(hall_id))
                self._last[hall_id] = now
            elif wait is None or left < wait:
                wait = left
        return due, wait

    def _run(self) -> None:
        while True:
            with self._cond:
                due, wait = self._due()
                while not due:
                    self._cond.wait(wait)
                    due, wait = self._due()
            # Like a request: a fresh or reused database connection, given
            # back afterwards (CONN_MAX_AGE, the PostgreSQL pool).
            close_old_connections()
            try:
                for item in due:
                    self._send_logged(item)
            finally:
                close_old_connections()

    def _send_logged(self, item: Any) -> None:
        try:
            self._send(item)
        except Exception:  # a display outage must never stop the updates
            logger.exception("queue display: deferred count update failed")

    def _ensure_thread(self) -> None:
        # Called with the lock held. A forked worker starts its own thread.
        if self._thread is not None and self._pid == os.getpid():
            return
        self._pid = os.getpid()
        self._thread = threading.Thread(
            target=self._run, name="queue-display-counts", daemon=True
        )
        self._thread.start()
        atexit.register(self.flush)
