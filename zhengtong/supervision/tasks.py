"""Background jobs of supervision (huey): the sweep, the bulletin.

Alert delivery and the resync after a calendar change are outbox jobs
(``services/alerts.py alerts_deliver_job``, ``services/sweep.py clocks_resync_job``).
"""

from datetime import timedelta

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def supervision_sweep_job() -> dict:
    """Sync the clock registry and move the lamps (every five minutes)."""
    from .services.sweep import supervision_sweep

    return supervision_sweep()


@db_periodic_task(crontab(day="1", hour="6", minute="30"))
def supervision_bulletin_job() -> int:
    """On the 1st at 06:30: archive last month's 督查通报 for the whole centre."""
    from django.utils import timezone

    from .services.bulletin import bulletin_generate

    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    return bulletin_generate(month=last_month.replace(day=1), region_code="").pk
