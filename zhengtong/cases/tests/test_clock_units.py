"""
Limits in natural days (自然日): Civil Code Arts. 201 and 203 — the start
day is not counted, and a period whose last day is a day off ends on the
next working day. 2026: 春节 02-15..02-23 off, 02-14 and 02-28 (Saturdays)
worked.
"""

from datetime import date

import pytest
from pypdf import PdfReader

from zhengtong.cases import clock, services
from zhengtong.cases.constants import DocumentKind
from zhengtong.cases.documents import document_render
from zhengtong.catalog.constants import DayUnit
from zhengtong.catalog.tests.factories import ServiceItemFactory

from .conftest import at, complete_case

pytestmark = pytest.mark.django_db

NATURAL = DayUnit.NATURAL


def compute(**kwargs):
    args = {
        "start": date(2026, 2, 10),
        "promised_days": 5,
        "statutory_days": 20,
        "suspensions": [],
        "extension_days": 0,
        "today": date(2026, 2, 11),
    }
    args.update(kwargs)
    return clock.clock_compute(clock.calendar(), **args)


def test_natural_limit_ending_in_the_spring_festival_moves_to_the_next_working_day():
    r = compute(promised_unit=NATURAL)
    # 02-10 + 5 natural days = 02-15, the first day of 春节 → 02-24
    assert r.due_date == date(2026, 2, 24)
    # the statutory limit stays in working days: 20 working days → 03-16
    assert r.statutory_due_date == date(2026, 3, 16)


def test_natural_limit_ending_on_a_makeup_saturday_stays():
    assert compute(promised_days=4, promised_unit=NATURAL).due_date == date(2026, 2, 14)


def test_natural_limit_with_a_suspension_and_an_extension():
    r = compute(
        start=date(2026, 3, 2),
        promised_days=10,
        promised_unit=NATURAL,
        # suspended 03-04 → 03-09: 03-05..03-08 (4 natural days) do not count
        suspensions=[(date(2026, 3, 4), date(2026, 3, 9))],
        extension_days=2,
        today=date(2026, 3, 10),
    )
    # 03-02 + 14 natural days = 03-16 (Monday), + 2 working days = 03-18
    assert r.due_date == date(2026, 3, 18)
    # the working-day count excludes 03-05 and 03-06 only
    assert r.suspended_days == 2


def test_open_suspension_keeps_moving_a_natural_limit():
    r = compute(
        start=date(2026, 3, 2),
        promised_days=10,
        promised_unit=NATURAL,
        suspensions=[(date(2026, 3, 4), None)],
        today=date(2026, 3, 7),
    )
    # 3 natural days (03-05..03-07) kept out: 03-02 + 13 = 03-15 (Sunday) → 03-16
    assert r.due_date == date(2026, 3, 16)


def test_working_days_stay_the_default():
    # 5 working days after 02-10: 02-11, 02-12, 02-13, 02-14 (调休), 02-24
    assert compute().due_date == date(2026, 2, 24)
    start = date(2026, 3, 2)
    assert compute(start=start, promised_days=10).due_date == date(2026, 3, 16)
    natural = compute(start=start, promised_days=10, promised_unit=NATURAL)
    assert natural.due_date == date(2026, 3, 12)


def test_a_case_keeps_the_units_of_its_version(world):
    item = ServiceItemFactory(
        department=world.dept,
        published__promised_days=5,
        published__promised_unit=NATURAL,
        published__statutory_days=20,
    )
    case = complete_case(world, at(2026, 2, 9), item=item)
    assert case.promised_unit == NATURAL
    assert case.statutory_unit == DayUnit.WORKING
    case = services.case_accept(case=case, actor=world.counter, now=at(2026, 2, 10))
    assert case.due_date == date(2026, 2, 24)
    assert case.statutory_due_date == date(2026, 3, 16)
    # the acceptance notice states each limit in its own unit
    notice = document_render(case.documents.get(kind=DocumentKind.ACCEPTANCE))
    notice.file.open("rb")
    text = "".join(p.extract_text() for p in PdfReader(notice.file).pages)
    notice.file.close()
    assert "5 个自然日" in text and "20 个工作日" in text
    assert "2026年2月24日" in text


def test_an_api_submission_keeps_the_units_of_its_version(world):
    from zhengtong.cases.models import Case

    from .test_apis import client_for

    item = ServiceItemFactory(
        department=world.dept,
        published__promised_days=15,
        published__promised_unit=NATURAL,
        published__statutory_days=20,
    )
    r = client_for(world.applicant).post(
        "/api/v1/cases/", {"item_code": item.item_code}, format="json"
    )
    assert r.status_code == 201, r.content
    case = Case.objects.get(pk=r.json()["id"])
    assert (case.promised_unit, case.statutory_unit) == (NATURAL, DayUnit.WORKING)
