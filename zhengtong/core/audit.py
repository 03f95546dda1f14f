"""
Write and verify the hash-chained audit log.

Every state change in a service calls ``audit_record``; the record joins the
chain of its stream inside the caller's transaction.  Each record is sealed
with HMAC-SHA256 under ``settings.AUDIT_HMAC_KEY`` (a key that is not in the
database), so an edited record cannot be re-sealed by someone who can only
write to the database (docs/operations.md "审计链").
"""

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.utils import timezone

from .db import row_insert, rows_insert
from .models import AuditEvent


def audit_stream_for(obj: models.Model) -> str:
    """Return the stream name of a model instance ("cases.case:42")."""
    return f"{obj._meta.label_lower}:{obj.pk}"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _canonical_text(
    *,
    stream: str,
    seq: int,
    prev: str,
    at: str,
    actor: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    from_state: str,
    to_state: str,
    reason: str,
    details_json: str,
) -> bytes:
    """
    The canonical form of an event, with its details already JSON text.

    Byte for byte ``json.dumps(payload, ensure_ascii=False, sort_keys=True,
    default=str)`` of the whole payload (the details JSON text was made by
    ``_dumps``: keys sorted, the same separators): the keys before
    ``details`` and those after it are encoded apart and joined around it,
    so a batch encodes each event's details once for the hash and the row.
    """
    before = _dumps(
        {"action": action, "actor": actor, "actor_label": actor_label, "at": at}
    )
    after = _dumps(
        {
            "from": from_state,
            "object_id": object_id,
            "object_type": object_type,
            "prev": prev,
            "reason": reason,
            "seq": seq,
            "stream": stream,
            "to": to_state,
        }
    )
    return f'{before[:-1]}, "details": {details_json}, {after[1:]}'.encode()


def _canonical(event: AuditEvent) -> bytes:
    return _canonical_text(
        stream=event.stream,
        seq=event.seq,
        prev=event.prev_hash,
        at=event.created_at.isoformat(),
        actor=event.actor_id,
        actor_label=event.actor_label,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        from_state=event.from_state,
        to_state=event.to_state,
        reason=event.reason,
        details_json=_dumps(event.details),
    )


_sealer: tuple[str, Any] | None = None


def audit_seal(canonical: bytes) -> str:
    """
    Return the HMAC-SHA256 (hex) of a canonical form under AUDIT_HMAC_KEY.

    The one hashing definition of both writers (``audit_record``,
    ``audit_record_many``) and of the verifier.  The keyed state is made once
    per key and copied per event (as cheap as a plain SHA-256).

    中文：审计记录签封
    """
    global _sealer
    key = settings.AUDIT_HMAC_KEY
    if _sealer is None or _sealer[0] != key:
        _sealer = (key, hmac.new(key.encode(), digestmod=hashlib.sha256))
    mac = _sealer[1].copy()
    mac.update(canonical)
    return mac.hexdigest()


