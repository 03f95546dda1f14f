"""
Render Django templates to PDF with embedded Chinese fonts (WeasyPrint).

Notices and guides handed to applicants are real PDFs: fonts-noto-cjk is
subset and embedded, so they render on machines with no CJK fonts.
"""

import base64
import io

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

import qrcode

PDF_BASE_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
  @bottom-center { content: "第 " counter(page) " 页 / 共 " counter(pages) " 页";
                   font-size: 9pt; color: #666; } }
body { font-family: "Noto Sans CJK SC", "Noto Serif CJK SC", sans-serif; font-size: 10.5pt;
       line-height: 1.6; color: #111; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 6mm; }
h2 { font-size: 12.5pt; margin: 5mm 0 2mm; border-bottom: 1px solid #999; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #777; padding: 2mm; vertical-align: top; text-align: left; }
th { background: #eee; }
.meta { color: #444; font-size: 9.5pt; }
.qr { float: right; width: 28mm; height: 28mm; }
.seal { margin-top: 12mm; text-align: right; }
"""


def qr_data_uri(text: str, *, box_size: int = 4) -> str:
    """Return a PNG QR code for ``text`` as a data: URI."""
    image = qrcode.make(text, box_size=box_size, border=1)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def pdf_render(
    template_name: str, context: dict, *, base_url: str | None = None
) -> bytes:
    """
    Render ``template_name`` with ``context`` and return the PDF bytes.

    The template gets ``pdf_base_css`` to include in a <style> element.
    """
    from weasyprint import HTML  # imported late: loading pango costs ~0.3 s

    html = render_to_string(
        template_name,
        {**context, "pdf_base_css": mark_safe(PDF_BASE_CSS)},  # noqa: S308
    )
    return HTML(string=html, base_url=base_url).write_pdf()
