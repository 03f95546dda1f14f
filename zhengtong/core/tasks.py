"""Background jobs of core (huey): the hourly audit checkpoint, the outbox."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_periodic_task(crontab(minute="7"))
def audit_checkpoint_job() -> dict[str, int]:
    """Append the heads of the audit chains to the checkpoint file (hourly)."""
    from .audit_checkpoint import audit_checkpoint_write

    return audit_checkpoint_write()


@db_task(retries=0)
def outbox_run_task(job_id: int) -> str:
    """Run one outbox job (handed by its after-commit hook or by the relay)."""
    from .outbox import outbox_run

    return outbox_run(job_id)


@db_task(retries=0)
def outbox_run_many_task(job_ids: list[int]) -> list[str]:
    """Run the outbox jobs of one transaction, one after another (one message)."""
    from .outbox import outbox_run

    return [outbox_run(job_id) for job_id in job_ids]


@db_periodic_task(crontab(minute="*"))
def outbox_relay_job() -> int:
    """Hand again the outbox jobs whose queue message or worker was lost."""
    from .outbox import outbox_relay

    return outbox_relay()


@db_periodic_task(crontab(hour="3", minute="17"))
def outbox_purge_job() -> int:
    """Delete outbox jobs done more than a week ago."""
    from .outbox import outbox_purge

    return outbox_purge()
