"""The worker's monthly bulletin job archives last month's bulletin."""

from datetime import date

import time_machine

from zhengtong.supervision.models import Bulletin
from zhengtong.supervision.tasks import supervision_bulletin_job

from .conftest import at


def test_the_first_of_the_month_archives_last_months_bulletin(sworld):
    with time_machine.travel(at(2026, 4, 1, 6), tick=False):
        pk = supervision_bulletin_job.call_local()
    bulletin = Bulletin.objects.get(pk=pk)
    assert bulletin.month == date(2026, 3, 1)
    assert bulletin.pdf.name.endswith(".pdf")
