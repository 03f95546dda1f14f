"""keyset_page: the one definition of the newest-first pages by id (complaints, rectifications)."""

import pytest

from zhengtong.api.pagination import keyset_page
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids():
    from zhengtong.core.audit import audit_record

    return [
        audit_record(action="page_test", stream=f"test.page:{i}", actor="系统").pk
        for i in range(5)
    ]


def _qs():
    return AuditEvent.objects.filter(action="page_test").order_by("-id")


def test_pages_follow_each_other_to_the_end(ids):
    rows, after = keyset_page(_qs(), {"page_size": "2"})
    assert [r.pk for r in rows] == ids[::-1][:2] and after == ids[3]
    rows, after = keyset_page(_qs(), {"page_size": "2", "before": str(after)})
    assert [r.pk for r in rows] == [ids[2], ids[1]] and after == ids[1]
    rows, after = keyset_page(_qs(), {"page_size": "2", "before": str(after)})
    assert [r.pk for r in rows] == [ids[0]] and after is None


def test_the_page_size_is_capped(ids):
    rows, after = keyset_page(_qs(), {"page_size": "1000"}, size_max=3)
    assert len(rows) == 3 and after == ids[2]


@pytest.mark.parametrize(
    "params",
    [
        {"before": "x"},
        {"before": "-1"},
        {"before": "9" * 25},
        {"page_size": "0"},
        {"page_size": "二"},
    ],
)
def test_a_bad_parameter_is_invalid_input(ids, params):
    with pytest.raises(ApplicationError) as caught:
        keyset_page(_qs(), params)
    assert caught.value.code == "invalid_input"
