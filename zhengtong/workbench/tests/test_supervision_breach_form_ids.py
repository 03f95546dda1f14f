"""
The card page's two forms (认定, 不予认定) each ask for a reason: every id on
the page is unique, so each label names its own field (a screen reader read
the dismiss label on the decide field); a dismiss with no reason comes back
with its error on the dismiss field.
"""

import re

from django.test import Client

import pytest

from zhengtong.supervision.constants import BreachState
from zhengtong.supervision.models import BreachKind
from zhengtong.supervision.services.breaches import breach_propose
from zhengtong.supervision.tests.order_world import OrderWorld

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def ow(db) -> OrderWorld:
    return OrderWorld()


def ids_of(page: str) -> list[str]:
    return re.findall(r'\sid="([^"]+)"', page)


def test_decide_and_dismiss_reasons_have_their_own_ids(ow):
    breach = breach_propose(
        actor=ow.supervisor,
        kind=BreachKind.objects.get(code="first_question_dropped"),
        person=ow.reviewer,
        evidence_kind="first_question",
        evidence_text="首问后未转交。",
    )
    url = f"/workbench/supervision/breaches/{breach.pk}/"
    admin = Client()
    admin.force_login(ow.admin)
    page = admin.get(url).content.decode()
    ids = ids_of(page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'for="id_reason"' in page and 'for="id_dismiss_reason"' in page

    r = admin.post(url + "dismiss/", {"reason": ""})
    assert r.status_code == 400
    page = r.content.decode()
    ids = ids_of(page)
    assert len(ids) == len(set(ids))
    assert 'id="id_dismiss_reason"' in page

    r = admin.post(url + "dismiss/", {"reason": "证据不足。"})
    assert r.status_code == 302
    breach.refresh_from_db()
    assert breach.state == BreachState.DISMISSED
