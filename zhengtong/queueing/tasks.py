"""Periodic jobs of the queue (huey): reminders, no-shows, day close."""

from django.utils import timezone

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services


@db_periodic_task(crontab(hour="18", minute="0"))
def appointment_reminders_task() -> int:
    """Send tomorrow's appointment reminders (idempotent)."""
    return services.appointment_send_reminders()


@db_periodic_task(crontab(minute="*/10"))
def appointment_no_shows_task() -> int:
    """Mark appointments whose check-in window has passed as no-shows."""
    return services.appointment_mark_no_shows()


@db_periodic_task(crontab(hour="0", minute="30"))
def ticket_expire_task() -> int:
    """Cancel yesterday's never-called tickets (counted as abandoned)."""
    return services.ticket_expire_day(day=timezone.localdate(), actor="系统")
