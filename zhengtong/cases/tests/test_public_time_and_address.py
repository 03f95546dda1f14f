"""
One time zone and one public address (issue 18 item 4).

A case received online at 00:30 Beijing time is stored at 16:30 UTC the day
before; every place that shows its dates (the applicant's page, the
workbench, the public lookup page and API, the receipt and the notice PDFs)
says the Beijing date. Every notice prints its link and QR code for the
configured ``PUBLIC_BASE_URL``, whatever host the request came in on.
"""

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

import pytest
import qrcode
from PIL import Image
from pypdf import PdfReader

from zhengtong.cases import services
from zhengtong.cases.constants import DocumentKind
from zhengtong.cases.documents import document_render
from zhengtong.core.models import AuditEvent

from .conftest import complete_case

SH = ZoneInfo("Asia/Shanghai")
RECEIVED = datetime(2026, 3, 3, 0, 30, tzinfo=SH)  # = 2026-03-02 16:30 UTC
PUBLIC = "https://zwfw.guangan.example.gov.cn"


@pytest.fixture
def frozen_moment() -> datetime:
    return RECEIVED


def pdf_reader(document) -> PdfReader:
    document = document_render(document)
    with document.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def pdf_text(document) -> str:
    reader = pdf_reader(document)
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def notice(case, kind: str):
    return case.documents.get(kind=kind)


@pytest.fixture
def received_and_accepted(world, frozen_today):
    """A case submitted online at 00:30 and accepted at 09:10 the same day."""
    case = complete_case(world, RECEIVED)
    frozen_today.move_to(datetime(2026, 3, 3, 9, 10, tzinfo=SH), tick=False)
    return services.case_accept(
        case=case, actor=world.counter, now=datetime(2026, 3, 3, 9, 10, tzinfo=SH)
    )


def test_the_stored_event_is_the_previous_day_in_utc(received_and_accepted):
    """The trap is real: the submit event's UTC date is 2 March."""
    case = received_and_accepted
    submit = AuditEvent.objects.get(stream=f"cases.case:{case.pk}", action="submit")
    assert submit.created_at.astimezone(UTC).date().isoformat() == "2026-03-02"
    assert case.received_date.isoformat() == "2026-03-03"


def test_a_case_received_at_00_30_shows_the_beijing_date_everywhere(
    client, world, received_and_accepted
):
    case = received_and_accepted

    # public lookup API: progress rows in local dates
    response = client.get(
        "/api/v1/cases/lookup/", {"number": case.number, "code": case.query_code}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["received_date"] == "2026-03-03"
    assert {"label": "已收件", "date": "2026-03-03"} in body["progress"]
    assert {"label": "已受理", "date": "2026-03-03"} in body["progress"]
    assert all(row["date"] == "2026-03-03" for row in body["progress"])

    # public lookup page
    page = client.get(
        reverse("cases:lookup"), {"number": case.number, "code": case.query_code}
    ).content.decode()
    assert "2026年3月3日" in page
    assert "3月2日" not in page and "03-02" not in page

    # the applicant's case page (timeline with times)
    client.force_login(world.applicant)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "收件日期</dt><dd>2026年3月3日" in page
    assert "2026-03-03 00:30" in page
    assert "2026-03-02" not in page

    # the workbench case page
    client.force_login(world.counter)
    page = client.get(reverse("workbench:case-detail", args=[case.pk])).content.decode()
    assert "收件日期</dt><dd>2026-03-03" in page
    assert "2026-03-03 00:30" in page
    assert "2026-03-02" not in page

    # the receipt and the acceptance notice (PDF text)
    receipt = pdf_text(notice(case, DocumentKind.RECEIPT))
    assert "2026年3月3日 00:30" in receipt
    assert "2026年3月2日" not in receipt
    acceptance = pdf_text(notice(case, DocumentKind.ACCEPTANCE))
    assert "于2026年3月3日提交" in acceptance
    assert "2026年3月2日" not in acceptance


def qr_modules(url: str) -> list[list[bool]]:
    """Return the module matrix ``core.pdf.qr_data_uri`` draws for ``url``."""
    code = qrcode.QRCode(border=1)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def read_qr_modules(image: Image.Image, size: int) -> list[list[bool]]:
    """Read a ``size`` x ``size`` module grid from a QR image (dark = True)."""
    gray = image.convert("L")
    box = gray.width / size
    return [
        [
            gray.getpixel((int((c + 0.5) * box), int((r + 0.5) * box))) < 128
            for c in range(size)
        ]
        for r in range(size)
    ]


def test_a_notice_qr_code_and_link_use_the_configured_public_address(
    client, settings, world, received_and_accepted
):
    settings.PUBLIC_BASE_URL = PUBLIC + "/"
    case = received_and_accepted
    document = notice(case, DocumentKind.ACCEPTANCE)
    expected = f"{PUBLIC}/cases/lookup/?number={case.number}&code={case.query_code}"

    # the request's host plays no part
    client.force_login(world.applicant)
    response = client.get(
        reverse("cases:document", args=[document.pk]), HTTP_HOST="127.0.0.1"
    )
    assert response.status_code == 200
    document.refresh_from_db()

    reader = pdf_reader(document)
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert expected in text
    assert "127.0.0.1" not in text

    # the QR image in the PDF is, module for module, the code of that address
    images = [image for page in reader.pages for image in page.images]
    assert len(images) == 1
    picture = images[0].image
    want = qr_modules(expected)
    got = read_qr_modules(picture, len(want))
    assert got == want
    assert got != qr_modules(
        f"http://127.0.0.1:8000/cases/lookup/?number={case.number}"
        f"&code={case.query_code}"
    )
