"""
Check uploaded files by content, not by name: the one definition for case
materials and for the supervision reply's attachment.

Allowed materials: PDF, JPEG, PNG and OFD (a zip holding OFD.xml); a reply
attachment may also be Word (DOCX, a zip; DOC by its signature). Beyond the
type, the content is checked (docs/operations.md "上传文件检查"):

- zip containers (OFD, DOCX): at most ``UPLOAD_ZIP_MAX_ENTRIES`` entries, no
  archive inside, no absolute or ``..`` names, and every entry decompressed
  (streamed, CRC checked) to at most ``UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES`` in
  total: a zip bomb stops at the limit;
- PDF: parsed with pypdf (header, cross-reference table, trailer, page tree),
  and no JavaScript, launch action or embedded file anywhere in its objects;
- images: decoded in full with Pillow, at most ``UPLOAD_IMAGE_MAX_PIXELS``.

The size limit is ``settings.UPLOAD_MAX_BYTES``.
"""

import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings

import filetype

from zhengtong.core.errors import ApplicationError
from zhengtong.core.filenames import upload_name_clean  # noqa: F401 - one definition

from .constants import ErrorCode

ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "ofd": "application/ofd",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
}
EXTENSIONS = {
    "pdf": "pdf",
    "jpg": "jpg",
    "jpeg": "jpg",
    "png": "png",
    "ofd": "ofd",
    "docx": "docx",
    "doc": "doc",
}
MATERIAL_KINDS = frozenset({"pdf", "jpg", "png", "ofd"})
ALLOWED_LABEL = "PDF、JPG、PNG、OFD"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ARCHIVE_SIGNATURES = (b"PK\x03\x04", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")
ARCHIVE_SUFFIXES = (".zip", ".ofd", ".docx", ".rar", ".7z", ".gz", ".tar", ".jar")


@dataclass(frozen=True)
class CheckedFile:
    kind: str  # pdf / jpg / png / ofd
    content_type: str
    size: int
    sha256: str


def _detect(head: bytes, fileobj) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            fileobj.seek(0)
            with zipfile.ZipFile(fileobj) as archive:
                names = set(archive.namelist())
            if "OFD.xml" in {n.rsplit("/", 1)[-1] for n in names}:
                return "ofd"
            if "word/document.xml" in names:
                return "docx"
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        return None
    if head.startswith(OLE_SIGNATURE):
        return "doc"
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.extension == "jpg":
        return "jpg"
    if kind.extension == "png":
        return "png"
    return None


def material_file_check(fileobj, *, name: str) -> CheckedFile:
    """
    Return what a material file really is, or raise with a Chinese message.

    The extension of ``name`` must agree with the content: an executable
    renamed ``.pdf`` is refused; the content must then pass its checks.

    中文：材料文件检查
    """
    return upload_file_check(fileobj, name=name)


def upload_file_check(
    fileobj,
    *,
    name: str,
    kinds: frozenset[str] = MATERIAL_KINDS,
    label: str = ALLOWED_LABEL,
    max_bytes: int | None = None,
) -> CheckedFile:
    """
    Check an upload of one of ``kinds`` by name, type and content.

    中文：上传文件检查
    """
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if size == 0:
        raise ApplicationError(ErrorCode.FILE_EMPTY, f"文件“{name}”为空，请重新选择。")
    if size > limit:
        raise ApplicationError(
            ErrorCode.FILE_TOO_LARGE,
            f"文件“{name}”过大（{size / 1048576:.1f} MB），单个文件不能超过 {limit / 1048576:.0f} MB。",
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = EXTENSIONS.get(ext)
    if claimed is None or claimed not in kinds:
        raise ApplicationError(
            ErrorCode.FILE_TYPE_NOT_ALLOWED,
            f"不支持文件“{name}”的类型，请上传 {label} 文件。",
        )
    fileobj.seek(0)
    head = fileobj.read(262)
    actual = _detect(head, fileobj)
    if actual != claimed:
        raise ApplicationError(
            ErrorCode.FILE_TYPE_MISMATCH,
            f"文件内容与类型不符：“{name}”不是有效的 {claimed.upper()} 文件，请上传真实的 {label} 文件。",
        )
    fileobj.seek(0)
    problem = _CONTENT_CHECKS.get(actual, _no_check)(fileobj)
    if problem:
        raise ApplicationError(
            ErrorCode.FILE_TYPE_MISMATCH, f"文件“{name}”未通过内容检查：{problem}。"
        )
    fileobj.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return CheckedFile(
        kind=actual, content_type=ALLOWED[actual], size=size, sha256=digest.hexdigest()
    )


def _no_check(fileobj) -> str:
    return ""


def _zip_check(fileobj) -> str:
    """Entries, names, nesting and the real uncompressed size of a zip."""
    max_entries = settings.UPLOAD_ZIP_MAX_ENTRIES
    budget = settings.UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                return f"压缩包内文件过多（超过 {max_entries} 个）"
            for entry in entries:
                parts = entry.filename.replace("\\", "/").split("/")
                if entry.filename.startswith("/") or ".." in parts:
                    return "压缩包内含有非法路径"
                if entry.filename.lower().endswith(ARCHIVE_SUFFIXES):
                    return "压缩包内不能再含压缩包"
                if entry.is_dir():
                    continue
                with archive.open(entry) as member:
                    first = True
                    while chunk := member.read(1 << 16):
                        if first and chunk.startswith(ARCHIVE_SIGNATURES):
                            return "压缩包内不能再含压缩包"
                        first = False
                        budget -= len(chunk)
                        if budget < 0:
                            return "解压后过大（疑似压缩炸弹）"
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return "压缩包已损坏"
    return ""


# Names in a PDF object that run code or open something outside the document.
PDF_ACTIVE_KEYS = frozenset({"/JS", "/JavaScript", "/Launch", "/EmbeddedFile"})
PDF_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/Rendition"}
)
PDF_MAX_OBJECTS = 200_000


def _pdf_active(value, depth: int = 0) -> bool:
    from pypdf.generic import ArrayObject, DictionaryObject

    if depth > 20:
        return False
    if isinstance(value, DictionaryObject):
        if PDF_ACTIVE_KEYS.intersection(value.keys()):
            return True
        if (
            value.get("/S") in PDF_ACTIVE_ACTIONS
            or value.get("/Type") == "/EmbeddedFile"
        ):
            return True
        return any(_pdf_active(v, depth + 1) for v in value.values())
    if isinstance(value, ArrayObject):
        return any(_pdf_active(v, depth + 1) for v in value)
    return False


def _pdf_check(fileobj) -> str:
    """The structure parses and no object carries an active action."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError
    from pypdf.generic import IndirectObject

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(fileobj, strict=False)
            if reader.is_encrypted:
                return "PDF 已加密，请上传未加密的文件"
            len(reader.pages)  # the page tree resolves
            refs = [
                (idnum, generation)
                for generation, ids in reader.xref.items()
                for idnum in ids
            ] + [(idnum, 0) for idnum in reader.xref_objStm]
            if len(refs) > PDF_MAX_OBJECTS:
                return "PDF 对象过多"
            for idnum, generation in refs:
                obj = reader.get_object(IndirectObject(idnum, generation, reader))
                if _pdf_active(obj):
                    return "PDF 含有脚本、启动动作或嵌入文件，请另存为普通 PDF 后上传"
            if _pdf_active(reader.trailer):
                return "PDF 含有脚本、启动动作或嵌入文件，请另存为普通 PDF 后上传"
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            RecursionError, OSError, IndexError):  # fmt: skip
        return "不是结构完整的 PDF 文件"
    return ""


def _image_check(fileobj) -> str:
    """The image decodes in full and is not a decompression bomb."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(fileobj) as image:
                width, height = image.size
                if width * height > settings.UPLOAD_IMAGE_MAX_PIXELS:
                    return "图片像素过多"
                image.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        return "图片无法解码（已损坏或不是图片）"
    return ""


_CONTENT_CHECKS = {
    "ofd": _zip_check,
    "docx": _zip_check,
    "pdf": _pdf_check,
    "jpg": _image_check,
    "png": _image_check,
}
