"""
Re-seal the existing audit chains with HMAC-SHA256 (AUDIT_HMAC_KEY).

Until this migration records were sealed with a plain SHA-256 of their
canonical form. Each stream that still verifies under that old scheme is
re-chained: every record gets the HMAC of its canonical form, linked to the
new seal of the record before it. A stream that does not verify under the old
scheme is left untouched, so verify_audit_chain keeps reporting it (nothing
tampered is laundered). The canonical form is written out here (frozen):
json.dumps of the whole payload, keys sorted, as zhengtong/core/audit.py.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.db import migrations


def _canonical(event, prev: str) -> bytes:
    payload = {
        "action": event.action,
        "actor": event.actor_id,
        "actor_label": event.actor_label,
        "at": event.created_at.isoformat(),
        "details": event.details,
        "from": event.from_state,
        "object_id": event.object_id,
        "object_type": event.object_type,
        "prev": prev,
        "reason": event.reason,
        "seq": event.seq,
        "stream": event.stream,
        "to": event.to_state,
    }
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()


def _old_chain_valid(events) -> bool:
    prev = ""
    for expected, event in enumerate(events, start=1):
        if event.seq != expected or event.prev_hash != prev:
            return False
        if hashlib.sha256(_canonical(event, prev)).hexdigest() != event.hash:
            return False
        prev = event.hash
    return True


def rechain(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    key = settings.AUDIT_HMAC_KEY.encode()
    pending = []

    def flush():
        AuditEvent.objects.bulk_update(pending, ["prev_hash", "hash"], batch_size=500)
        pending.clear()

    def reseal(events):
        if not events or not _old_chain_valid(events):
            return
        prev = ""
        for event in events:
            event.prev_hash = prev
            event.hash = hmac.new(
                key, _canonical(event, prev), hashlib.sha256
            ).hexdigest()
            prev = event.hash
            pending.append(event)
        if len(pending) >= 2000:
            flush()

    current, events = None, []
    for event in AuditEvent.objects.order_by("stream", "seq").iterator(chunk_size=2000):
        if event.stream != current:
            reseal(events)
            current, events = event.stream, []
        events.append(event)
    reseal(events)
    if pending:
        flush()


class Migration(migrations.Migration):
    dependencies = [("core", "0002_drop_object_index")]

    operations = [migrations.RunPython(rechain, migrations.RunPython.noop)]
