"""
Original file names of uploads, kept in Unicode and made safe.

Django's multipart parser keeps only what follows the last "/" or "\\" of an
upload's name (``证件照😀<script>…</script>.png`` → ``script>.png``). Ours
keeps the whole name with the separators replaced; ``CoreConfig.ready``
installs it for every multipart request (pages and API alike).
"""

import html
import unicodedata


def upload_name_clean(raw: str, *, fallback: str = "文件") -> str:
    """
    Keep an upload's original Unicode name, made safe to store and show.

    Path separators become "_" (the whole name is kept, not only what follows
    the last "/"), control and bidirectional formatting characters go, the
    text is NFC-normalised and cut to 200 characters keeping the extension.
    Templates escape it when shown; downloads send it RFC 6266/5987-encoded
    (Django's FileResponse ``filename=``).

    中文：原始文件名（安全保留）
    """
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("/", "_").replace("\\", "_")
    name = "".join(ch for ch in name if ch.isprintable() and ch not in "\u2028\u2029")
    name = name.strip().strip(".")
    if not name:
        return fallback
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (
            f"{stem[: 199 - len(ext)]}.{ext}" if dot and len(ext) <= 10 else name[:200]
        )
    return name


def multipart_file_name(parser, file_name: str) -> str | None:
    """``MultiPartParser.sanitize_file_name`` keeping the whole Unicode name."""
    file_name = html.unescape(file_name)
    if file_name in {"", ".", ".."}:
        return None
    return upload_name_clean(file_name, fallback="") or None
