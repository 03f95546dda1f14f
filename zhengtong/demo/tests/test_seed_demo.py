"""The README's demo command loads everything and can be run again safely."""

import io

from django.contrib.auth import authenticate
from django.core.management import call_command

import pytest

from zhengtong.cases.models import Case
from zhengtong.catalog.models import ServiceItem, ServiceItemVersion
from zhengtong.queueing.models import Ticket

# The demo is seeded "as of today" (cases accepted days ago, a yellow lamp):
# an ordinary Monday of the shipped calendar (root ``frozen_today``).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


def test_seed_demo_is_complete_and_idempotent():
    out = io.StringIO()
    call_command("seed_demo", "--password", "demo-pass-1", stdout=out)
    assert "演示数据已就绪" in out.getvalue()
    assert ServiceItem.objects.count() == 762
    for username in (
        "admin",
        "applicant",
        "applicant2",
        "counter",
        "reviewer",
        "supervisor",
    ):
        assert authenticate(username=username, password="demo-pass-1") is not None
    counts = (
        ServiceItemVersion.objects.count(),
        Case.objects.count(),
        Ticket.objects.count(),
    )
    assert counts[1] >= 10 and counts[2] > 0

    call_command("seed_demo", "--password", "demo-pass-2", stdout=io.StringIO())
    assert (
        ServiceItemVersion.objects.count(),
        Case.objects.count(),
        Ticket.objects.count(),
    ) == counts
    assert authenticate(username="counter", password="demo-pass-2") is not None
