"""
Backup and restore of the embedded default (SQLite + media + audit checkpoints).

A backup is a folder: ``db.sqlite3`` (SQLite's online backup API: a
consistent copy while the site keeps writing), ``media/`` (uploaded files,
notices), ``audit/checkpoints.jsonl`` (the signed checkpoints of the audit
chains) and ``manifest.json`` with the SHA-256 and size of every file. Restore
checks the manifest first, refuses a database that is already in use unless
forced, and copies everything back. PostgreSQL is backed up with its own tools
(docs/operations.md "备份与恢复").
"""

import hashlib
import json
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .errors import ApplicationError

MANIFEST = "manifest.json"
DB_FILE = "db.sqlite3"
MEDIA_DIR = "media"
CHECKPOINT_FILE = "audit/checkpoints.jsonl"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _require_sqlite() -> None:
    if connection.vendor != "sqlite":
        raise ApplicationError(
            "backup_not_sqlite",
            "此命令只用于内置默认配置（SQLite）；PostgreSQL 请按 docs/operations.md"
            "「备份与恢复」使用 pg_dump／pg_restore。",
        )


def backup_create(*, out: Path) -> dict[str, Any]:
    """
    Write a consistent backup of the database, media and checkpoints to ``out``.

    中文：备份
    """
    _require_sqlite()
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise ApplicationError(
            "backup_target_not_empty", f"备份目录 {out} 不是空目录。"
        )
    out.mkdir(parents=True, exist_ok=True)
    connection.ensure_connection()
    target = sqlite3.connect(out / DB_FILE)
    try:
        connection.connection.backup(target)  # online: pages copied consistently
        # one self-contained file (no -wal/-shm beside it)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    media = Path(settings.MEDIA_ROOT)
    if media.is_dir():
        shutil.copytree(media, out / MEDIA_DIR)
    checkpoints = Path(settings.AUDIT_CHECKPOINT_FILE)
    if checkpoints.is_file():
        (out / CHECKPOINT_FILE).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(checkpoints, out / CHECKPOINT_FILE)
    files = {
        path.relative_to(out).as_posix(): {
            "sha256": _sha256(path),
            "size": path.stat().st_size,
        }
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.name != MANIFEST
    }
    manifest = {
        "format": 1,
        "created_at": timezone.now().isoformat(),
        "database": "sqlite",
        "files": files,
    }
    (out / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return manifest


@dataclass(frozen=True)
class RestoreResult:
    """What a restore copied."""

    files: int
    media_files: int
    checkpoints: bool


def backup_check(*, source: Path) -> dict[str, Any]:
    """
    Check a backup folder against its manifest (every file, hash and size).

    中文：校验备份
    """
    source = Path(source)
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ApplicationError(
            "backup_manifest_missing", f"备份目录 {source} 没有可读的 manifest.json。"
        ) from exc
    files = manifest.get("files", {})
    if DB_FILE not in files:
        raise ApplicationError("backup_incomplete", "备份中没有数据库文件。")
    present = {
        path.relative_to(source).as_posix()
        for path in source.rglob("*")
        if path.is_file() and path.name != MANIFEST
    }
    extra = sorted(present - set(files))
    if extra:
        raise ApplicationError("backup_altered", f"备份中有清单之外的文件：{extra[0]}")
    for name, entry in files.items():
        path = source / name
        if not path.is_file():
            raise ApplicationError("backup_incomplete", f"备份缺少文件：{name}")
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise ApplicationError("backup_altered", f"备份文件与清单不符：{name}")
    return manifest


def _database_in_use() -> bool:
    """Whether the current database holds anything a restore would destroy."""
    from django.apps import apps

    tables = set(connection.introspection.table_names())
    for label in ("core.AuditEvent", settings.AUTH_USER_MODEL):
        model = apps.get_model(label)
        if model._meta.db_table in tables and model._default_manager.exists():
            return True
    return False


def backup_restore(*, source: Path, force: bool = False) -> RestoreResult:
    """
    Restore a backup folder into this instance (database, media, checkpoints).

    Refuses a database that already has users or audit events unless
    ``force``. Replaces the whole database; media files are copied over.

    中文：恢复
    """
    _require_sqlite()
    source = Path(source)
    manifest = backup_check(source=source)
    if not force and _database_in_use():
        raise ApplicationError(
            "restore_target_not_empty",
            "当前数据库已有数据（用户或审计记录），恢复会覆盖它；确需覆盖请加 --force。",
        )
    checkpoints = Path(settings.AUDIT_CHECKPOINT_FILE)
    has_checkpoints = CHECKPOINT_FILE in manifest["files"]
    if has_checkpoints and checkpoints.exists() and not force:
        raise ApplicationError(
            "restore_target_not_empty",
            f"检查点文件 {checkpoints} 已存在；确需覆盖请加 --force。",
        )
    connection.ensure_connection()
    backup_db = sqlite3.connect(
        f"file:{source / DB_FILE}?mode=ro&immutable=1", uri=True
    )
    try:
        backup_db.backup(connection.connection)  # replaces every page
    finally:
        backup_db.close()
    connection.close()  # the next query sees the restored schema afresh
    media_files = 0
    if (source / MEDIA_DIR).is_dir():
        shutil.copytree(source / MEDIA_DIR, settings.MEDIA_ROOT, dirs_exist_ok=True)
        media_files = sum(1 for p in (source / MEDIA_DIR).rglob("*") if p.is_file())
    if has_checkpoints:
        checkpoints.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / CHECKPOINT_FILE, checkpoints)
    return RestoreResult(
        files=len(manifest["files"]),
        media_files=media_files,
        checkpoints=has_checkpoints,
    )
