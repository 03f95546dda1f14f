"""
End to end in Chromium: an online application from the guide page to the
downloaded decision, through the applicant portal and the staff workbench.

Screenshots go to test-artifacts/e2e-cases-NN-*.png (one per page).
"""

import io
import re

import pytest
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import applicant_identity_set, user_create
from zhengtong.cases.constants import Status
from zhengtong.cases.models import Case
from zhengtong.catalog.tests.factories import DepartmentFactory, ServiceItemFactory
from zhengtong.core.tests.axe import assert_accessible

# a complete PDF without pages (pypdf writes it; uploads are parsed)
PDF = b"%PDF-1.3\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<\n/Producer (pypdf)\n>>\nendobj\n2 0 obj\n<<\n/Type /Pages\n/Count 0\n/Kids [ ]\n>>\nendobj\n3 0 obj\n<<\n/Type /Catalog\n/Pages 2 0 R\n>>\nendobj\nxref\n0 4\n0000000000 65535 f \n0000000015 00000 n \n0000000054 00000 n \n0000000107 00000 n \ntrailer\n<<\n/Size 4\n/Root 3 0 R\n/Info 1 0 R\n>>\nstartxref\n156\n%%EOF\n"
PASSWORD = "e2e-pass-123"


def upload(name: str) -> dict:
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


class Shots:
    """Numbered full-page screenshots, each page checked with axe first."""

    def __init__(self, folder, prefix: str = "e2e-cases") -> None:
        self.folder = folder
        self.prefix = prefix
        self.n = 0

    def __call__(self, page: Page, name: str) -> None:
        assert_accessible(page)  # every page the story shows: 0 axe violations
        self.n += 1
        page.screenshot(
            path=str(self.folder / f"{self.prefix}-{self.n:02d}-{name}.png"),
            full_page=True,
        )


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(re.escape(next_path.split("?")[0])))


def click_action(page: Page, label: str) -> None:
    """Open an action's confirmation page and confirm it."""
    page.locator(".action-bar").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=label, level=1)).to_be_visible()
    page.get_by_role("button", name="确认" + label).click()
    expect(page.locator(".msg-success")).to_be_visible()


