"""
Checkpoints of the audit chains kept outside the database.

A checkpoint is one line of JSON appended to ``settings.AUDIT_CHECKPOINT_FILE``
(under VAR_DIR): the time, the number of events, and the head (seq, seal) of
every stream that received events since shortly before the previous line.
Each line carries the signature of the line before it and its own signature
(HMAC-SHA256 under a key derived from ``AUDIT_HMAC_KEY``), so a line that is
edited, removed from the middle or forged without the key is detected.  Folded
in order, the lines give the last known head of every stream:
``audit_verify(checkpoint=...)`` then finds deleted tails, deleted streams and
re-hashed heads (docs/operations.md "审计链").
"""

import fcntl
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import AuditEvent

# Events committed late (a long transaction) still land in the next line:
# each line re-reads the streams touched since this long before the last one.
OVERLAP = timedelta(minutes=10)


def _path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_FILE)


def _sign(body: dict[str, Any]) -> str:
    key = hmac.new(
        settings.AUDIT_HMAC_KEY.encode(), b"audit-checkpoint", hashlib.sha256
    ).digest()
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


@dataclass
class CheckpointState:
    """The folded checkpoint file: heads per stream and problems of the file."""

    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    lines: int = 0
    last_at: datetime | None = None
    last_sig: str = ""
    problems: list[str] = field(default_factory=list)


def checkpoint_state() -> CheckpointState:
    """
    Read and check the checkpoint file; fold its lines into heads per stream.

    中文：读取审计检查点
    """
    state = CheckpointState()
    path = _path()
    if not path.exists():
        return state
    with path.open(encoding="utf-8") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = json.loads(raw)
                sig = line.pop("sig")
            except (ValueError, KeyError, AttributeError):
                state.problems.append(f"检查点文件第 {number} 行无法解析")
                continue
            if not hmac.compare_digest(sig, _sign(line)):
                state.problems.append(
                    f"检查点文件第 {number} 行签名不符（被修改或伪造）"
                )
                continue
            if line.get("prev", "") != state.last_sig:
                state.problems.append(
                    f"检查点文件第 {number} 行与上一行不相接（有行被删除或插入）"
                )
            for stream, (seq, head) in line["streams"].items():
                known = state.heads.get(stream)
                if known is None or seq >= known[0]:
                    state.heads[stream] = (seq, head)
            state.lines = number
            state.last_at = datetime.fromisoformat(line["at"])
            state.last_sig = sig
    return state


def audit_checkpoint_write() -> dict[str, int]:
    """
    Append one signed checkpoint line (the worker runs this every hour).

    中文：写入审计检查点
    """
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # one writer at a time
        state = checkpoint_state()
        if state.problems:
            raise RuntimeError("审计检查点文件已损坏：" + "；".join(state.problems))
        now = timezone.now()
        events = AuditEvent.objects.all()
        if state.last_at is not None:
            events = events.filter(created_at__gte=state.last_at - OVERLAP)
        heads: dict[str, tuple[int, str]] = {}
        for stream, seq, head in events.values_list("stream", "seq", "hash").iterator(
            chunk_size=5000
        ):
            if stream not in heads or seq > heads[stream][0]:
                heads[stream] = (seq, head)
        body = {
            "at": now.isoformat(),
            "events": AuditEvent.objects.count(),
            "prev": state.last_sig,
            "streams": {s: list(h) for s, h in sorted(heads.items())},
        }
        line = {**body, "sig": _sign(body)}
        handle.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        handle.flush()
    return {"streams": len(heads), "lines": state.lines + 1}
