"""
The hall display's clock shows the centre's time (TIME_ZONE), even on a
display computer set to UTC.
"""

from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

import pytest

from .factories import hall_setup

pytestmark = pytest.mark.e2e
DISPLAY_JS = Path(settings.BASE_DIR) / "static" / "queueing" / "display.js"


@pytest.mark.django_db
def test_the_display_page_names_the_centres_time_zone(client):
    setup = hall_setup()
    page = client.get(f"/queue/display/?hall={setup.hall.pk}").content.decode()
    assert 'id="clock" class="clock" data-time-zone="Asia/Shanghai"' in page


def test_the_clock_shows_beijing_time_on_a_utc_computer(browser):
    context = browser.new_context(timezone_id="UTC")
    page = context.new_page()
    # 16:30 UTC is 00:30 the next day in Beijing
    page.clock.set_fixed_time(datetime(2026, 3, 2, 16, 30, tzinfo=UTC))
    html = (
        '<div data-ws-path="/ws/queue/display/0/">'
        '<span id="clock" data-time-zone="Asia/Shanghai"></span></div>'
        "<script>" + DISPLAY_JS.read_text(encoding="utf-8") + "</script>"
    )
    # a real origin (display.js keeps the speech choice in localStorage)
    page.route(
        "http://display.test/",
        lambda route: route.fulfill(body=html, content_type="text/html"),
    )
    page.route("**/ws/**", lambda route: route.abort())
    page.goto("http://display.test/")
    assert page.locator("#clock").inner_text() == "00:30:00"
    context.close()