@pytest.fixture
def people(transactional_db):
    dept = DepartmentFactory(name="区行政审批局")
    item = ServiceItemFactory(
        department=dept,
        online_available=True,
        name="食品经营许可（演示）",
        published__promised_days=5,
        published__statutory_days=20,
    )
    applicant = user_create(
        username="zhang",
        password=PASSWORD,
        roles=[Role.APPLICANT],
        display_name="张三",
        phone="13800001111",
    )
    applicant_identity_set(user=applicant, id_number="11010519491231002X")
    counter = user_create(
        username="counter",
        password=PASSWORD,
        roles=[Role.COUNTER_STAFF],
        display_name="王窗口",
        department=dept,
        is_staff=True,
    )
    reviewer = user_create(
        username="reviewer",
        password=PASSWORD,
        roles=[Role.REVIEWER],
        display_name="赵审批",
        department=dept,
        is_staff=True,
    )
    # 批准 goes to someone other than the 承办人 (separation of duties)
    user_create(
        username="reviewer2",
        password=PASSWORD,
        roles=[Role.REVIEWER],
        display_name="钱审核",
        department=dept,
        is_staff=True,
    )
    return {
        "item": item,
        "applicant": applicant,
        "counter": counter,
        "reviewer": reviewer,
    }


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_apply_supplement_accept_review_approve_download(
    django_db_setup, live_server, people, page: Page, browser: Browser, artifacts_dir
):
    base = live_server.url
    item = people["item"]
    materials = list(item.current_version.materials.order_by("order", "id"))
    shot = Shots(artifacts_dir)
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_viewport_size({"width": 1280, "height": 900})

    # Applicant: guide page → 在线申请 → login → form with one of two files.
    page.goto(f"{base}/items/{item.pk}/")
    apply_link = page.get_by_role("link", name="在线申请")
    expect(apply_link).to_be_visible()
    shot(page, "guide")
    apply_link.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("#id_username", "zhang")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="在线申请")).to_be_visible()
    expect(page.locator("#id_contact_name")).to_have_value("张三")
    page.fill("#id_matter", "在广安区开设一家小餐馆，经营面积60平方米。")
    page.set_input_files(f"#id_material_{materials[0].pk}", upload("申请书.pdf"))
    shot(page, "apply-form")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".msg-success")).to_contain_text("草稿已保存")
    expect(page.locator(".uploaded")).to_contain_text("申请书.pdf")
    shot(page, "apply-draft")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".status-big")).to_have_text(str(Status.SUBMITTED.label))
    case = Case.objects.get(applicant=people["applicant"])
    expect(page.locator(".msg-success")).to_contain_text(case.number)
    shot(page, "submitted")

    # Counter: inbox 待受理 → case → 一次性告知补正 (pre-filled) → confirm.
    staff = browser.new_context(viewport={"width": 1280, "height": 900})
    counter = staff.new_page()
    login(counter, base, "counter", "/workbench/")
    expect(counter.locator(".tab.active")).to_contain_text("待受理")
    shot(counter, "workbench-inbox")
    counter.get_by_role("link", name=case.number).click()
    expect(counter.locator(".status-big")).to_have_text(str(Status.SUBMITTED.label))
    expect(counter.locator(".checklist")).to_contain_text("缺少")
    shot(counter, "workbench-detail-submitted")
    counter.locator(".action-bar").get_by_role("link", name="一次性告知补正").click()
    expect(counter.get_by_label(materials[1].name)).to_be_checked()
    expect(counter.get_by_label(materials[0].name)).not_to_be_checked()
    counter.fill("#id_reason", "请补交缺少的材料。")
    shot(counter, "workbench-request-supplement")
    counter.get_by_role("button", name="确认一次性告知补正").click()
    expect(counter.locator(".status-big")).to_have_text(
        str(Status.SUPPLEMENT_REQUESTED.label)
    )
    shot(counter, "workbench-supplement-requested")

    # Applicant: my cases → 去补正 → upload the listed material → resubmit.
    page.goto(f"{base}/cases/mine/")
    expect(page.get_by_role("link", name="去补正")).to_be_visible()
    shot(page, "mine")
    page.get_by_role("link", name="去补正").click()
    expect(page.locator("#supplement")).to_contain_text(materials[1].name)
    page.set_input_files("#id_line_0", upload("补正材料.pdf"))  # line 1 of the notice
    page.fill("#id_note", "已补交。")
    shot(page, "supplement-form")
    page.get_by_role("button", name="提交补正材料").click()
    expect(page.locator(".msg-success")).to_contain_text("补正材料已提交")
    expect(page.locator(".status-big")).to_have_text(str(Status.SUBMITTED.label))
    shot(page, "supplemented")

    # Counter: accept.
    counter.reload()
    expect(counter.locator(".status-big")).to_have_text(str(Status.SUBMITTED.label))
    counter.locator(".action-bar").get_by_role("link", name="受理", exact=True).click()
    shot(counter, "workbench-accept-confirm")
    counter.get_by_role("button", name="确认受理").click()
    expect(counter.locator(".status-big")).to_have_text(str(Status.ACCEPTED.label))
    expect(counter.locator(".doc-list")).to_contain_text("受理通知书")
    shot(counter, "workbench-accepted")
    staff.close()

    # Reviewer: every step 同意 (reviewed) → 准予许可 (approved).
    review_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    reviewer = review_ctx.new_page()
    login(reviewer, base, "reviewer", "/workbench/?inbox=mine")
    shot(reviewer, "workbench-mine")
    reviewer.get_by_role("link", name=case.number).first.click()
    step_button = reviewer.locator(".action-bar").get_by_role(
        "link", name="本环节办理完成（同意）"
    )
    steps_done = 0
    while step_button.count() and steps_done < 5:
        click_action(reviewer, "本环节办理完成（同意）")
        steps_done += 1
    assert steps_done >= 1
    # the 承办人 may not decide: no 准予许可 for them
    expect(
        reviewer.locator(".action-bar").get_by_role("link", name="准予许可")
    ).to_have_count(0)
    review_ctx.close()
    # the other reviewer: the remaining step (审核), then 批准, the deciding step
    review_ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    reviewer = review_ctx.new_page()
    login(reviewer, base, "reviewer2", f"/workbench/cases/{case.pk}/")
    step_button = reviewer.locator(".action-bar").get_by_role(
        "link", name="本环节办理完成（同意）"
    )
    while step_button.count() and steps_done < 5:
        click_action(reviewer, "本环节办理完成（同意）")
        steps_done += 1
    assert steps_done == 2  # 承办 and 审核; 批准 is decided, not completed
    expect(reviewer.locator(".status-big")).to_have_text(str(Status.UNDER_REVIEW.label))
    shot(reviewer, "workbench-reviewed")
    reviewer.locator(".action-bar").get_by_role("link", name="准予许可").click()
    reviewer.fill("#id_reason", "申请材料齐全，符合法定条件。")
    reviewer.fill("#id_result_number", "JY15116020000001")
    shot(reviewer, "workbench-approve-confirm")
    reviewer.get_by_role("button", name="确认准予许可").click()
    # an irreversible decision asks once more (issue 18): the dialog echoes it
    confirm = reviewer.locator("#confirm-dialog")
    expect(confirm).to_contain_text("JY15116020000001")
    shot(reviewer, "workbench-approve-dialog")
    confirm.get_by_role("button", name="确定准予许可").click()
    expect(reviewer.locator(".status-big")).to_have_text(
        str(Status.DECIDED_APPROVED.label)
    )
    shot(reviewer, "workbench-approved")
    review_ctx.close()

    # Applicant: the decision PDF, read back.
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.locator(".status-big")).to_have_text(str(Status.DECIDED_APPROVED.label))
    shot(page, "approved")
    with page.expect_download() as info:
        page.locator("a[data-doc-kind=approval]").click()
    download = info.value
    target = artifacts_dir / "e2e-cases-decision.pdf"
    download.save_as(target)
    text = "".join(
        p.extract_text() or "" for p in PdfReader(io.BytesIO(target.read_bytes())).pages
    )
    assert "准予" in text
    assert case.number in text

    # Public lookup with the query code: status only.
    page.goto(f"{base}/cases/lookup/?number={case.number}&code={case.query_code}")
    expect(page.locator(".status-big")).to_have_text(str(Status.DECIDED_APPROVED.label))
    expect(page.locator("main")).not_to_contain_text("张三")
    shot(page, "lookup")
    page.goto(f"{base}/cases/lookup/?number={case.number}&code=WRONG123")
    expect(page.locator(".msg-error")).to_contain_text("未找到")
    shot(page, "lookup-not-found")


