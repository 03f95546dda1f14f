"""
The statistics pages: who may open them, what a department head sees, the
Excel exports, bad filters, and the leader's screen data.
"""

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from .assessment_world import AssessmentWorld, daily, moment

pytestmark = pytest.mark.usefixtures("frozen_today")  # 2026-05-15

URL = "/workbench/stats/"


@pytest.fixture
def frozen_moment() -> datetime:
    return moment(2026, 5, 15)


@pytest.fixture
def aw(db) -> AssessmentWorld:
    w = AssessmentWorld()
    day = date(2026, 5, 12)
    daily(day=day, dept=w.dept, counter=w.counter_a, concluded=6, on_time=5, overdue=1)
    daily(day=day, dept=w.other_dept, counter=w.counter_x, concluded=4, on_time=4)
    return w


def page(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, params)


def test_department_head_sees_only_own_department(client, aw):
    html = page(client, aw.head).content.decode()
    assert "区行政审批局" in html
    assert "区市场监督管理局" not in html
    r = page(client, aw.head, department=aw.other_dept.pk)
    assert r.status_code == 403
    assert "只能查看本部门" in r.content.decode()
    other = page(client, aw.other_head).content.decode()
    assert "区市场监督管理局" in other and "区行政审批局" not in other


def test_supervisor_sees_the_centre_with_four_charts_and_their_tables(client, aw):
    html = page(client, aw.supervisor).content.decode()
    assert "区行政审批局" in html and "区市场监督管理局" in html
    for chart in ("chart-trend", "chart-departments", "chart-lamps", "chart-waiting"):
        assert f'id="{chart}"' in html
    assert 'id="stats-chart-data"' in html
    assert "<script>" not in html.replace('<script src="', "")  # no inline script


@pytest.mark.parametrize("who", ["applicant", "anonymous"])
def test_applicant_and_anonymous_cannot_open_the_pages(client, aw, who):
    for url in (
        URL,
        URL + "screen/",
        URL + "screen/data/",
        URL + "assessment/",
        URL + "reports/",
    ):
        if who == "applicant":
            client.force_login(aw.applicant)
        response = client.get(url)
        assert response.status_code in (302, 403), url
        if who == "applicant":
            assert response.status_code == 403


def test_export_is_the_table_behind_the_chart(client, aw):
    r = page(client, aw.head, export="departments", period="month", date="2026-05-15")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][:4] == ["分组", "收件", "受理", "办结"]
    assert rows[2][0] == "区行政审批局" and rows[2][3] == 6
    assert len(rows) == 3  # the head's department only


@pytest.mark.parametrize(
    "params",
    [
        {"period": "decade"},
        {"date": "2026-02-30"},
        {"period": "custom", "from": "2026-05-10", "to": "2026-05-01"},
        {"department": "x"},
        {"channel": "pigeon"},
        {"period": "custom", "from": "2020-01-01", "to": "2026-01-01"},
    ],
)
def test_bad_filters_answer_a_chinese_message_not_500(client, aw, params):
    r = page(client, aw.supervisor, **params)
    assert r.status_code == 400
    assert 'role="alert"' in r.content.decode()


@pytest.mark.parametrize("period", ["day", "week", "month", "quarter", "year"])
def test_every_period_opens(client, aw, period):
    assert page(client, aw.supervisor, period=period).status_code == 200


def test_screen_data_refreshes_with_this_months_figures(client, aw):
    body = page(client, aw.supervisor, URL + "screen/data/").json()
    assert body["figures"]["month_concluded"] == 10
    assert body["chart"]["departments"]["labels"]
    head = page(client, aw.head, URL + "screen/data/").json()
    assert head["figures"]["month_concluded"] == 6
    html = page(client, aw.supervisor, URL + "screen/").content.decode()
    assert 'data-refresh="60"' in html and "stats/screen.js" in html
