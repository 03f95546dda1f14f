"""
End to end in Chromium: the statistics page and the leader's screen (大屏).

A department head opens the statistics page (1366 px): the four charts are
drawn (ECharts has series and the canvases have painted pixels) and only
their department is shown; the supervisor opens the screen at 1920×1080:
every chart drawn, April's signed honours listed.  Each page passes axe.
Screenshots go to test-artifacts/e2e-stats-NN-*.png.
"""

import re
from datetime import date, datetime

import pytest
from playwright.sync_api import Page, expect

from zhengtong.cases.tests.test_e2e import Shots
from zhengtong.stats.services.assessment_month import assessment_sign_off

from .assessment_world import APRIL, AssessmentWorld, daily, moment

PASSWORD = "pw-123456"

pytestmark = pytest.mark.e2e

PAINTED = """(id) => {
  const canvas = document.querySelector('#' + id + ' canvas');
  if (!canvas) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) n++; }
  return n;
}"""


@pytest.fixture
def frozen_moment() -> datetime:
    return moment(2026, 5, 15)


@pytest.fixture
def stats_world(transactional_db, frozen_today):
    w = AssessmentWorld()
    w.april()
    for d, n in ((date(2026, 5, 4), 3), (date(2026, 5, 11), 5)):
        daily(day=d, dept=w.dept, counter=w.counter_a, concluded=n, on_time=n)
        daily(day=d, dept=w.other_dept, counter=w.counter_x, concluded=1, on_time=1)
    assessment_sign_off(month=APRIL, actor=w.admin)
    return w


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(next_path)))


def assert_drawn(page: Page, charts: list[str]) -> None:
    page.wait_for_function(
        "() => window.ztStatsCharts && window.ztStatsCharts.seriesCount() > 0"
    )
    for chart in charts:
        assert page.evaluate(PAINTED, chart) > 500, chart


@pytest.mark.django_db(transaction=True)
def test_dashboard_and_screen_draw_their_charts(
    django_db_setup, live_server, stats_world, page: Page, browser, artifacts_dir
):
    shot = Shots(artifacts_dir, prefix="e2e-stats")
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, base, "dept_head", "/workbench/stats/")
    expect(page.get_by_role("heading", name=re.compile("效能统计"))).to_be_visible()
    assert_drawn(
        page, ["chart-trend", "chart-departments", "chart-lamps", "chart-waiting"]
    )
    assert page.evaluate("window.ztStatsCharts.seriesCount()") >= 9
    table = page.locator("#chart-departments ~ details table")
    expect(table).to_contain_text("区行政审批局")
    expect(page.locator("main")).not_to_contain_text("区市场监督管理局")
    shot(page, "dashboard")

    screen = browser.new_page(viewport={"width": 1920, "height": 1080})
    login(screen, base, "super", "/workbench/stats/screen/")
    assert_drawn(screen, ["chart-trend", "chart-departments", "chart-waiting"])
    expect(screen.locator("[data-field=month_concluded]")).to_have_text("10")
    expect(screen.locator("[data-honours]")).to_contain_text("赵审批")  # 服务明星
    expect(screen.locator("[data-honours]")).to_contain_text("1 号窗口")  # 红旗窗口
    # the page fits the screen: no scrolling on a 1920×1080 display
    assert screen.evaluate("document.documentElement.scrollHeight") <= 1080
    shot(screen, "screen")
    screen.close()
