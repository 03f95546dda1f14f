"""
Write and verify the hash-chained audit log.

Every state change in a service calls ``audit_record``; the record joins the
chain of its stream inside the caller's transaction.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections, models
from django.utils import timezone

from .db import row_insert
from .models import AuditEvent


def audit_stream_for(obj: models.Model) -> str:
    """Return the stream name of a model instance ("cases.case:42")."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "stream": event.stream,
        "seq": event.seq,
        "prev": event.prev_hash,
        "at": event.created_at.isoformat(),
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "from": event.from_state,
        "to": event.to_state,
        "reason": event.reason,
        "details": event.details,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()


def audit_hash(event: AuditEvent) -> str:
    """Return the SHA-256 of an event's canonical form."""
    return hashlib.sha256(_canonical(event)).hexdigest()


def _actor_label(actor: Any, actor_obj: Any) -> str:
    if actor_obj is not None:
        return str(actor_obj)[:100]
    if isinstance(actor, str) and actor:
        return actor[:100]
    return "系统"


def audit_record(
    *,
    action: str,
    obj: models.Model | None = None,
    stream: str | None = None,
    actor: Any = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
    new_stream: bool = False,
) -> AuditEvent:
    """
    Append one event to the chain of ``obj`` (or of ``stream``).

    ``new_stream=True`` says that the caller created ``obj`` in the current
    transaction, so its chain is empty and nobody else can write to it yet:
    the event is the first link, written without reading the head and
    without a savepoint (2 statements fewer on every new case).

    中文：记录审计事件
    """
    if stream is None:
        if obj is None:
            raise ValueError("audit_record needs obj or stream")
        stream = audit_stream_for(obj)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    event = AuditEvent(
        stream=stream,
        actor=actor_obj,
        actor_label=_actor_label(actor, actor_obj),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        from_state=from_state or "",
        to_state=to_state or "",
        reason=reason or "",
        details=json.loads(json.dumps(details or {}, ensure_ascii=False, default=str)),
    )
    if new_stream:
        _link(event, seq=1, prev_hash="")
        row_insert(event)
        return event
    for _attempt in range(5):
        seq, prev_hash = _stream_head(stream)
        _link(event, seq=seq + 1, prev_hash=prev_hash)
        # Another writer may take this seq first: then nothing is written
        # (no savepoint needed) and the new head is read again.
        if row_insert(event, unless_taken=("stream", "seq")) is not None:
            return event
    raise RuntimeError("could not append audit event after 5 attempts")


def audit_record_many(
    entries: list[dict[str, Any]], *, actor: Any = None, action: str
) -> int:
    """
    Append one event to each of many chains at once (a batch job).

    ``entries`` are dicts with ``obj`` (saved model instance) and any of
    ``from_state``, ``to_state``, ``reason``, ``details``; each ``obj`` at
    most once.  The heads of all streams are read in one statement and the
    events written in one bulk insert.  The caller must hold the rows of the
    objects locked (or be the only writer, as on SQLite), so that no other
    writer appends to those streams meanwhile.

    中文：批量记录审计事件
    """
    if not entries:
        return 0
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    label = _actor_label(actor, actor_obj)
    streams = [audit_stream_for(entry["obj"]) for entry in entries]
    if len(set(streams)) != len(streams):
        raise ValueError("audit_record_many: one event per stream")
    heads: dict[str, tuple[int, str]] = {}
    for start in range(0, len(streams), 900):  # SQLite's variable limit
        # Newest first, so the first row of a stream is its head.  PostgreSQL
        # keeps only that row (DISTINCT ON: one ordered scan of the unique
        # index); elsewhere the older events of these streams are skipped
        # here.  (A Max() per stream and then an OR of 900 (stream, seq)
        # pairs cost 40 times as much on PostgreSQL: docs/performance.md.)
        query = AuditEvent.objects.filter(
            stream__in=streams[start : start + 900]
        ).order_by("-stream", "-seq")
        if connections[query.db].features.can_distinct_on_fields:
            query = query.distinct("stream")
        for stream, seq, hash_ in query.values_list("stream", "seq", "hash"):
            heads.setdefault(stream, (seq, hash_))
    events = []
    for stream, entry in zip(streams, entries, strict=True):
        obj = entry["obj"]
        event = AuditEvent(
            stream=stream,
            actor=actor_obj,
            actor_label=label,
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            from_state=entry.get("from_state", "") or "",
            to_state=entry.get("to_state", "") or "",
            reason=entry.get("reason", "") or "",
            details=json.loads(
                json.dumps(entry.get("details") or {}, ensure_ascii=False, default=str)
            ),
        )
        seq, prev_hash = heads.get(stream, (0, ""))
        _link(event, seq=seq + 1, prev_hash=prev_hash)
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=500)
    return len(events)


def _stream_head(stream: str) -> tuple[int, str]:
    """Return (seq, hash) of the last event of ``stream``, (0, "") if none."""
    last = (
        AuditEvent.objects.filter(stream=stream)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    return last if last is not None else (0, "")


def _link(event: AuditEvent, *, seq: int, prev_hash: str) -> None:
    """Place ``event`` at ``seq`` after ``prev_hash``, timestamp and seal it."""
    event.seq = seq
    event.prev_hash = prev_hash
    event.created_at = timezone.now()
    event.hash = audit_hash(event)


@dataclass(frozen=True)
class ChainProblem:
    """One break found in a chain."""

    stream: str
    seq: int
    event_id: int | None
    problem: str


def audit_verify(*, stream: str | None = None) -> Iterator[ChainProblem]:
    """
    Yield every break in the chains: edited records, gaps, broken links.

    中文：校验审计链
    """
    qs = AuditEvent.objects.order_by("stream", "seq")
    if stream:
        qs = qs.filter(stream=stream)
    current = None
    expected_seq = 1
    prev_hash = ""
    for event in qs.iterator(chunk_size=2000):
        if event.stream != current:
            current, expected_seq, prev_hash = event.stream, 1, ""
        if event.seq != expected_seq:
            yield ChainProblem(
                event.stream, expected_seq, None, "missing: 记录缺失（可能被删除）"
            )
        elif event.prev_hash != prev_hash:
            yield ChainProblem(
                event.stream, event.seq, event.pk, "broken link: 前一哈希不匹配"
            )
        if audit_hash(event) != event.hash:
            yield ChainProblem(
                event.stream, event.seq, event.pk, "altered: 记录内容被修改"
            )
        expected_seq = event.seq + 1
        prev_hash = event.hash
