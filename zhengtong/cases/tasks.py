"""Background jobs of cases (huey): notices, notifications, clocks."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task(retries=3, retry_delay=30)
def case_notify_task(case_id: int, event: str, extra: dict | None = None) -> int:
    """Send the notifications of one case event (after commit)."""
    from .notifications import notification_send

    return len(notification_send(case_id=case_id, event=event, extra=extra))


@db_task(retries=3, retry_delay=30)
def document_render_task(document_id: int) -> bool:
    """Render the PDF of one notice (after commit)."""
    from .documents import document_render
    from .models import CaseDocument

    document = CaseDocument.objects.filter(pk=document_id).first()
    if document is None:
        return False
    document_render(document)
    return True


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
