"""Shared pytest fixtures: database flags, Chromium, the clock of the session."""

import os
import shutil
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

ARTIFACTS = Path(__file__).parent / "test-artifacts"
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY_TRAVEL = pytest.StashKey[time_machine.travel]()
# Monday 2026-03-02 10:00 in Shanghai: an ordinary working day inside the
# shipped (official) calendar, far from any holiday or year end; the day most
# case tests' ``now=`` use.
STORY_MOMENT = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--today",
        metavar="YYYY-MM-DD[THH:MM]",
        default=None,
        help=(
            "run the whole session as if on this day (Asia/Shanghai, 10:00 unless "
            "a time is given; the clock keeps running). Tests that freeze time "
            "themselves still see their own date."
        ),
    )


def session_start(value: str) -> datetime:
    """Return the moment ``--today`` names: a date (10:00) or a date and time.

    A value without an offset is Shanghai time; ``2026-12-31T00:30+08:00`` and
    ``2026-12-30T16:30Z`` name the same moment.
    """
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(
            f"--today={value!r}: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None
    if len(value) == 10:  # a bare date
        moment = datetime.combine(moment.date(), time(10))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment


def pytest_configure(config: pytest.Config) -> None:
    value = config.getoption("--today")
    if value:
        # Started before collection so module-level dates move too; every
        # xdist worker runs this hook itself. Nested travels (a test's own
        # frozen date) push on top of this one and win inside their block.
        traveller = time_machine.travel(session_start(value), tick=True)
        traveller.start()
        config.stash[TODAY_TRAVEL] = traveller


def pytest_unconfigure(config: pytest.Config) -> None:
    traveller = config.stash.get(TODAY_TRAVEL, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    value = config.getoption("--today")
    if value:
        return f"clock moved by --today: {session_start(value).isoformat()}"
    return None


@pytest.fixture
def frozen_moment() -> datetime:
    """Return the moment ``frozen_today`` stops the clock at.

    ``STORY_MOMENT`` unless overridden: an app's tests/conftest.py, a module or
    a class defines its own ``frozen_moment`` fixture for its story, one test
    uses ``@pytest.mark.parametrize("frozen_moment", [...])``.
    """
    return STORY_MOMENT


@pytest.fixture
def frozen_today(frozen_moment: datetime) -> Iterator[time_machine.Traveller]:
    """Run one test on the day of ``frozen_moment``, whatever the real date.

    The clock starts at ``frozen_moment`` and runs on from there (tick=True):
    today is fixed, yet two writes still get different timestamps, as in
    production (a stopped clock would hide a change behind an equal
    ``updated_at``). Dates, ``timezone.now()``, ``time.time()`` and C-level
    callers all see it, ``--today`` included. The traveller moves on with
    ``.shift(timedelta)`` or ``.move_to(datetime, tick=False)``.
    """
    if frozen_moment.tzinfo is None:
        raise ValueError("frozen_moment must be an aware datetime (Asia/Shanghai)")
    with time_machine.travel(frozen_moment, tick=True) as traveller:
        yield traveller


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    pg = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (run with DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords and not pg:
            item.add_marker(skip_pg)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    return {
        "executable_path": path,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def artifacts_dir() -> Path:
    """Folder for screenshots and downloads of browser tests."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session", autouse=True)
def _database_before_browser(request):
    """
    Set up the test database before Playwright starts, when browser tests run.

    Playwright's sync API keeps an event loop running in this thread; Django
    refuses synchronous database work (the test database setup) under it.
    """
    if any("e2e" in item.keywords for item in request.session.items):
        request.getfixturevalue("django_db_setup")


@pytest.fixture(autouse=True)
def _allow_async_unsafe_for_e2e(request):
    if "e2e" in request.keywords:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Start each test with an empty Django cache (pages, guides, counters)."""
    from django.core.cache import cache

    cache.clear()
    yield
