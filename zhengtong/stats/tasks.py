"""Background jobs of stats (huey): the incremental rollup every minute."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def stats_refresh_job() -> dict:
    """Fold the audit events since the last run into the statistics (every minute)."""
    from .services.rollup import stats_refresh

    return stats_refresh()
