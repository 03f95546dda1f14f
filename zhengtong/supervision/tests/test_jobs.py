"""The worker's monthly bulletin job archives last month's bulletin."""

from datetime import date

import time_machine

from zhengtong.supervision.models import Bulletin
from zhengtong.supervision.tasks import supervision_bulletin_job

from .conftest import at, complete_case


def test_the_first_of_the_month_archives_last_months_bulletin(sworld):
    with time_machine.travel(at(2026, 4, 1, 6), tick=False):
        pk = supervision_bulletin_job.call_local()
    bulletin = Bulletin.objects.get(pk=pk)
    assert bulletin.month == date(2026, 3, 1)
    assert bulletin.pdf.name.endswith(".pdf")


def test_a_calendar_change_requests_the_resync_in_its_own_transaction(
    sworld, django_capture_on_commit_callbacks
):
    """The resync after a holiday notice is an outbox job: written with the
    change, so a process killed before its after-commit hook loses nothing."""
    from django.db import transaction

    from zhengtong.core.models import OutboxJob
    from zhengtong.core.outbox import outbox_relay
    from zhengtong.supervision.models import Clock
    from zhengtong.supervision.receivers import on_calendar_changed

    with time_machine.travel(at(2026, 3, 31, 9), tick=False):
        complete_case(sworld, at(2026, 3, 31, 9))  # an open intake clock
    Clock.objects.all().delete()
    with time_machine.travel(at(2026, 4, 1, 9), tick=False):
        with django_capture_on_commit_callbacks(execute=False), transaction.atomic():
            on_calendar_changed(sender=None)
        (job,) = OutboxJob.objects.filter(job__endswith="clocks_resync_job")
        assert job.state == "pending" and not Clock.objects.exists()
    with (
        time_machine.travel(at(2026, 4, 1, 10), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        outbox_relay()
    job.refresh_from_db()
    assert job.state == "done"
    assert Clock.objects.exists()  # the registry was synced again
