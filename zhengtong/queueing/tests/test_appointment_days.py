"""
The booking page's dates: every date in view (they wrap, none is cut off),
and a day that cannot be booked is no link and says why.

Monday 2026-03-02 (the queue tests' frozen day); Saturday 2026-03-07 is an
ordinary rest day, the hall is open Monday to Friday.
"""

import re

import pytest

from .factories import hall_setup

pytestmark = pytest.mark.django_db


def test_weekends_are_not_links_and_say_why(client):
    setup = hall_setup()
    client.force_login(setup.applicant)
    page = client.get(
        f"/queue/appointments/?hall={setup.hall.pk}&category=general"
    ).content.decode()
    assert 'class="day-grid"' in page
    assert "date=2026-03-03" in page  # Tuesday: a link
    assert "date=2026-03-07" not in page  # Saturday: not a link
    off = re.findall(r'<span class="day-off[^"]*">(.*?)</span></span>', page)
    assert any("3月7日" in day and "休息日" in day for day in off)
    assert not any("3月3日" in day for day in off)
    assert "不可预约" in page  # the legend tells what grey dates mean
