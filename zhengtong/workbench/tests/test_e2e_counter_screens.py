"""
Counter screens in Chromium: the desk table at 1366 px with no wrapped case
number or date, the same list on a phone, the audited reveal of a phone
number (htmx), and the confirm dialog of an irreversible action.

Real date (the browser's session cookie must not expire): no date asserted.
Screenshots go to test-artifacts/e2e-desk-*.png.
"""

import pytest
from playwright.sync_api import Page, expect

from zhengtong.accounts.services import applicant_identity_set
from zhengtong.cases import services
from zhengtong.cases.constants import Status
from zhengtong.cases.models import Case
from zhengtong.cases.tests.conftest import World, pdf_file
from zhengtong.core.models import AuditEvent
from zhengtong.core.tests.axe import assert_accessible

pytestmark = pytest.mark.e2e

# For every case-number link and date cell: the lines its text takes (the
# distinct tops of its text boxes) and, for the link, its height against one
# line (a table cell is as tall as its row, so only its text is measured).
WRAPPED_CELLS = """
() => Array.from(document.querySelectorAll(
    ".case-table td.cell-main a, .case-table td.cell-date")).map((el) => {
  const style = getComputedStyle(el);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.7;
  const range = document.createRange();
  range.selectNodeContents(el);
  const lines = new Set(Array.from(range.getClientRects())
      .filter((r) => r.width > 0).map((r) => Math.round(r.top)));
  const height = el.matches("td") ? line : el.getBoundingClientRect().height;
  return {text: el.textContent.trim(), line: line, lines: lines.size, height: height};
}).filter((c) => c.lines > 1 || c.height > c.line * 1.5)
"""


# The desk before issue 18: a 1100 px container, numbers and dates free to wrap.
OLD_NARROW_DESK = (
    "body.workbench .wrap { max-width: 1100px !important; }"
    " td.cell-main, td.cell-date { white-space: normal !important; }"
)


def login(page: Page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-123456")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1").first).to_be_visible()


def desk_cases(world: World, count: int = 12) -> list[Case]:
    """Cases with what makes a desk row long: a long item name, a masked ID."""
    world.version.name = (
        "食品经营许可（新办、变更、延续、注销）含仅销售预包装食品备案及网络经营"
    )
    world.version.save(update_fields=["name"])
    applicant_identity_set(user=world.applicant, id_number="11010519491231002X")
    cases = []
    for n in range(count):
        case = services.case_create(
            applicant=world.applicant,
            item=world.item,
            actor=world.applicant,
            submit=False,
            form_data={
                "contact_name": "张三",
                "contact_phone": f"1391234{n:04d}",
                "matter": "开设一家小餐馆",
            },
        )
        for material in world.materials:
            services.case_material_add(
                case=case, actor=world.applicant, file=pdf_file(), material=material
            )
        cases.append(services.case_submit(case=case, actor=world.applicant))
    return cases


