"""Uploads are checked by content: zip bombs, nested archives, PDFs that are
not PDFs or run scripts, images that do not decode; original names kept."""

import io
import zipfile
from urllib.parse import unquote

from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from zhengtong.cases.uploads import material_file_check
from zhengtong.core.errors import ApplicationError
from zhengtong.core.filenames import upload_name_clean

from .conftest import PDF_BYTES, PNG_BYTES
from .test_apis import client_for


def _ofd(extra: dict[str, bytes] | None = None, *, entries: int = 0) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>"
        )
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        for i in range(entries):
            archive.writestr(f"Doc_0/Res/{i}.xml", "<r/>")
    return buf.getvalue()


def _check(data: bytes, name: str):
    return material_file_check(SimpleUploadedFile(name, data), name=name)


def _refused(data: bytes, name: str, words: str) -> None:
    with pytest.raises(ApplicationError) as err:
        _check(data, name)
    assert words in err.value.message


def _pdf_with(**catalog) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(72, 72)
    for key, value in catalog.items():
        writer._root_object[NameObject(f"/{key}")] = value
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_good_files_pass():
    assert _check(PDF_BYTES, "申请书.pdf").kind == "pdf"
    assert _check(_pdf_with(), "一页.pdf").kind == "pdf"
    assert _check(PNG_BYTES, "照片.png").kind == "png"
    assert _check(_ofd(), "电子证照.ofd").kind == "ofd"


def test_an_ofd_zip_bomb_is_refused(settings):
    """1 GiB of zeros fits in 1 MB; the check stops at the uncompressed limit
    (here lowered to 1 MB, the same code path as the 200 MB default)."""
    settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    bomb = _ofd({"Doc_0/zeros.bin": b"\0" * (8 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    _refused(bomb, "炸弹.ofd", "压缩炸弹")


def test_an_ofd_with_too_many_entries_or_an_archive_inside_is_refused(settings):
    settings.UPLOAD_ZIP_MAX_ENTRIES = 50
    _refused(_ofd(entries=60), "多.ofd", "文件过多")
    _refused(_ofd({"Doc_0/inner.zip": _ofd()}), "套娃.ofd", "不能再含压缩包")
    _refused(_ofd({"Doc_0/inner.bin": _ofd()}), "套娃2.ofd", "不能再含压缩包")
    _refused(_ofd({"../../etc/x.xml": b"<x/>"}), "路径.ofd", "非法路径")


def test_a_pdf_header_followed_by_html_is_refused():
    fake = b"%PDF-1.4\n<html><body><script>alert(1)</script></body></html>\n"
    _refused(fake, "假.pdf", "不是结构完整的 PDF")


@pytest.mark.parametrize(
    "action",
    [
        {"S": "/JavaScript", "JS": "app.alert(1)"},
        {"S": "/Launch", "F": "cmd.exe"},
    ],
)
def test_a_pdf_with_javascript_or_a_launch_action_is_refused(action):
    open_action = DictionaryObject(
        {
            NameObject(f"/{k}"): NameObject(v)
            if v.startswith("/")
            else TextStringObject(v)
            for k, v in action.items()
        }
    )
    _refused(_pdf_with(OpenAction=open_action), "脚本.pdf", "脚本、启动动作")


def test_an_image_that_does_not_decode_is_refused():
    truncated = PNG_BYTES[:40]
    _refused(truncated, "坏图.png", "图片无法解码")
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, format="JPEG")
    assert _check(buf.getvalue(), "照片.jpg").kind == "jpg"
    _refused(buf.getvalue()[:200], "半张.jpg", "图片无法解码")


def test_unicode_names_are_kept_safely():
    assert upload_name_clean("证件照😀<script>alert(1)</script>.png") == (
        "证件照😀<script>alert(1)<_script>.png"
    )
    assert upload_name_clean("a\u202egnp.exe") == "agnp.exe"  # no bidi override
    assert upload_name_clean("..") == "文件"
    long = upload_name_clean("长" * 300 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")


def test_an_uploaded_name_keeps_its_chinese_part_in_the_list_and_the_download(
    submitted_draft,
):
    case, user = submitted_draft
    name = "证件照😀<script>alert(1)</script>.png"
    # raw multipart: Django's test client and SimpleUploadedFile would cut
    # the name at its "/" themselves, before the server sees it
    body = (
        b"--BOUNDARY\r\n"
        b'Content-Disposition: form-data; name="file"; filename="'
        + name.encode()
        + b'"\r\nContent-Type: image/png\r\n\r\n'
        + PNG_BYTES
        + b"\r\n--BOUNDARY--\r\n"
    )
    r = client_for(user).generic(
        "POST",
        f"/api/v1/cases/{case.pk}/materials/",
        body,
        content_type="multipart/form-data; boundary=BOUNDARY",
    )
    assert r.status_code == 201, r.content
    row = r.json()
    assert row["original_name"].startswith("证件照😀")
    download = client_for(user).get(f"/api/v1/cases/materials/{row['id']}/download/")
    disposition = download["Content-Disposition"]
    assert "<" not in disposition.split("filename*=")[0]
    assert unquote(disposition.split("filename*=utf-8''")[1]).startswith("证件照😀")


@pytest.fixture
def submitted_draft(world):
    r = client_for(world.applicant).post(
        "/api/v1/cases/",
        {"item_code": world.item.item_code, "submit": False},
        format="json",
    )
    assert r.status_code == 201, r.content
    from zhengtong.cases.models import Case

    return Case.objects.get(pk=r.json()["id"]), world.applicant
