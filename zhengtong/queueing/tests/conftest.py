"""Every queue test runs on a fixed day (root ``frozen_today``)."""

import pytest


@pytest.fixture(autouse=True)
def _queue_day(frozen_today):
    """Run every queue test on Monday 2026-03-02 10:00 (root ``frozen_moment``).

    Tickets, calls and appointments ask whether the hall is open today and
    whether today is a working day, so no queue test may see the real date.
    The day is not ``factories.MONDAY``: the tests that give ``now=`` at
    MONDAY count on its ordinary hours, while ``open_all_day()`` opens *today*
    all day (a test running on 2026-11-23 for real saw the two collide).
    """
