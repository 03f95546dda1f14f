"""
Accessibility in Chromium: axe-core (WCAG 2.1 A/AA) finds nothing on the
public pages, the applicant pages, the workbench and the supervision desk, in
normal, large-text and high-contrast mode and on a phone; and what axe does not count: every file input is named after its
material, a failed submit puts focus on the error summary, the login error is
announced.

中文：无障碍（读屏、键盘、对比度）端到端检查。

Screenshots go to test-artifacts/a11y-*.png.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from zhengtong.cases.models import Case
from zhengtong.catalog.tests.factories import DepartmentFactory, ServiceItemFactory
from zhengtong.catalog.tests.helpers import full_item
from zhengtong.core.tests.axe import assert_accessible

pytestmark = pytest.mark.e2e

PASSWORD = "a11y-pass-123"
DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# a complete PDF without pages (pypdf writes it; uploads are parsed)
PDF = b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\n/Producer (pypdf)\n>>\nendobj\n2 0 obj\n<<\n/Type /Pages\n/Count 0\n/Kids [ ]\n>>\nendobj\n3 0 obj\n<<\n/Type /Catalog\n/Pages 2 0 R\n>>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000015 00000 n \n0000000054 00000 n \n0000000107 00000 n \ntrailer\n<<\n/Size 4\n/Root 3 0 R\n/Info 1 0 R\n>>\nstartxref\n156\n%%EOF\n"


@pytest.fixture
def frozen_moment() -> datetime:
    """A Monday in the shipped calendar: the demo's lamps and counts are fixed."""
    return datetime(2026, 3, 2, 10, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def demo(transactional_db, frozen_today, monkeypatch):
    """The demo accounts and cases (every case state), plus a full guide."""
    from django.core.files.base import ContentFile

    from zhengtong.accounts import demo as accounts_demo
    from zhengtong.cases import demo as cases_demo

    monkeypatch.setattr(
        cases_demo, "_pdf", lambda name: ContentFile(PDF, name="demo.pdf")
    )
    dept = DepartmentFactory(name="区行政审批局")
    ServiceItemFactory(
        department=dept,
        online_available=True,
        published__promised_days=5,
        published__statutory_days=20,
    )
    guide = full_item(department=DepartmentFactory(name="区发展和改革局"))
    accounts_demo.seed(password=PASSWORD)
    cases_demo.seed(password=PASSWORD)
    supplement = Case.objects.get(idempotency_key="demo-supplement")
    return {
        "guide": guide,
        "item": supplement.item,
        "supplement": supplement,
        "reviewed": Case.objects.get(idempotency_key="demo-under-review"),
    }


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(next_path.split("?")[0])))


def visit(page: Page, base: str, path: str, shot: str, artifacts_dir) -> None:
    """Open a page, check it with axe, keep a screenshot."""
    response = page.goto(base + path)
    assert response is not None and response.status == 200, path
    expect(page.locator("h1").first).to_be_visible()
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / f"a11y-{shot}.png"), full_page=True)


def switch_on(page: Page, toggles: tuple[str, ...]) -> None:
    """Press the header's 适老化 buttons (cookies the server reads) on."""
    for selector in toggles:
        button = page.locator(selector)
        if button.get_attribute("aria-pressed") != "true":
            button.click()
        expect(button).to_have_attribute("aria-pressed", "true")


LARGE = "[data-large-text-toggle]"
CONTRAST = "[data-contrast-toggle]"
MODES = [
    ("normal", (), DESK),
    ("large", (LARGE,), DESK),
    ("contrast", (CONTRAST,), DESK),
    ("phone", (LARGE,), PHONE),
]


