import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Start every test with no cached calendar."""
    from zhengtong.workdays.selectors import calendar_cache_clear

    calendar_cache_clear()
