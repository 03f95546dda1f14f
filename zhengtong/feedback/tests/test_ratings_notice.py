"""The result notice carries the link (and QR code) to rate the case online."""

import io

import pytest
from pypdf import PdfReader

from zhengtong.cases.constants import DocumentKind
from zhengtong.cases.documents import document_issue, document_render

from .ratings_world import RatingsWorld, at


@pytest.fixture
def frozen_moment():
    return at(2026, 6, 15, 10)


def test_denial_notice_prints_the_rating_link_read_back_as_text(db, frozen_today):
    w = RatingsWorld()
    case = w.concluded_case()
    document = document_issue(
        case=case,
        kind=DocumentKind.DENIAL,
        actor=w.reviewer,
        today=at(2026, 6, 15).date(),
    )
    document = document_render(document)
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert "好差评" in text
    assert f"/feedback/rate/case/{case.pk}/" in text.replace(" ", "")


def test_acceptance_notice_has_no_rating_link(db, frozen_today):
    w = RatingsWorld()
    case = w.concluded_case()
    document = document_issue(
        case=case,
        kind=DocumentKind.ACCEPTANCE,
        actor=w.counter,
        today=at(2026, 6, 15).date(),
    )
    document = document_render(document)
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    assert "好差评" not in "".join(p.extract_text() for p in reader.pages)