@pytest.mark.django_db(transaction=True)
def test_desk_table_reveal_and_confirm_in_chromium(
    django_db_setup, live_server, page: Page, artifacts_dir
):
    world = World(online=True)
    cases = desk_cases(world)
    base = live_server.url
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, base, "counter", "/workbench/?inbox=all")
    page.goto(f"{base}/workbench/?inbox=all")
    expect(page.locator(".case-table td.cell-main a")).to_have_count(len(cases))
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "e2e-desk-01-list-1366.png"))
    assert page.evaluate(WRAPPED_CELLS) == []
    # the check is not blind: the old narrow container with wrapping cells fails it
    page.add_style_tag(content=OLD_NARROW_DESK)
    assert page.evaluate(WRAPPED_CELLS) != []
    page.reload()
    # the desk uses the screen: the main column is wider than the old 1100 px
    assert page.evaluate("document.querySelector('main').clientWidth") > 1200
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

    # The applicant's phone: masked, revealed by a click that is audited.
    case = cases[0]
    page.goto(f"{base}/workbench/cases/{case.pk}/")
    phone = page.locator("#contact-phone")
    expect(phone).to_contain_text("139****0000")
    phone.get_by_role("button", name="查看完整申请表联系电话").click()
    expect(page.locator("#contact-phone")).to_contain_text("13912340000")
    expect(page.locator("#contact-phone")).to_contain_text("已留痕")
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "e2e-desk-02-contact-revealed.png"))
    assert AuditEvent.objects.filter(
        stream=f"cases.case:{case.pk}",
        action="contact_revealed",
        actor_id=world.counter.pk,
    ).exists()

    # 不予受理 asks once more in a dialog; 返回修改 leaves the case alone.
    page.locator(".action-bar").get_by_role("link", name="不予受理").click()
    page.fill("#id_reason", "申请人不具备主体资格")
    page.get_by_role("button", name="确认不予受理").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("申请人不具备主体资格")
    expect(dialog).to_contain_text("不能撤销")
    assert_accessible(page)
    page.screenshot(path=str(artifacts_dir / "e2e-desk-03-confirm-dialog.png"))
    dialog.get_by_role("button", name="返回修改").click()
    expect(dialog).to_be_hidden()
    assert Case.objects.get(pk=case.pk).status == Status.SUBMITTED
    page.get_by_role("button", name="确认不予受理").click()
    dialog.get_by_role("button", name="确定不予受理").click()
    expect(page.locator(".msg-success")).to_contain_text("不予受理")
    assert Case.objects.get(pk=case.pk).status == Status.REJECTED_AT_INTAKE

    # Counter intake: 个人/企业 shows the fields of the chosen kind only.
    page.goto(f"{base}/workbench/intake/{world.item.pk}/")
    enterprise = page.locator("[data-subject-group=enterprise]")
    person = page.locator("[data-subject-group=person]")
    expect(enterprise).to_be_hidden()
    expect(person).to_be_visible()
    page.get_by_label("企业（法人或其他组织）").check()
    expect(enterprise).to_be_visible()
    expect(person).to_be_hidden()
    expect(page.get_by_label("统一社会信用代码")).to_be_visible()
    expect(page.get_by_label("法定代表人（负责人）")).to_be_visible()
    assert_accessible(page)
    page.screenshot(
        path=str(artifacts_dir / "e2e-desk-05-intake-enterprise.png"), full_page=True
    )

    # On a phone the list stacks its rows: nothing runs off the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/workbench/?inbox=all")
    expect(page.locator(".case-table td.cell-main a").first).to_be_visible()
    assert_accessible(page)
    page.screenshot(
        path=str(artifacts_dir / "e2e-desk-04-list-phone.png"), full_page=True
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate(WRAPPED_CELLS) == []


@pytest.mark.django_db(transaction=True)
def test_supplement_slots_per_notice_line_in_chromium(
    django_db_setup, live_server, page: Page, artifacts_dir
):
    world = World(online=True)
    case = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant, submit=False
    )
    case = services.case_submit(case=case, actor=world.applicant)
    first, second = world.materials[:2]
    services.case_supplement_request(
        case=case,
        actor=world.counter,
        missing=[
            first.pk,
            second.pk,
            {"name": "营业场所使用证明", "problem": "租赁合同须加盖出租方印章"},
        ],
    )
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, base, "zhang", f"/cases/{case.pk}/")
    slots = page.locator(".supplement-slot")
    expect(slots).to_have_count(3)
    expect(slots.nth(2)).to_contain_text("营业场所使用证明")
    pdf = {"mimeType": "application/pdf", "buffer": pdf_file().read()}
    page.set_input_files(
        "#id_line_0", [{"name": "申请书1.pdf", **pdf}, {"name": "申请书2.pdf", **pdf}]
    )
    page.set_input_files("#id_line_1", [{"name": "身份证.pdf", **pdf}])
    page.set_input_files("#id_line_2", [{"name": "租赁合同.pdf", **pdf}])
    assert_accessible(page)
    page.screenshot(
        path=str(artifacts_dir / "e2e-desk-06-supplement-phone.png"), full_page=True
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="提交补正材料").click()
    expect(page.locator(".msg-success")).to_contain_text("补正材料已提交")

    staff = page.context.browser.new_context(viewport={"width": 1366, "height": 900})
    counter = staff.new_page()
    login(counter, base, "counter", f"/workbench/cases/{case.pk}/")
    counter.goto(f"{base}/workbench/cases/{case.pk}/")
    table = counter.locator(".supplement-lines")
    expect(table.locator("[data-supplement-line='1']")).to_contain_text("申请书2.pdf")
    expect(table.locator("[data-supplement-line='3']")).to_contain_text("租赁合同.pdf")
    table.scroll_into_view_if_needed()
    assert_accessible(counter)
    counter.screenshot(path=str(artifacts_dir / "e2e-desk-07-supplement-staff.png"))
    staff.close()