def audit_hash(event: AuditEvent) -> str:
    """Return the seal (HMAC-SHA256) of an event's canonical form."""
    return audit_seal(_canonical(event))


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
    entries: list[dict[str, Any]],
    *,
    actor: Any = None,
    action: str,
    model: type[models.Model] | None = None,
    new_streams: bool = False,
) -> int:
    """
    Append one event to each of many chains at once (a batch job).

    ``entries`` are dicts with ``obj`` (saved model instance) — or, when
    ``model`` is given, ``pk`` (its primary key: no instance needed) — and
    any of ``from_state``, ``to_state``, ``reason``, ``details``; each
    object at most once.  The heads of all streams are read in one
    statement; each event's details are JSON-encoded once (for its hash and
    its row) and the events written as plain rows in one ``rows_insert``
    (COPY on PostgreSQL).  The caller must hold the rows of the objects
    locked (or be the only writer, as on SQLite), so that no other writer
    appends to those streams meanwhile.

    ``new_streams=True`` says the caller created every object in the current
    transaction (as ``audit_record(new_stream=True)``): each event is the
    first of its chain and no head is read. One such event is written by
    ``audit_record`` (one prepared INSERT instead of a COPY).

    中文：批量记录审计事件
    """
    if not entries:
        return 0
    if new_streams and len(entries) == 1 and model is None:
        entry = entries[0]
        audit_record(
            action=action,
            obj=entry["obj"],
            actor=actor,
            from_state=entry.get("from_state", ""),
            to_state=entry.get("to_state", ""),
            reason=entry.get("reason", ""),
            details=entry.get("details"),
            new_stream=True,
        )
        return 1
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    actor_id = actor_obj.pk if actor_obj is not None else None
    label = _actor_label(actor, actor_obj)
    if model is not None:
        object_type = model._meta.label_lower
        object_ids = [str(entry["pk"]) for entry in entries]
        types = [object_type] * len(entries)
    else:
        object_ids = [str(entry["obj"].pk) for entry in entries]
        types = [entry["obj"]._meta.label_lower for entry in entries]
    streams = [f"{t}:{i}" for t, i in zip(types, object_ids, strict=True)]
    if len(set(streams)) != len(streams):
        raise ValueError("audit_record_many: one event per stream")
    heads = {} if new_streams else _stream_heads(streams)
    now = timezone.now().astimezone(UTC)  # as the database gives it back
    at = now.isoformat()
    rows = []
    for stream, object_type, object_id, entry in zip(
        streams, types, object_ids, entries, strict=True
    ):
        from_state = entry.get("from_state", "") or ""
        to_state = entry.get("to_state", "") or ""
        reason = entry.get("reason", "") or ""
        details_json = _dumps(entry.get("details") or {})
        seq, prev_hash = heads.get(stream, (0, ""))
        seq += 1
        hash_ = audit_seal(
            _canonical_text(
                stream=stream,
                seq=seq,
                prev=prev_hash,
                at=at,
                actor=actor_id,
                actor_label=label,
                action=action,
                object_type=object_type,
                object_id=object_id,
                from_state=from_state,
                to_state=to_state,
                reason=reason,
                details_json=details_json,
            )
        )
        rows.append(
            (
                stream, seq, now, actor_id, label, action, object_type, object_id,
                from_state, to_state, reason, details_json, prev_hash, hash_,
            )
        )  # fmt: skip
    rows_insert(AuditEvent, _MANY_COLUMNS, rows)
    return len(rows)


_MANY_COLUMNS = (
    "stream",
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "from_state",
    "to_state",
    "reason",
    "details",
    "prev_hash",
    "hash",
)


def _stream_heads(streams: list[str]) -> dict[str, tuple[int, str]]:
    """Return {stream: (seq, hash)} of the last event of each of ``streams``."""
    heads: dict[str, tuple[int, str]] = {}
    connection = connections[AuditEvent.objects.db]
    if connection.vendor == "postgresql":
        # One array parameter: a short text psycopg caches and PostgreSQL
        # prepares (an IN of 900 placeholders is parsed again on every call).
        # Newest first per stream, DISTINCT ON keeps the head: one ordered
        # scan of the unique (stream, seq) index.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT ON (stream) stream, seq, hash "  # noqa: S608 - our table
                f"FROM {AuditEvent._meta.db_table} WHERE stream = ANY(%s) "
                "ORDER BY stream DESC, seq DESC",
                [streams],
            )
            for stream, seq, hash_ in cursor:
                heads[stream] = (seq, hash_)
        return heads
    for start in range(0, len(streams), 900):  # SQLite's variable limit
        # Newest first, so the first row of a stream is its head (the older
        # events of these streams are skipped here).
        query = AuditEvent.objects.filter(
            stream__in=streams[start : start + 900]
        ).order_by("-stream", "-seq")
        if connections[query.db].features.can_distinct_on_fields:
            query = query.distinct("stream")
        for stream, seq, hash_ in query.values_list("stream", "seq", "hash"):
            heads.setdefault(stream, (seq, hash_))
    return heads


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
    # In UTC, as the database gives it back: the seal covers its ISO text (a
    # clock in another zone, like the demo seed's, would not verify).
    event.created_at = timezone.now().astimezone(UTC)
    event.hash = audit_hash(event)


