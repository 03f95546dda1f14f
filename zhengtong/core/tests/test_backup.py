"""Backup and restore of the embedded default: the SQLite round trip.

Two instances, each its own process with its own VAR_DIR (database, media,
checkpoints): the first is filled, checkpointed and backed up; the second,
fresh, restores the backup, and its audit chain verifies."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

FILL = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from zhengtong.accounts.models import User
from zhengtong.core.audit import audit_record
user = User.objects.create_user(username="备份测试", password="x")
for i in range(3):
    audit_record(action=f"step{i}", obj=user, to_state=f"s{i}")
default_storage.save("cases/2026/证件照.png", ContentFile(b"png-bytes"))
"""
CHECK = """
from django.core.files.storage import default_storage
from zhengtong.accounts.models import User
from zhengtong.core.models import AuditEvent
print(User.objects.filter(username="备份测试").count(), AuditEvent.objects.count(),
      default_storage.open("cases/2026/证件照.png").read().decode())
"""


def _manage(var: Path, *args: str, check: bool = True):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DEBUG": "false",
        "VAR_DIR": str(var),
        "MEDIA_ROOT": str(var / "media"),
    }
    for name in ("DATABASE_URL", "AUDIT_CHECKPOINT_FILE", "AUDIT_HMAC_KEY"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if check:
        assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_sqlite_backup_restores_into_a_fresh_instance(tmp_path):
    first, second, backup = tmp_path / "a", tmp_path / "b", tmp_path / "backup"
    _manage(first, "migrate", "-v", "0")
    _manage(first, "shell", "-c", FILL)
    _manage(first, "audit_checkpoint")
    out = _manage(first, "backup", "--out", str(backup))
    assert "已备份" in out.stdout
    manifest = json.loads((backup / "manifest.json").read_text())
    assert {
        "db.sqlite3",
        "media/cases/2026/证件照.png",
        "audit/checkpoints.jsonl",
    } <= set(manifest["files"])
    # a backup refuses a folder that is not empty
    assert _manage(first, "backup", "--out", str(backup), check=False).returncode != 0

    restored = _manage(second, "restore", str(backup))
    assert "审计链完整" in restored.stdout
    shown = _manage(second, "shell", "-c", CHECK).stdout.strip().splitlines()[-1]
    assert shown.split() == [
        "1",
        "3",
        "png-bytes",
    ]
    _manage(second, "verify_audit_chain")

    # the restored instance is in use now: a second restore needs --force
    again = _manage(second, "restore", str(backup), check=False)
    assert again.returncode != 0 and "--force" in again.stderr
    _manage(second, "restore", str(backup), "--force")

    # a backup file that no longer matches its manifest is refused
    (backup / "media/cases/2026/证件照.png").write_bytes(b"swapped")
    bad = _manage(tmp_path / "c", "restore", str(backup), check=False)
    assert bad.returncode != 0 and "与清单不符" in bad.stderr
