"""
收件凭证: a numbered PDF receipt when materials arrive before the decision on
acceptance (walk-in intake, online submission, supplement), with the
materials, the receiving person and window, and the Art. 32 five-day rule.

Dates: Monday 2026-06-15, 端午 2026-06-19 (Friday) off, so the intake due
date is Tuesday 2026-06-23.
"""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
import time_machine
from pypdf import PdfReader, PdfWriter

from zhengtong.cases import services
from zhengtong.cases.constants import DocumentKind
from zhengtong.cases.documents import document_render
from zhengtong.catalog.tests.factories import CounterFactory
from zhengtong.core.tests.axe import assert_accessible

from .conftest import pdf_file

SH = ZoneInfo("Asia/Shanghai")


def travel(y: int, m: int, d: int, hour: int = 10, minute: int = 0):
    return time_machine.travel(datetime(y, m, d, hour, minute, tzinfo=SH), tick=False)


def pdf_pages(n: int, name: str = "申请书.pdf") -> SimpleUploadedFile:
    writer = PdfWriter()
    for _ in range(n):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/pdf")


def pdf_text(document) -> str:
    document = document_render(document)
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def receipts(case):
    return list(case.documents.filter(kind=DocumentKind.RECEIPT).order_by("id"))


@pytest.fixture
def walk_in(world):
    """A walk-in case received by 王窗口 at window 3 on Monday 2026-06-15 09:40."""
    counter = CounterFactory(number="3", name="综合窗口")
    counter.departments.add(world.dept)
    world.counter.counters.add(counter)
    first, second = world.materials
    with travel(2026, 6, 15, 9, 40):
        return services.case_counter_intake_walk_in(
            actor=world.counter,
            item=world.item,
            display_name="王五",
            id_type="resident_id",
            id_number="11010519491231002X",
            phone="13900001111",
            files=[(first.pk, pdf_pages(3)), (second.pk, pdf_pages(1, "身份证.pdf"))],
        )


def test_walk_in_intake_issues_a_numbered_receipt_with_the_five_day_rule(
    world, walk_in
):
    (receipt,) = receipts(walk_in)
    assert receipt.number == f"{walk_in.number}-01"
    assert receipt.issued_on.isoformat() == "2026-06-15"
    ctx = receipt.context
    assert ctx["intake_due_date"] == "2026-06-23"
    assert [m["name"] for m in ctx["materials"]] == ["申请书", "身份证明"]
    assert [m["pages"] for m in ctx["materials"]] == [3, 1]
    assert ctx["materials"][0]["originals"] == 1 and ctx["materials"][0]["copies"] == 1
    text = pdf_text(receipt)
    assert "收件凭证" in text and receipt.number in text
    assert "2026年6月15日 09:40" in text
    assert "申请书" in text and "身份证明" in text
    assert "王窗口" in text and "工号 counter" in text and "3 号窗口" in text
    assert "1101**********002X" in text and "11010519491231002X" not in text
    assert "五个工作日内作出是否受理的决定" in text
    assert "逾期不告知的，自收到申请材料之日起即为受理" in text
    assert "2026年6月23日" in text
    assert "本期限按法定节假日推定" not in text


def test_online_submission_gets_the_receipt_from_the_platform(world):
    with travel(2026, 6, 15, 14, 5):
        draft = services.case_create(
            applicant=world.applicant,
            item=world.item,
            actor=world.applicant,
            submit=False,
        )
        services.case_material_add(
            case=draft,
            actor=world.applicant,
            file=pdf_pages(2),
            material=world.materials[0],
        )
        case = services.case_submit(case=draft, actor=world.applicant)
    (receipt,) = receipts(case)
    ctx = receipt.context
    assert ctx["receiver_online"] == "网上政务服务平台（系统自动收件）"
    assert (
        ctx["materials"][0]["pages"] == 2 and ctx["materials"][0]["originals"] is None
    )
    text = pdf_text(receipt)
    assert "网上政务服务平台" in text and "电子件" in text
    assert "2026年6月23日" in text and "即为受理" in text


def test_a_case_submitted_in_one_call_gets_a_receipt_without_files(world):
    with travel(2026, 6, 15):
        case = services.case_create(
            applicant=world.applicant, item=world.item, actor=world.applicant
        )
    (receipt,) = receipts(case)
    assert receipt.number == f"{case.number}-01" and receipt.context["materials"] == []