@dataclass(frozen=True)
class ChainProblem:
    """One break found in a chain."""

    stream: str
    seq: int
    event_id: int | None
    problem: str


def audit_verify(
    *,
    stream: str | None = None,
    checkpoint: dict[str, tuple[int, str]] | None = None,
) -> Iterator[ChainProblem]:
    """
    Yield every break in the chains: edited records, gaps, broken links.

    With ``checkpoint`` ({stream: (seq, hash)} of the heads saved outside the
    database, ``audit_checkpoint.checkpoint_state``) also what a chain alone
    cannot show: a stream shorter than its checkpoint (tail deleted), a
    checkpointed head whose seal differs (re-hashed) and a checkpointed
    stream without any record (stream deleted).

    中文：校验审计链
    """
    qs = AuditEvent.objects.order_by("stream", "seq")
    if stream:
        qs = qs.filter(stream=stream)
    saved = dict(checkpoint or {})
    if stream:
        saved = {stream: saved[stream]} if stream in saved else {}
    current: str | None = None
    expected_seq = 1
    prev_hash = ""
    for event in qs.iterator(chunk_size=2000):
        if event.stream != current:
            if current is not None:
                yield from _tail_check(current, expected_seq - 1, saved)
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
        head = saved.get(event.stream)
        if head is not None and head[0] == event.seq and head[1] != event.hash:
            yield ChainProblem(
                event.stream,
                event.seq,
                event.pk,
                "rehashed: 哈希与库外检查点不符（记录被改写并重新计算哈希）",
            )
        expected_seq = event.seq + 1
        prev_hash = event.hash
    if current is not None:
        yield from _tail_check(current, expected_seq - 1, saved)
    for gone in sorted(saved):  # checkpointed streams never met above
        yield ChainProblem(
            gone,
            1,
            None,
            f"stream deleted: 整条链被删除（检查点记有 {saved[gone][0]} 条）",
        )


def _tail_check(
    stream: str, last_seq: int, saved: dict[str, tuple[int, str]]
) -> Iterator[ChainProblem]:
    head = saved.pop(stream, None)
    if head is not None and last_seq < head[0]:
        yield ChainProblem(
            stream,
            last_seq + 1,
            None,
            f"tail deleted: 第 {last_seq + 1}–{head[0]} 条被删除（检查点记有 {head[0]} 条）",
        )


def audit_verify_states() -> Iterator[ChainProblem]:
    """
    Compare each audited row's state with the last state event of its stream.

    ``settings.AUDIT_STATE_FIELDS`` names the models and fields ({"cases.case":
    "status"}); a row without any event, or whose state differs from the
    ``to_state`` of its stream's last event that has one, is reported.

    中文：核对业务状态与审计链
    """
    from django.apps import apps
    from django.db.models import CharField, OuterRef, Subquery, Value
    from django.db.models.functions import Cast, Concat

    for label, field in getattr(settings, "AUDIT_STATE_FIELDS", {}).items():
        model = apps.get_model(label)
        last = (
            AuditEvent.objects.filter(
                stream=Concat(Value(f"{label}:"), Cast(OuterRef("pk"), CharField()))
            )
            .exclude(to_state="")
            .order_by("-seq")
        )
        rows = model._default_manager.annotate(
            _chain_state=Subquery(last.values("to_state")[:1]),
            _chain_seq=Subquery(last.values("seq")[:1]),
        ).values_list("pk", field, "_chain_state", "_chain_seq")
        for pk, state, chain_state, chain_seq in rows.iterator(chunk_size=2000):
            if chain_state is None:
                yield ChainProblem(
                    f"{label}:{pk}", 1, None, "no events: 业务记录存在但审计链为空"
                )
            elif chain_state != state:
                yield ChainProblem(
                    f"{label}:{pk}",
                    chain_seq,
                    None,
                    f"state differs: 业务状态为 {state}，审计链最后状态为 {chain_state}",
                )
