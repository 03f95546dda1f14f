"""Scheduled jobs of the catalogue."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import items_refresh_current


@db_periodic_task(crontab(hour="0", minute="5"))
def items_refresh_current_daily() -> int:
    """Point every item at the version in force today (00:05 each day)."""
    return items_refresh_current()
