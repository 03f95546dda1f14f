"""Background jobs of feedback (huey): each part adds its own."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17"))
def ratings_default_job() -> int:
    """Every hour: give the default rating (默认好评) to events left unrated."""
    from .services.ratings_default import ratings_default_apply

    return ratings_default_apply()


@db_periodic_task(crontab(hour="7", minute="10"))
def first_questions_breach_job() -> int:
    """Every morning: propose a breach for each handover left unconfirmed (首问)."""
    from .services.first_questions import first_questions_propose_breaches

    return first_questions_propose_breaches()