@pytest.mark.django_db(transaction=True)
def test_public_applicant_and_workbench_pages_have_no_axe_violations(
    django_db_setup, live_server, demo, browser: Browser, artifacts_dir
):
    base = live_server.url
    guide, item = demo["guide"], demo["item"]
    supplement, reviewed = demo["supplement"], demo["reviewed"]
    public = [
        ("home", "/"),
        ("search", "/items/?q=节能"),
        ("guide", f"/items/{guide.pk}/"),
        ("lookup", "/cases/lookup/"),
        (
            "lookup-result",
            f"/cases/lookup/?number={reviewed.number}&code={reviewed.query_code}",
        ),
        ("login", "/accounts/login/"),
        ("login-sms", "/accounts/login/sms/"),
        ("register", "/accounts/register/"),
        ("appointments", "/queue/appointments/"),
        ("take-ticket", "/queue/take/"),
    ]
    applicant = [
        ("mine", "/cases/mine/"),
        ("apply", f"/cases/apply/{item.pk}/"),
        ("detail-supplement", f"/cases/{supplement.pk}/"),
    ]
    workbench = [
        ("workbench-all", "/workbench/?inbox=all"),
        ("workbench-due-soon", "/workbench/?inbox=due_soon"),
        ("workbench-case", f"/workbench/cases/{reviewed.pk}/"),
        ("workbench-supplement", f"/workbench/cases/{supplement.pk}/"),
        ("workbench-intake", f"/workbench/intake/{item.pk}/"),
    ]
    for mode, toggles, viewport in MODES:
        visitor = browser.new_context(viewport=viewport)
        page = visitor.new_page()
        page.goto(base + "/")
        switch_on(page, toggles)
        for name, path in public:
            visit(page, base, path, f"{mode}-{name}", artifacts_dir)
        login(page, base, "applicant", "/cases/mine/")
        for name, path in applicant:
            visit(page, base, path, f"{mode}-{name}", artifacts_dir)
        visitor.close()

        staff = browser.new_context(viewport=viewport)
        desk = staff.new_page()
        desk.goto(base + "/")
        switch_on(desk, toggles)
        login(desk, base, "counter", "/workbench/")
        for name, path in workbench:
            visit(desk, base, path, f"{mode}-{name}", artifacts_dir)
        staff.close()

        watch = browser.new_context(viewport=viewport)
        supervisor = watch.new_page()
        supervisor.goto(base + "/")
        switch_on(supervisor, toggles)
        login(supervisor, base, "supervisor", "/workbench/supervision/")
        visit(
            supervisor,
            base,
            "/workbench/supervision/",
            f"{mode}-supervision",
            artifacts_dir,
        )
        watch.close()


@pytest.mark.django_db(transaction=True)
def test_file_inputs_are_named_and_failed_submits_take_focus(
    django_db_setup, live_server, demo, page: Page, artifacts_dir
):
    base = live_server.url
    item = demo["item"]
    page.set_viewport_size(DESK)
    page.on("dialog", lambda dialog: dialog.accept())

    # Login error: announced (role=alert), and axe still finds nothing.
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "applicant")
    page.fill("#id_password", "wrong-password")
    page.locator("main").get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码错误")
    assert_accessible(page)

    # Registration left empty: the error summary lists each field and has focus.
    page.goto(f"{base}/accounts/register/")
    page.locator("main").get_by_role("button", name="注册").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.locator("[data-error-summary] a").first).to_be_visible()
    assert_accessible(page)

    # A lookup that finds nothing: the message is announced and takes focus.
    page.goto(f"{base}/cases/lookup/?number=511602-2026-999999&code=WRONG123")
    expect(page.get_by_role("alert")).to_contain_text("未找到")
    expect(page.get_by_role("alert")).to_be_focused()
    assert_accessible(page)

    # Apply form: each file input is named after its material.
    login(page, base, "applicant", f"/cases/apply/{item.pk}/")
    materials = list(item.current_version.materials.order_by("order", "id"))
    assert len(materials) >= 2
    for material in materials:
        slot = page.locator(f"#id_material_{material.pk}")
        expect(slot).to_have_accessible_name(re.compile(re.escape(material.name)))
    expect(page.locator("#id_matter")).to_have_accessible_description(re.compile(".+"))

    # Submit without the required materials: focus goes to the error summary.
    page.fill("#id_matter", "")
    page.get_by_role("button", name="提交申请").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "a11y-apply-error.png"), full_page=True)
    # Its link to the faulty field (the matter left empty) moves focus there.
    link = summary.get_by_role("link", name=re.compile("申请事项说明"))
    link.click()
    expect(page.locator("#id_matter")).to_be_focused()
