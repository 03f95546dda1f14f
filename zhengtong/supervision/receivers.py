"""
Signals supervision listens to.

When a holiday notice is loaded (``workdays.recompute.calendar_changed``)
the cases recompute their dates first (their receiver is connected first:
cases comes before supervision in INSTALLED_APPS) and every yellow day of
the registry may move with the calendar, so the whole registry is synced
again by the worker: an outbox job requested in the transaction that loaded
the notice (it cannot be lost with a killed process).
"""

from typing import Any

from zhengtong.core.outbox import outbox_enqueue
from zhengtong.workdays.recompute import RecomputeCount, calendar_changed


def on_calendar_changed(sender: Any, **kwargs: Any) -> RecomputeCount:
    from .services.sweep import clocks_resync_job

    outbox_enqueue(clocks_resync_job)
    return RecomputeCount(label="监察时钟（后台全量同步）")


calendar_changed.connect(
    on_calendar_changed, dispatch_uid="supervision.clocks_resync", weak=False
)
