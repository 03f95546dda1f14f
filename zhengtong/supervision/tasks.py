"""Background jobs of supervision (huey): the sweep, alert delivery, the bulletin."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=3, retry_delay=30)
def alerts_deliver_task() -> int:
    """Deliver the unsent alerts (after commit of the change that wrote them)."""
    from .services.alerts import alerts_deliver

    return alerts_deliver()


@db_periodic_task(crontab(minute="*/5"))
def supervision_sweep_job() -> dict:
    """Sync the clock registry and move the lamps (every five minutes)."""
    from .services.sweep import supervision_sweep

    return supervision_sweep()


@db_task(retries=2, retry_delay=60)
def clocks_resync_task() -> dict:
    """Resync the whole registry, then sweep (after a calendar change)."""
    from .services.sweep import supervision_sweep

    return supervision_sweep(resync=True)