def test_a_supplement_gets_the_next_receipt_with_the_new_intake_date(world, walk_in):
    with travel(2026, 6, 15, 10):
        services.case_supplement_request(
            case=walk_in, actor=world.counter, missing=["营业执照复印件"]
        )
    with travel(2026, 6, 22, 9):
        services.case_supplement_submit(
            case=walk_in,
            actor=world.counter,
            files=[(None, pdf_file("营业执照.pdf"))],
        )
    _first, second = receipts(walk_in)
    assert second.number == f"{walk_in.number}-02"
    # five working days from Monday 06-22
    assert second.context["intake_due_date"] == "2026-06-29"


def test_provisional_intake_date_prints_the_correction_line(world):
    # received on 2026-12-30: the intake due date lies in 2027, a year whose
    # holiday notice is not loaded (provisional)
    with travel(2026, 12, 30):
        case = services.case_create(
            applicant=world.applicant, item=world.item, actor=world.applicant
        )
    (receipt,) = receipts(case)
    assert receipt.dates_provisional and receipt.context["dates_provisional"]
    assert "本期限按法定节假日推定，国务院放假安排公布后依法校正" in pdf_text(receipt)


def test_counter_prints_and_applicant_downloads_the_receipt(client, world, walk_in):
    (receipt,) = receipts(walk_in)
    client.force_login(world.counter)
    page = client.get(f"/workbench/cases/{walk_in.pk}/").content.decode()
    assert "打印收件凭证" in page and f"/cases/documents/{receipt.pk}/" in page
    pdf = client.get(f"/cases/documents/{receipt.pk}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    # the walk-in applicant is not the test applicant: another applicant gets 404
    client.force_login(world.other_applicant)
    assert client.get(f"/cases/documents/{receipt.pk}/").status_code == 404


def test_online_applicant_sees_the_receipt_on_the_case_page(client, world):
    with travel(2026, 6, 15):
        case = services.case_create(
            applicant=world.applicant, item=world.item, actor=world.applicant
        )
        client.force_login(world.applicant)
        page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "下载收件凭证" in page and f"{case.number}-01" in page


# -- in Chromium ---------------------------------------------------------------

E2E_PASSWORD = "pw-123456"  # the world fixture's password


def _login(page, base: str, username: str, next_path: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", E2E_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("h1").first).to_be_visible()


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_walk_in_receipt_printed_at_the_counter_and_downloaded_online(
    django_db_setup, live_server, page, browser, artifacts_dir
):
    """Real date (the browser's session cookie must not expire): no date asserted."""
    from playwright.sync_api import expect

    from .conftest import World

    world = World()
    counter = CounterFactory(number="3", name="综合窗口")
    counter.departments.add(world.dept)
    world.counter.counters.add(counter)
    base = live_server.url
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, base, "counter", "/workbench/intake/")
    page.goto(f"{base}/workbench/intake/{world.item.pk}/")
    page.fill("#id_display_name", "王五")
    page.fill("#id_id_number", "11010519491231002X")
    page.fill("#id_phone", "13900001111")
    page.fill("#id_matter", "申请食品经营许可，经营场所在广安区。")
    for material in world.materials:
        page.set_input_files(
            f"#id_material_{material.pk}",
            {
                "name": f"{material.name}.pdf",
                "mimeType": "application/pdf",
                "buffer": pdf_pages(2).read(),
            },
        )
    page.get_by_role("button", name="登记收件").click()
    bar = page.locator(".receipt-bar")
    expect(bar).to_contain_text("收件凭证")
    expect(bar.get_by_role("link", name="打印收件凭证")).to_be_visible()
    assert_accessible(page)
    page.screenshot(
        path=str(artifacts_dir / "receipt-01-workbench-after-intake.png"),
        full_page=True,
    )
    href = bar.get_by_role("link", name="打印收件凭证").get_attribute("href")
    pdf = page.request.get(base + href)
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    (artifacts_dir / "receipt-walk-in.pdf").write_bytes(pdf.body())

    online = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant
    )
    applicant = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    _login(applicant, base, "zhang", f"/cases/{online.pk}/")
    applicant.goto(f"{base}/cases/{online.pk}/")
    link = applicant.get_by_role("link", name="下载收件凭证")
    expect(link).to_be_visible()
    assert_accessible(applicant)
    applicant.screenshot(
        path=str(artifacts_dir / "receipt-02-applicant-case-page.png"), full_page=True
    )
    with applicant.expect_download() as download:
        link.click()
    download.value.save_as(str(artifacts_dir / "receipt-online.pdf"))
