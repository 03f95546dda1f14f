"""
The case file as a signed package (案卷包), for a 上报件 whose upper level runs
another installation, until a live exchange exists.

A package is a ZIP with:

- ``case.json``: the case (number, item, the applicant as on the case file —
  the upper organ decides on it and may not ask again, Art. 35 — dates,
  status, the lower level's review opinion, steps, notices);
- ``files/<n>-<name>``: every material file and every rendered notice;
- ``manifest.json``: ``{"format": 1, "files": {path: sha256}}`` over
  ``case.json`` and every file;
- ``signature``: HMAC-SHA256 of ``manifest.json`` (hex) with the key
  ``CASES_PACKAGE_KEY`` (settings; by default derived from ``SECRET_KEY``,
  so two installations exchanging packages configure the same key).

``package_verify`` refuses (400 ``package_invalid`` / ``package_tampered``)
anything that is not such a ZIP, a signature that does not match, a file
whose hash does not match or a file missing from or added to the manifest.

A **return package** (``"kind": "return"`` in ``case.json``) goes the other
way once the upper organ has decided a case it imported
(services/report_import.py): the decision and its notice PDFs, written and
signed by the same ``package_write`` and read by the same ``package_read``.
"""

import hashlib
import hmac
import io
import json
import zipfile
from typing import Any, NamedTuple

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from zhengtong.core.errors import ApplicationError

from .constants import Status
from .models import Case

FORMAT = 1
MAX_PACKAGE_BYTES = 200 * 1024 * 1024
KIND_CASE = "case"  # a 上报件 going up
KIND_RETURN = "return"  # the upper organ's decision coming back


class Package(NamedTuple):
    """A verified package: ``case.json``, the files by path, the manifest hash."""

    body: dict[str, Any]
    files: dict[str, bytes]
    sha256: str


def _key() -> bytes:
    configured = getattr(settings, "CASES_PACKAGE_KEY", "") or ""
    if configured:
        return str(configured).encode()
    return hmac.new(
        settings.SECRET_KEY.encode(), b"zhengtong.cases.package", hashlib.sha256
    ).digest()


def _sign(manifest: bytes) -> str:
    return hmac.new(_key(), manifest, hashlib.sha256).hexdigest()


def _safe_name(name: str) -> str:
    keep = "".join(c for c in name if c not in '/\\:*?"<>|\x00').strip(". ")
    return keep[:80] or "file"


def installation_name() -> str:
    """Return the name this installation signs its packages with (``SITE_NAME``)."""
    return str(getattr(settings, "SITE_NAME", "") or "")[:200]


def package_write(body: dict[str, Any], files: dict[str, bytes]) -> tuple[bytes, str]:
    """
    Write ``body`` (as ``case.json``) and ``files`` into a signed ZIP; return
    it and the SHA-256 of its manifest (the package's identity).

    中文：打包并签名
    """
    files = {
        **files,
        "case.json": json.dumps(
            {"format": FORMAT, **body},
            cls=DjangoJSONEncoder,
            ensure_ascii=False,
            indent=1,
        ).encode(),
    }
    manifest = json.dumps(
        {
            "format": FORMAT,
            "files": {
                p: hashlib.sha256(b).hexdigest() for p, b in sorted(files.items())
            },
        },
        sort_keys=True,
    ).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted(files.items()):
            archive.writestr(path, data)
        archive.writestr("manifest.json", manifest)
        archive.writestr("signature", _sign(manifest))
    return buffer.getvalue(), hashlib.sha256(manifest).hexdigest()


