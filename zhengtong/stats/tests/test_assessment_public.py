"""
考核公示: the portal page and its hall-screen layout publish signed months
only, to anyone, with no personal data beyond the honoured staff's names.
"""

from datetime import datetime

import pytest

from zhengtong.stats.services.assessment_month import assessment_sign_off

from .assessment_world import APRIL, AssessmentWorld, moment

pytestmark = pytest.mark.usefixtures("frozen_today")  # 2026-05-15

URL = "/assessment/"


@pytest.fixture
def frozen_moment() -> datetime:
    return moment(2026, 5, 15)


@pytest.fixture
def aw(db) -> AssessmentWorld:
    w = AssessmentWorld()
    w.april()
    return w


def test_nothing_is_published_before_sign_off(client, aw):
    html = client.get(URL).content.decode()
    assert "尚无已签发" in html
    r = client.get(URL, {"month": "2026-04"})
    assert r.status_code == 404 and "尚未签发" in r.content.decode()
    assert client.get(URL, {"month": "2026-99"}).status_code == 400


def test_signed_month_shows_honours_and_ranking_without_personal_data(client, aw):
    assessment_sign_off(month=APRIL, actor=aw.admin)
    for params in ({}, {"month": "2026-04"}, {"display": "1"}):
        r = client.get(URL, params)
        assert r.status_code == 200
        html = r.content.decode()
        assert "1 号窗口" in html and "3 号窗口" in html  # 红旗窗口
        assert "孙备岗" in html and "赵审批" in html  # 服务明星 (tied)
        assert "外部门" not in html  # the other staff are not named
        assert "13800001111" not in html and "张三" not in html
    assert 'http-equiv="refresh"' in client.get(URL, {"display": "1"}).content.decode()
