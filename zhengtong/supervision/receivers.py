"""
Signals supervision listens to.

When a holiday notice is loaded (``workdays.recompute.calendar_changed``)
the cases recompute their dates first (their receiver is connected first:
cases comes before supervision in INSTALLED_APPS) and every yellow day of
the registry may move with the calendar, so the whole registry is synced
again by the worker after commit.
"""

from typing import Any

from django.db import transaction

from zhengtong.workdays.recompute import RecomputeCount, calendar_changed


def on_calendar_changed(sender: Any, **kwargs: Any) -> RecomputeCount:
    from .tasks import clocks_resync_task

    transaction.on_commit(clocks_resync_task)
    return RecomputeCount(label="监察时钟（后台全量同步）")


calendar_changed.connect(
    on_calendar_changed, dispatch_uid="supervision.clocks_resync", weak=False
)