def case_package_build(
    *, case: Case, opinion: str = "", upper_authority: str = ""
) -> tuple[bytes, str]:
    """
    Return the signed package of ``case`` and the SHA-256 of its manifest.

    A draft has no case file to send (nothing was received): refused with
    409 ``not_received``.

    中文：导出案卷包
    """
    if case.status == Status.DRAFT or case.received_date is None:
        raise ApplicationError(
            "not_received", "该办件尚未收件，没有可导出的案卷包。", status=409
        )
    files: dict[str, bytes] = {}
    materials = []
    for n, material in enumerate(case.materials.order_by("id"), start=1):
        path = f"files/m{n}-{_safe_name(material.original_name)}"
        with material.file.open("rb") as handle:
            files[path] = handle.read()
        materials.append({"name": material.name, "file": path, "round": material.round})
    notices = []
    for n, document in enumerate(case.documents.order_by("id"), start=1):
        entry = {
            "kind": document.kind,
            "number": document.number,
            "issued_on": document.issued_on,
        }
        if document.file:
            path = f"files/d{n}-{document.kind}.pdf"
            with document.file.open("rb") as handle:
                files[path] = handle.read()
            entry["file"] = path
        notices.append(entry)
    body = {
        "kind": KIND_CASE,
        "installation": installation_name(),
        "upper_authority": upper_authority,
        "number": case.number,
        "item": {"code": case.item.item_code, "name": case.item_version.name},
        "department": case.department.name,
        "region_code": case.region_code,
        "applicant": {
            "name": case.applicant_name,
            "id_type": case.applicant_id_type,
            "id_number": case.applicant_id_number,
            "phone": case.applicant_phone,
        },
        "status": case.status,
        "received_date": case.received_date,
        "accepted_date": case.accepted_date,
        "statutory_due_date": case.statutory_due_date,
        "form_data": case.form_data,
        "lower_opinion": opinion,
        "steps": [
            {"name": s.name, "status": s.status, "opinion": s.opinion}
            for s in case.steps.order_by("order", "id")
        ],
        "materials": materials,
        "notices": notices,
    }
    return package_write(body, files)


def _invalid(message: str) -> ApplicationError:
    return ApplicationError("package_invalid", message)


def _tampered(message: str) -> ApplicationError:
    return ApplicationError("package_tampered", message)


def package_read(data: bytes) -> Package:
    """
    Verify a package and return its ``case.json``, its files and its manifest
    hash; refuse anything altered (400 ``package_tampered``) or unreadable
    (400 ``package_invalid``).

    中文：读取并校验案卷包
    """
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise _invalid("请上传案卷包文件（ZIP）。")
    if len(data) > MAX_PACKAGE_BYTES:
        raise _invalid("案卷包过大。")
    files: dict[str, bytes] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if not {"manifest.json", "signature", "case.json"} <= names:
            raise _invalid("不是本系统导出的案卷包（缺少清单、签名或案卷）。")
        manifest_bytes = archive.read("manifest.json")
        signature = archive.read("signature").decode("ascii", "replace").strip()
        if not hmac.compare_digest(signature, _sign(manifest_bytes)):
            raise _tampered("案卷包签名校验失败：清单被改动或密钥不一致，已拒绝导入。")
        manifest = json.loads(manifest_bytes)
        listed = manifest.get("files") or {}
        if set(listed) != names - {"manifest.json", "signature"}:
            raise _tampered("案卷包文件与清单不一致（有文件被增删），已拒绝导入。")
        for path, digest in listed.items():
            files[path] = archive.read(path)
            if hashlib.sha256(files[path]).hexdigest() != digest:
                raise _tampered(
                    f"案卷包文件“{path}”的摘要不符（内容被改动），已拒绝导入。"
                )
        body = json.loads(files.pop("case.json"))
    except (
        zipfile.BadZipFile,
        ValueError,
        KeyError,
        UnicodeDecodeError,
        AttributeError,
        TypeError,
    ) as exc:
        raise _invalid("案卷包无法读取（不是有效的 ZIP 或 JSON）。") from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise _invalid("案卷包格式版本不受支持。")
    return Package(body, files, hashlib.sha256(manifest_bytes).hexdigest())


def package_verify(data: bytes) -> dict[str, Any]:
    """
    Verify a package and return its ``case.json``; refuse anything altered.

    中文：导入案卷包（验签）
    """
    return package_read(data).body
