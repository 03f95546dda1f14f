"""PDFs carry embedded Chinese fonts and their text reads back."""

import io

from django.template import engines

from pypdf import PdfReader

from zhengtong.core import pdf


def test_chinese_text_reads_back(tmp_path, settings):
    tpl = tmp_path / "t.html"
    tpl.write_text(
        "<html><style>{{ pdf_base_css }}</style><body><h1>受理通知书</h1>"
        "<img class='qr' src='{{ qr }}'><p>{{ text }}</p></body></html>",
        encoding="utf-8",
    )
    settings.TEMPLATES[0]["DIRS"] = [tmp_path]
    engines._engines = {}
    engines.__dict__.pop("templates", None)
    data = pdf.pdf_render("t.html", {"text": "申请人张三", "qr": pdf.qr_data_uri("x")})
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    assert "受理通知书" in text and "申请人张三" in text
    # the page footer comes from the base CSS: it proves the CSS was not escaped
    assert "第 1 页" in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    font = next(iter(fonts.values())).get_object()
    descendant = font["/DescendantFonts"][0].get_object()
    assert (
        "/FontFile2" in descendant["/FontDescriptor"]
        or "/FontFile3" in descendant["/FontDescriptor"]
    )
