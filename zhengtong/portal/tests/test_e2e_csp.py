"""
The Content-Security-Policy holds in Chromium: the main pages of every door
(public, applicant, workbench, queue screens, supervision, admin, API docs)
load and work with no CSP violation in the console.

中文：内容安全策略（CSP）端到端检查。
"""

import pytest
from playwright.sync_api import Browser, Page

from .test_e2e_a11y import demo, frozen_moment, login  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e

WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _watch(page: Page, seen: list[str]) -> None:
    page.add_init_script(WATCH)
    page.on(
        "console",
        lambda msg: (
            seen.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )


def _visit(page: Page, base: str, path: str, seen: list[str]) -> None:
    response = page.goto(base + path)
    assert response is not None and response.status == 200, path
    assert "content-security-policy" in response.headers, path
    page.wait_for_load_state("load")
    violations = page.evaluate("window.__cspViolations || []")
    seen.extend(f"{path}: {violation}" for violation in violations)


@pytest.mark.django_db(transaction=True)
def test_main_pages_pass_the_content_security_policy(
    django_db_setup,
    live_server,
    demo,  # noqa: F811
    browser: Browser,
):
    from zhengtong.catalog.models import Hall

    base = live_server.url
    guide, reviewed = demo["guide"], demo["reviewed"]
    hall = Hall.objects.first()
    seen: list[str] = []

    visitor = browser.new_context()
    page = visitor.new_page()
    _watch(page, seen)
    for path in [
        "/",
        "/items/?q=节能",
        f"/items/{guide.pk}/",
        "/cases/lookup/",
        "/accounts/login/",
        "/accounts/register/",
        "/queue/appointments/",
        "/queue/take/",
        "/api/docs/",
        "/admin/login/",
    ]:
        _visit(page, base, path, seen)
    if hall is not None:
        _visit(page, base, f"/queue/display/?hall={hall.pk}", seen)
        _visit(page, base, f"/queue/kiosk/?hall={hall.pk}", seen)
    # the guide's print button runs from site.js (no onclick= attribute)
    page.goto(f"{base}/items/{guide.pk}/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.locator("[data-print]").first.click()
    assert page.evaluate("window.__printed === true")
    login(page, base, "applicant", "/cases/mine/")
    for path in ["/cases/mine/", f"/cases/apply/{demo['item'].pk}/"]:
        _visit(page, base, path, seen)
    visitor.close()

    staff = browser.new_context()
    desk = staff.new_page()
    _watch(desk, seen)
    login(desk, base, "counter", "/workbench/")
    for path in [
        "/workbench/",
        f"/workbench/cases/{reviewed.pk}/",
    ]:
        _visit(desk, base, path, seen)
    staff.close()

    watch = browser.new_context()
    supervisor = watch.new_page()
    _watch(supervisor, seen)
    login(supervisor, base, "supervisor", "/workbench/supervision/")
    _visit(supervisor, base, "/workbench/supervision/", seen)
    watch.close()

    admin = browser.new_context()
    boss = admin.new_page()
    _watch(boss, seen)
    login(boss, base, "admin", "/admin/")
    for path in [
        "/admin/",
        "/admin/cases/case/",
        f"/admin/cases/case/{reviewed.pk}/change/",
    ]:
        _visit(boss, base, path, seen)
    admin.close()

    assert seen == []
