"""Scheduled jobs of the working-day calendar."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .reminders import calendar_notice_reminder_send


@db_periodic_task(crontab(hour="8", minute="0"))
def calendar_notice_reminder_task() -> int:
    """Remind administrators to load next year's notice (08:00 each day)."""
    return calendar_notice_reminder_send()
