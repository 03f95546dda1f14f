"""Staff on show (挂牌上岗): who serves, who is away and where, who covers, the phones."""

import pytest
from rest_framework.test import APIClient

from zhengtong.accounts.services import staff_absence_set
from zhengtong.feedback.models import ComplaintContact, StaffBadge

from .complaint_world import ComplaintWorld

URL = "/api/v1/feedback/staff-show/"


@pytest.fixture
def cw(db) -> ComplaintWorld:
    return ComplaintWorld()


def test_counter_display_data(cw):
    StaffBadge.objects.create(
        user=cw.counter,
        staff_number="GA0307",
        title="受理员",
        scope="企业开办、个体登记",
    )
    r = APIClient().get(URL, {"counter": cw.desk.pk})
    assert r.status_code == 200
    body = r.json()
    assert body["contact"]["centre_phone"] == "0826-1234567"
    assert body["contact"]["efficiency_phone"] == "0826-12345"
    (person,) = body["counters"][0]["staff"]
    assert person["name"] == "王窗口" and person["staff_number"] == "GA0307"
    assert person["title"] == "受理员" and person["scope"] == "企业开办、个体登记"
    assert person["away"] is False and person["backup"] is None


def test_away_shows_where_until_when_and_the_backup(cw):
    from zhengtong.accounts.services import staff_post_set

    staff_post_set(user=cw.counter, department=cw.dept, backup=cw.reviewer_b)
    staff_absence_set(
        user=cw.counter, actor=cw.counter, is_absent=True, note="培训：市局，至15:00"
    )
    person = (
        APIClient().get(URL, {"counter": cw.desk.pk}).json()["counters"][0]["staff"][0]
    )
    assert person["away"] is True and "至15:00" in person["away_note"]
    assert person["backup"]["name"] == "孙备岗"


def test_hall_phones_override_default_and_bad_input(cw):
    ComplaintContact.objects.create(hall=cw.hall, centre_phone="0826-7654321")
    body = APIClient().get(URL, {"hall": cw.hall.pk}).json()
    assert body["contact"]["centre_phone"] == "0826-7654321"
    assert [c["number"] for c in body["counters"]] == ["3"]
    assert APIClient().get(URL).status_code == 400
    assert APIClient().get(URL, {"counter": "abc"}).json()["code"] == "invalid_input"
    assert APIClient().get(URL, {"counter": 10**9}).status_code == 404


def test_the_hall_display_shows_staff_and_the_public_results(cw, client):
    """The hall display carries the 挂牌 panel and the 好差评 results panel,
    each filled from its public feed (no login)."""
    page = client.get("/queue/display/", {"hall": cw.hall.pk}).content.decode()
    assert 'id="staff-show"' in page and "feedback/staff_show.js" in page
    assert 'id="rating-results"' in page and "feedback/results_panel.js" in page
    feed = APIClient().get("/api/v1/feedback/public/results/", {"group": "department"})
    assert feed.status_code == 200
    assert {"month", "totals", "rows"} <= set(feed.json())
