"""
Check uploaded materials by content, not by name.

Allowed: PDF, JPEG, PNG and OFD (a zip holding OFD.xml). The size limit is
``settings.UPLOAD_MAX_BYTES``.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings

import filetype

from zhengtong.core.errors import ApplicationError

from .constants import ErrorCode

ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "ofd": "application/ofd",
}
EXTENSIONS = {"pdf": "pdf", "jpg": "jpg", "jpeg": "jpg", "png": "png", "ofd": "ofd"}
ALLOWED_LABEL = "PDF、JPG、PNG、OFD"


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
                names = {n.rsplit("/", 1)[-1] for n in archive.namelist()}
            if "OFD.xml" in names:
                return "ofd"
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        return None
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
    Return what the file really is, or raise with a Chinese message.

    The extension of ``name`` must agree with the content: an executable
    renamed ``.pdf`` is refused.

    中文：材料文件检查
    """
    size = getattr(fileobj, "size", None)
    if size is None:
        fileobj.seek(0, io.SEEK_END)
        size = fileobj.tell()
    limit = settings.UPLOAD_MAX_BYTES
    if size == 0:
        raise ApplicationError(ErrorCode.FILE_EMPTY, f"文件“{name}”为空，请重新选择。")
    if size > limit:
        raise ApplicationError(
            ErrorCode.FILE_TOO_LARGE,
            f"文件“{name}”过大（{size / 1048576:.1f} MB），单个文件不能超过 {limit / 1048576:.0f} MB。",
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    claimed = EXTENSIONS.get(ext)
    if claimed is None:
        raise ApplicationError(
            ErrorCode.FILE_TYPE_NOT_ALLOWED,
            f"不支持文件“{name}”的类型，请上传 {ALLOWED_LABEL} 文件。",
        )
    fileobj.seek(0)
    head = fileobj.read(262)
    actual = _detect(head, fileobj)
    if actual != claimed:
        raise ApplicationError(
            ErrorCode.FILE_TYPE_MISMATCH,
            f"文件内容与类型不符：“{name}”不是有效的 {claimed.upper()} 文件，请上传真实的 {ALLOWED_LABEL} 文件。",
        )
    fileobj.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: fileobj.read(1024 * 1024), b""):
        digest.update(chunk)
    fileobj.seek(0)
    return CheckedFile(
        kind=actual, content_type=ALLOWED[actual], size=size, sha256=digest.hexdigest()
    )
