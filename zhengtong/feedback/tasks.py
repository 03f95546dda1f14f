"""Background jobs of feedback (huey): each part adds its own."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17"))
def ratings_default_job() -> int:
    """Every hour: give the default rating (默认好评) to events left unrated."""
    from .services.ratings_default import ratings_default_apply

    return ratings_default_apply()