PHONE = {"width": 390, "height": 844}


def assert_fits(page: Page) -> None:
    """The page must not scroll sideways at phone width."""
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 2)
        .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.textContent.slice(0, 30))"""
    )
    assert width <= PHONE["width"] + 2, f"{page.url} is {width}px wide: {wide}"


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_pages_fit_a_phone_and_large_text(
    django_db_setup,
    live_server,
    page: Page,
    browser: Browser,
    artifacts_dir,
    monkeypatch,
):
    """Every case page at 390 px (applicant and staff), and in large-text mode."""
    from zhengtong.accounts import demo as accounts_demo
    from zhengtong.cases import demo

    monkeypatch.setattr(
        demo,
        "_pdf",
        lambda name: __import__(
            "django.core.files.base", fromlist=["ContentFile"]
        ).ContentFile(PDF, name="demo.pdf"),
    )
    dept = DepartmentFactory(name="区行政审批局")
    ServiceItemFactory(
        department=dept,
        online_available=True,
        published__promised_days=5,
        published__statutory_days=20,
    )
    accounts_demo.seed(password=PASSWORD)
    demo.seed(password=PASSWORD)
    base = live_server.url
    shot = Shots(artifacts_dir, "e2e-cases-phone")
    supplement = Case.objects.get(idempotency_key="demo-supplement")
    reviewed = Case.objects.get(idempotency_key="demo-under-review")
    item = supplement.item

    page.set_viewport_size(PHONE)
    login(page, base, "applicant", "/cases/mine/")
    for name, path in [
        ("mine", "/cases/mine/"),
        ("apply", f"/cases/apply/{item.pk}/"),
        ("detail-supplement", f"/cases/{supplement.pk}/"),
        ("withdraw", f"/cases/{supplement.pk}/withdraw/"),
        (
            "lookup",
            f"/cases/lookup/?number={reviewed.number}&code={reviewed.query_code}",
        ),
    ]:
        page.goto(base + path)
        expect(page.locator("h1")).to_be_visible()
        assert_fits(page)
        shot(page, name)

    staff = browser.new_context(viewport=PHONE)
    counter = staff.new_page()
    login(counter, base, "counter", "/workbench/")
    for name, path in [
        ("workbench-home", "/workbench/?inbox=all"),
        ("workbench-detail", f"/workbench/cases/{reviewed.pk}/"),
        ("workbench-supplement", f"/workbench/cases/{supplement.pk}/"),
        ("workbench-intake", "/workbench/intake/"),
        ("workbench-intake-form", f"/workbench/intake/{item.pk}/"),
    ]:
        counter.goto(base + path)
        expect(counter.locator("h1")).to_be_visible()
        assert_fits(counter)
        shot(counter, name)
    # 办理环节 on a phone: one block a step, the 决定环节 tag on one line.
    counter.goto(f"{base}/workbench/cases/{reviewed.pk}/")
    expect(counter.locator(".steps-table thead")).to_be_hidden()
    tag = counter.locator(".steps-table .tag", has_text="决定环节").bounding_box()
    assert tag["width"] > 2 * tag["height"] and tag["height"] < 30, tag
    submitted = Case.objects.get(idempotency_key="demo-submitted")
    counter.goto(f"{base}/workbench/cases/{submitted.pk}/request-supplement/")
    assert_fits(counter)
    shot(counter, "workbench-action")

    # Large-text mode: the toggle sets a cookie the server reads.
    counter.get_by_role("button", name="大字模式").click()
    counter.goto(f"{base}/workbench/?inbox=all")
    expect(counter.locator("body")).to_have_class(re.compile("large-text"))
    assert_fits(counter)
    shot(counter, "large-text-workbench")
    page.get_by_role("button", name="大字模式").click()
    page.goto(f"{base}/cases/{supplement.pk}/")
    expect(page.locator("body")).to_have_class(re.compile("large-text"))
    assert_fits(page)
    shot(page, "large-text-detail")

    # Desktop views of the same pages, for the documentation.
    desk = Shots(artifacts_dir, "e2e-cases-desktop")
    counter.set_viewport_size({"width": 1280, "height": 900})
    counter.get_by_role("button", name="标准字号").click()
    for name, path in [
        ("workbench-home", "/workbench/?inbox=all"),
        ("workbench-overdue", "/workbench/?inbox=overdue"),
        (
            "workbench-suspended",
            f"/workbench/cases/{Case.objects.get(idempotency_key='demo-suspended').pk}/",
        ),
        ("workbench-intake-form", f"/workbench/intake/{item.pk}/"),
    ]:
        counter.goto(base + path)
        expect(counter.locator("h1")).to_be_visible()
        desk(counter, name)
    staff.close()
