"""Portal tests: every test starts with a fresh search index."""

import pytest

from zhengtong.catalog import search


@pytest.fixture(autouse=True)
def _fresh_index():
    search.index_clear()
    yield
    search.index_clear()
