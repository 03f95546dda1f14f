"""Background jobs of core (huey): the hourly audit checkpoint."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="7"))
def audit_checkpoint_job() -> dict[str, int]:
    """Append the heads of the audit chains to the checkpoint file (hourly)."""
    from .audit_checkpoint import audit_checkpoint_write

    return audit_checkpoint_write()
