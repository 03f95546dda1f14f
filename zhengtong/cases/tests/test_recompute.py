"""
Provisional deadlines and their correction when next year's notice is loaded.

On 10 December 2026 the 2027 notice is not out: a 20-working-day case is due
on a provisional date; loading the notice moves it by the working days the
notice changes, with an audit event and messages, and a second load moves
nothing.
"""

from datetime import date

import pytest
import time_machine

from zhengtong.cases import services
from zhengtong.cases.models import Case, Notification
from zhengtong.catalog.tests.factories import ServiceItemFactory
from zhengtong.core.models import AuditEvent
from zhengtong.workdays.models import CalendarRecompute
from zhengtong.workdays.services import DayEntry, calendar_year_load
from zhengtong.workdays.statutory import statutory_days

from .conftest import at, complete_case

# A 2027 notice as the State Council might word it (a test fixture, not the
# real notice): the statutory days, plus 元旦 extended to Monday 4 January
# and Saturday 9 January worked.
STATUTORY_2027 = [DayEntry(d, "holiday", n) for d, n in statutory_days(2027)]
NOTICE_2027 = [
    *STATUTORY_2027,
    DayEntry(date(2027, 1, 4), "holiday", "元旦"),
    DayEntry(date(2027, 1, 9), "makeup_workday", "元旦调休上班"),
]


@pytest.fixture
def frozen_moment():
    """Put every test on the story's day, 10 December 2026.

    A login made outside a ``travel`` block must still be valid inside it.
    """
    return at(2026, 12, 10)


@pytest.fixture
def item20(world):
    return ServiceItemFactory(
        department=world.dept, published__promised_days=20, published__statutory_days=20
    )


@pytest.fixture
def december_case(world, item20):
    with time_machine.travel(at(2026, 12, 10), tick=False):
        case = complete_case(world, at(2026, 12, 10), item=item20)
        return services.case_accept(
            case=case, actor=world.counter, now=at(2026, 12, 10)
        )


def _load(actor="tester"):
    return calendar_year_load(
        2027,
        source="notice",
        days=NOTICE_2027,
        source_notice="国务院办公厅关于2027年部分节假日安排的通知（测试）",
        actor=actor,
    )


def test_a_december_case_gets_a_provisional_due_date(december_case):
    # Dec 11-31 holds 15 working days; 1 Jan 2027 (元旦) is statutory; then
    # Jan 4-8 are the 16th-20th.
    assert december_case.due_date == date(2027, 1, 8)
    assert december_case.statutory_due_date == date(2027, 1, 8)
    assert december_case.due_date_provisional is True


def test_a_case_inside_the_official_year_is_not_provisional(world):
    with time_machine.travel(at(2026, 12, 1), tick=False):
        case = complete_case(world, at(2026, 12, 1))
        case = services.case_accept(case=case, actor=world.counter, now=at(2026, 12, 1))
    assert case.due_date == date(2026, 12, 8)  # 5 working days
    assert case.due_date_provisional is False


def test_loading_the_notice_moves_the_date_with_event_and_messages(
    world, december_case
):
    with time_machine.travel(at(2026, 12, 15), tick=False):
        result = _load()
    case = Case.objects.get(pk=december_case.pk)
    # 4 Jan is now off and Saturday 9 Jan is worked: the 20th working day
    # after 10 Dec is Saturday 9 Jan — one day later.
    assert case.due_date == date(2027, 1, 9)
    assert case.statutory_due_date == date(2027, 1, 9)
    # 2027 is official now; 2028 and 2029 are the provisional years.
    assert case.due_date_provisional is False
    event = AuditEvent.objects.filter(
        stream=f"cases.case:{case.pk}", action="deadline_recomputed"
    ).get()
    assert event.details["changes"]["due_date"] == ["2027-01-08", "2027-01-09"]
    assert "2027年部分节假日安排" in event.details["notice"]
    summary = result.recompute
    assert summary.moved == 1 and summary.later == 1 and summary.earlier == 0
    assert summary.changed_days == [date(2027, 1, 4), date(2027, 1, 9)]
    record = CalendarRecompute.objects.get(pk=summary.record_id)
    assert record.moved == 1
    told = Notification.objects.get(user=world.applicant, event="deadline_recomputed")
    assert "2027-01-08 改为 2027-01-09" in told.text
    # the chain still verifies after the batch append
    from zhengtong.core.audit import audit_verify

    assert list(audit_verify(stream=f"cases.case:{case.pk}")) == []


