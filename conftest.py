"""Shared pytest fixtures: database flags, Chromium for browser tests."""

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).parent / "test-artifacts"


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
