"""The README's demo command loads everything and can be run again safely."""

import datetime
import io
from zoneinfo import ZoneInfo

from django.contrib.auth import authenticate
from django.core.management import call_command
from django.utils import timezone

import pytest

from zhengtong.accounts.models import User
from zhengtong.cases import clock
from zhengtong.cases.models import Case
from zhengtong.catalog.models import ServiceItem, ServiceItemVersion
from zhengtong.core.models import AuditEvent
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


@pytest.mark.parametrize(
    "frozen_moment",
    # A Saturday: the demo's cases are still accepted on working days.
    [datetime.datetime(2026, 3, 7, 11, tzinfo=ZoneInfo("Asia/Shanghai"))],
)
def test_demo_case_dates_agree_with_their_events_and_staff_have_posts():
    out = io.StringIO()
    call_command("seed_demo", "--password", "demo-pass-1", stdout=out)
    cal = clock.calendar()
    cases = list(Case.objects.order_by("id"))
    assert len(cases) >= 10
    for case in cases:
        events = AuditEvent.objects.filter(stream=f"cases.case:{case.pk}")
        days = {timezone.localdate(e.created_at) for e in events}
        assert days, case.idempotency_key
        assert min(days) == timezone.localdate(case.created_at), case.idempotency_key
        for value in (case.received_date, case.accepted_date):
            assert value is None or value in days, (case.idempotency_key, value)
        if case.accepted_date:
            assert cal.is_working_day(case.accepted_date), case.idempotency_key
    overdue = Case.objects.get(idempotency_key="demo-overdue")
    assert overdue.accepted_date < timezone.localdate() - datetime.timedelta(days=30)

    counter = User.objects.get(username="counter")
    assert counter.backup.username == "counter2"
    assert sorted(counter.counters.values_list("number", flat=True)) == ["1", "2", "3"]
    assert User.objects.get(username="counter2").backup == counter
    reviewer = User.objects.get(username="reviewer")
    assert reviewer.backup.username == "reviewer2"
    assert reviewer.backup.backup == reviewer
    assert "演示办件：新建15个场景" in out.getvalue()
    # the signed months have concluded cases, so a 服务明星 and a real ranking
    from zhengtong.stats.selectors_assessment import assessment_public

    last = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(
        day=1
    )
    published = assessment_public(month=last)
    assert published is not None and published["service_stars"]
    ranked = [r for r in published["counters"] if r["score"] < 100]
    assert ranked  # the case concluded after its promised date costs points
    assert "考核月份演示办件：新建 16 件" in out.getvalue()
