"""Background jobs of cases (huey): clocks.

Notifications and notice PDFs are outbox jobs (``notifications.notification_send``,
``documents.document_render_job``), requested in the transaction of their event.
"""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def case_deem_accepted_job() -> int:
    """Deem accepted the cases left without intake decision (Art. 32)."""
    from .services import case_deem_accepted_overdue

    return case_deem_accepted_overdue()


@db_periodic_task(crontab(hour="0", minute="10"))
def case_clocks_refresh_job() -> dict:
    """Refresh lamps of running cases and steps once a day."""
    from .services import case_clocks_refresh

    return case_clocks_refresh()


@db_periodic_task(crontab(hour="8", minute="30"))
def case_tolerance_followup_job() -> dict:
    """Warn before, and act after, the 容缺 deadlines (08:30: SMS by day)."""
    from .services_tolerance import case_tolerance_followup

    return case_tolerance_followup()
