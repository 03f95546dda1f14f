"""
Chromium end to end: kiosk takes a ticket → counter calls it → the hall
display shows it live over the WebSocket. Screenshots go to test-artifacts/.

The ASGI app (HTTP + WebSockets) runs in uvicorn on a thread of the test
process, so it shares the test database on SQLite and PostgreSQL.
"""

import re
import socket
import threading
import time

import pytest

from zhengtong.core.tests.axe import assert_accessible
from zhengtong.queueing.models import Ticket

from .factories import hall_setup, open_all_day


def _asgi_application():
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    from channels.auth import AuthMiddlewareStack
    from channels.routing import ProtocolTypeRouter, URLRouter

    from zhengtong.queueing.routing import websocket_urlpatterns

    return ProtocolTypeRouter(
        {
            "http": ASGIStaticFilesHandler(get_asgi_application()),
            "websocket": AuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
        }
    )


@pytest.fixture
def asgi_server(transactional_db):
    from django.db import connections

    import uvicorn

    # Server threads close their connection after each request, so none is
    # left open when the test database is dropped.
    db_settings = connections["default"].settings_dict
    old_max_age = db_settings.get("CONN_MAX_AGE", 0)
    db_settings["CONN_MAX_AGE"] = 0
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            _asgi_application(),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    db_settings["CONN_MAX_AGE"] = old_max_age


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_kiosk_counter_and_hall_display(asgi_server, page, browser, artifacts_dir):
    from playwright.sync_api import expect

    setup = hall_setup()
    open_all_day(setup.hall)
    hall_id = setup.hall.pk
    base = asgi_server

    # The hall display is open before anything happens.
    display = browser.new_page(viewport={"width": 1280, "height": 720})
    display.goto(f"{base}/queue/display/?hall={hall_id}")
    expect(display.locator("#conn")).to_have_text("实时连接", timeout=10_000)
    assert_accessible(display)

    # 1. Kiosk: take a ticket (printing is stubbed and recorded).
    page.set_viewport_size({"width": 1024, "height": 768})
    # Printing is recorded on <html> (no string evaluation: the CSP has no 'unsafe-eval').
    page.add_init_script(
        "window.print = function () {"
        " document.documentElement.setAttribute('data-printed', '1'); };"
    )
    page.goto(f"{base}/queue/kiosk/?hall={hall_id}")
    expect(page.get_by_role("heading", name="② 请选择办理业务")).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "queue-1-kiosk.png"), full_page=True)
    page.locator("[data-category=general]").click()
    expect(page.locator("[data-ticket-number]")).to_have_text("A001", timeout=15_000)
    expect(page.locator("html")).to_have_attribute("data-printed", "1", timeout=5000)
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "queue-2-ticket.png"), full_page=True)
    assert Ticket.objects.get().status == "waiting"

    # 2. Counter staff signs in and calls the next ticket.
    staff_context = browser.new_context(viewport={"width": 1280, "height": 800})
    desk = staff_context.new_page()
    desk.goto(f"{base}/accounts/login/?next=/workbench/queue/")
    desk.fill("input[name=username]", setup.staff.username)
    desk.fill("input[name=password]", "pw-123456")
    desk.locator("form button[type=submit], form input[type=submit]").last.click()
    expect(desk).to_have_url(re.compile(r"/workbench/queue/"))
    assert_accessible(desk)
    desk.locator("[data-call-next]").click()
    expect(desk.locator("[data-current-number]")).to_have_text("A001", timeout=15_000)
    assert_accessible(desk)
    desk.screenshot(
        path=str(artifacts_dir / "queue-3-counter-desk.png"), full_page=True
    )

    # 3. The hall display shows the call without a reload.
    expect(display.locator("#now-calling [data-number]")).to_have_text(
        "A001", timeout=10_000
    )
    expect(display.locator("#now-calling [data-counter]")).to_have_text("1")
    assert_accessible(display)
    display.screenshot(path=str(artifacts_dir / "queue-4-hall-display.png"))
    received = display.evaluate("window.queueDisplay.received")
    assert any(r["event"] == "call" and r["number"] == "A001" for r in received)
    ticket = Ticket.objects.get()
    assert ticket.status == "called" and ticket.counter == setup.counters[0]
    staff_context.close()
    display.close()
