"""
Public disclosure (办件公示): masked rows on the page and in the feed,
nothing personal beyond the masked name, search, bounded pages, bad input.
"""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhengtong.cases.models import Case
from zhengtong.cases.tests.conftest import World
from zhengtong.stats.selectors_disclosure import disclosed_name
from zhengtong.stats.services.rollup import stats_refresh

from .facts_world import build

TZ = ZoneInfo("Asia/Shanghai")
ID_NUMBER = "510101199001011234"
PHONE = "13800001111"
ENTERPRISE = "成都某某科技有限公司"


@pytest.fixture
def pub(db):
    with time_machine.travel(datetime(2025, 10, 20, 10, tzinfo=TZ), tick=False):
        w = World()
        cases = build(w)
        Case.objects.update(
            applicant_name="张三丰",
            applicant_id_number=ID_NUMBER,
            applicant_phone=PHONE,
        )
        Case.objects.filter(pk=cases["B"].pk).update(
            applicant_name=ENTERPRISE,
            applicant_id_type="credit_code",
            applicant_id_number="91510100MA61234567",
        )
        stats_refresh()
        yield w, cases


def test_feed_rows_are_masked_and_complete(pub, client):
    _w, cases = pub
    r = client.get("/api/v1/public/disclosure/")
    assert r.status_code == 200
    body = r.json()
    assert body["page"] == 1 and body["has_next"] is False
    by_number = {row["number"]: row for row in body["results"]}
    # accepted cases only: the refused one (never accepted) is not listed
    assert len(by_number) == 5
    a = by_number[cases["A"].number]
    assert a["applicant"] == "张**"
    assert a["accepted_on"] == "2025-09-26" and a["concluded_on"] == "2025-10-09"
    assert a["result"] == "准予许可" and a["on_time"] is True
    b = by_number[cases["B"].number]
    assert b["applicant"] == ENTERPRISE and b["on_time"] is False
    f = by_number[cases["F"].number]
    assert f["concluded_on"] is None and f["on_time"] is None
    text = json.dumps(body, ensure_ascii=False)
    for secret in (ID_NUMBER, PHONE, "张三丰", "91510100MA61234567"):
        assert secret not in text


def test_page_shows_masked_rows_and_month_figures(pub, client):
    _w, cases = pub
    r = client.get("/disclosure/?month=2025-10")
    assert r.status_code == 200
    html = r.content.decode()
    assert cases["A"].number in html and "张**" in html and ENTERPRISE in html
    assert "区行政审批局" in html and "75%" in html  # October: 3 of 4 on time
    for secret in (ID_NUMBER, PHONE, "张三丰", "138****1111", "5101"):
        assert secret not in html


def test_page_leads_to_the_assessment_disclosure(db, client):
    # 考核公示 has no menu door of its own: the public reach it from 办件公示.
    r = client.get("/disclosure/")
    assert r.status_code == 200
    assert 'href="/assessment/"' in r.content.decode()


def test_search_by_number_and_item(pub, client):
    _w, cases = pub
    number = cases["C"].number
    rows = client.get("/api/v1/public/disclosure/", {"q": number}).json()["results"]
    assert [r["number"] for r in rows] == [number]
    item_name = Case.objects.get(pk=cases["C"].pk).item.name
    rows = client.get("/api/v1/public/disclosure/", {"q": item_name}).json()["results"]
    assert len(rows) == 5
    html = client.get("/disclosure/", {"q": "没有这个事项"}).content.decode()
    assert "没有找到匹配的办件" in html


@pytest.mark.parametrize("page", ["0", "101", "abc", "-1", "１"])
def test_bad_pages_are_400(db, client, page):
    r = client.get("/api/v1/public/disclosure/", {"page": page})
    assert r.status_code == 400 and r.json()["code"] == "invalid_page"
    r = client.get("/disclosure/", {"page": page})
    assert r.status_code == 200 and "页码" in r.content.decode()


def test_long_search_is_refused(db, client):
    r = client.get("/api/v1/public/disclosure/", {"q": "办" * 41})
    assert r.status_code == 400 and r.json()["code"] == "invalid_input"


def test_disclosed_name_rule():
    assert disclosed_name("张三", "resident_id") == "张*"
    assert disclosed_name("欧阳娜娜", "") == "欧***"
    assert disclosed_name(ENTERPRISE, "credit_code") == ENTERPRISE
    assert disclosed_name("", "") == ""