def test_a_second_load_moves_nothing(december_case):
    with time_machine.travel(at(2026, 12, 15), tick=False):
        _load()
        again = _load()
    assert again.changed is False
    assert again.recompute is None
    assert (
        AuditEvent.objects.filter(
            stream=f"cases.case:{december_case.pk}", action="deadline_recomputed"
        ).count()
        == 1
    )


def test_a_change_after_the_due_date_moves_nothing(world, december_case):
    # A notice whose only change is a make-up Saturday after the due date.
    with time_machine.travel(at(2026, 12, 15), tick=False):
        calendar_year_load(
            2027,
            source="notice",
            days=[
                *STATUTORY_2027,
                DayEntry(date(2027, 1, 9), "makeup_workday", "调休上班"),
            ],
        )
    case = Case.objects.get(pk=december_case.pk)
    assert case.due_date == date(2027, 1, 8)  # unchanged: 9 Jan is after it
    # Nothing moved, so no message at all.
    assert not Notification.objects.filter(event="deadline_recomputed").exists()


def test_the_detail_api_says_provisional_and_shows_the_event(
    world, december_case, client
):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.applicant)
    body = api.get(f"/api/v1/cases/{december_case.pk}/").json()
    assert body["due_date_provisional"] is True
    with time_machine.travel(at(2026, 12, 15), tick=False):
        _load()
    body = api.get(f"/api/v1/cases/{december_case.pk}/").json()
    assert body["due_date_provisional"] is False
    assert body["due_date"] == "2027-01-09"
    assert "deadline_recomputed" in [e["kind"] for e in body["events"]]


def test_a_date_that_moves_earlier_is_urgent_for_the_handler(world, december_case):
    # Saturday 2 January worked (no extra day off): due a working day earlier.
    with time_machine.travel(at(2026, 12, 15), tick=False):
        assert december_case.current_assignee_id is not None
        calendar_year_load(
            2027,
            source="notice",
            days=[
                *STATUTORY_2027,
                DayEntry(date(2027, 1, 2), "makeup_workday", "元旦调休上班"),
            ],
        )
    case = Case.objects.get(pk=december_case.pk)
    assert case.due_date == date(2027, 1, 7)
    # The handler gets one digest for the whole load, urgent because a
    # date moved earlier; the details of the change are in the audit event.
    urgent = Notification.objects.get(
        user_id=december_case.current_assignee_id, event="deadline_recomputed"
    )
    assert urgent.title.startswith("【紧急】")
    assert "1 个办件期限已依法校正（其中 1 个提前，请优先办理）" in urgent.text
    assert december_case.number in urgent.text
    event = AuditEvent.objects.get(
        stream=f"cases.case:{case.pk}", action="deadline_recomputed"
    )
    assert event.details["changes"]["due_date"] == ["2027-01-08", "2027-01-07"]


def test_a_handler_gets_one_digest_for_all_their_moved_cases(world, item20):
    """One message per handler per load, not one per case; later moves are not urgent."""
    with time_machine.travel(at(2026, 12, 10), tick=False):
        cases = []
        for _ in range(3):
            case = complete_case(world, at(2026, 12, 10), item=item20)
            cases.append(
                services.case_accept(
                    case=case, actor=world.counter, now=at(2026, 12, 10)
                )
            )
    handler = cases[0].current_assignee_id
    assert handler is not None
    # the same handler for all three (intake spreads them otherwise)
    Case.objects.filter(pk__in=[c.pk for c in cases]).update(
        current_assignee_id=handler
    )
    with time_machine.travel(at(2026, 12, 15), tick=False):
        _load()
    digest = Notification.objects.get(user_id=handler, event="deadline_recomputed")
    assert digest.title == "3 个办件期限已依法校正"
    assert "提前" not in digest.text
    assert all(c.number in digest.text for c in cases)
    # the applicant is still told once per case
    assert (
        Notification.objects.filter(
            user=world.applicant, event="deadline_recomputed"
        ).count()
        == 3
    )


def test_pages_tag_provisional_dates_and_notices_print_the_line(
    world, december_case, client
):
    from django.urls import reverse

    from zhengtong.cases.models import CaseDocument

    with time_machine.travel(at(2026, 12, 10, 15), tick=False):
        client.force_login(world.counter)
        page = client.get(
            reverse("workbench:case-detail", args=[december_case.pk])
        ).content.decode()
        assert page.count("tag-provisional") >= 2  # promised and statutory
        listing = client.get("/workbench/", {"inbox": "all"}).content.decode()
        assert "tag-provisional" in listing
    acceptance = CaseDocument.objects.filter(
        case=december_case, kind="acceptance"
    ).get()
    assert acceptance.dates_provisional is True
    assert acceptance.context["dates_provisional"] is True
