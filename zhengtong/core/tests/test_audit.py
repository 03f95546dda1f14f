"""The audit log is append-only and its hash chain catches tampering."""

from django.core.management import call_command
from django.core.management.base import CommandError

import pytest

from zhengtong.core.audit import audit_record, audit_verify
from zhengtong.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _three_events():
    for i, to in enumerate(["received", "accepted", "decided"]):
        audit_record(action=f"step{i}", stream="test:1", to_state=to, reason="理由")


def test_intact_chain_verifies():
    _three_events()
    assert list(audit_verify()) == []
    call_command("verify_audit_chain")


def test_edited_event_is_named():
    _three_events()
    event = AuditEvent.objects.get(stream="test:1", seq=2)
    AuditEvent.objects.filter(pk=event.pk).update(reason="篡改")
    problems = list(audit_verify())
    assert problems[0].seq == 2
    assert problems[0].problem.startswith("altered")
    with pytest.raises(CommandError, match="第 2 条"):
        call_command("verify_audit_chain")


def test_removed_event_is_detected():
    _three_events()
    AuditEvent.objects.filter(stream="test:1", seq=2).delete()
    problems = list(audit_verify())
    assert problems and problems[0].problem.startswith("missing")


def test_chains_are_per_stream_and_sequential():
    audit_record(action="a", stream="s:1")
    audit_record(action="b", stream="s:2")
    audit_record(action="c", stream="s:1")
    assert list(
        AuditEvent.objects.filter(stream="s:1").values_list("seq", flat=True)
    ) == [1, 2]
    second = AuditEvent.objects.get(stream="s:1", seq=2)
    first = AuditEvent.objects.get(stream="s:1", seq=1)
    assert second.prev_hash == first.hash


def test_append_that_loses_a_race_reads_the_new_head(monkeypatch):
    """Another writer takes the seq first: nothing is written, the next try joins."""
    from django.db import transaction

    from zhengtong.core import audit

    _three_events()
    real = audit._stream_head
    stale = [real("test:1")]
    # a concurrent writer appends seq 4 after our head read
    audit_record(action="other", stream="test:1", reason="并发")
    calls = []

    def head(stream):
        calls.append(stream)
        return stale.pop() if stale else real(stream)

    monkeypatch.setattr(audit, "_stream_head", head)
    with transaction.atomic():  # no savepoint needed: the transaction stays usable
        event = audit_record(action="mine", stream="test:1", reason="我的")
        assert AuditEvent.objects.filter(stream="test:1").count() == 5
    assert len(calls) == 2
    assert event.seq == 5
    assert [e.action for e in AuditEvent.objects.filter(stream="test:1")][-2:] == [
        "other",
        "mine",
    ]
    assert list(audit_verify(stream="test:1")) == []


def test_batch_append_follows_the_newest_event_of_each_stream():
    """audit_record_many: streams with several, one and no events before."""
    from django.contrib.auth.models import Group

    from zhengtong.core.audit import audit_record_many, audit_stream_for

    groups = [Group.objects.create(name=name) for name in ("多条", "一条", "无")]
    for i in range(3):
        audit_record(action=f"step{i}", obj=groups[0])
    audit_record(action="step0", obj=groups[1])
    written = audit_record_many(
        [{"obj": g, "reason": "批量校正"} for g in groups], action="batch"
    )
    assert written == 3
    batch = {
        e.stream: e for e in AuditEvent.objects.filter(action="batch").order_by("id")
    }
    assert [batch[audit_stream_for(g)].seq for g in groups] == [4, 2, 1]
    head = AuditEvent.objects.get(stream=audit_stream_for(groups[0]), seq=3)
    assert batch[audit_stream_for(groups[0])].prev_hash == head.hash
    assert list(audit_verify()) == []


def test_the_canonical_form_is_the_whole_payload_encoded_at_once():
    """Hashes of existing chains must not change: the spliced canonical form
    equals json.dumps of the whole payload, nested and non-ASCII details too."""
    import json
    from datetime import date

    from zhengtong.core.audit import _canonical

    event = audit_record(
        action="校正",
        stream="test:canon",
        from_state="accepted",
        to_state="accepted",
        reason="依据通知",
        details={"z": [1, 2.5, None], "a": {"日期": date(2027, 1, 4), "b": True}},
    )
    event = AuditEvent.objects.get(pk=event.pk)
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
    whole = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    assert _canonical(event) == whole.encode()


def test_batch_append_by_primary_key_writes_verifiable_rows(django_user_model):
    """audit_record_many(model=…, entries with pk): plain rows, same hashes."""
    from datetime import date

    from django.contrib.auth.models import Group

    from zhengtong.core.audit import audit_hash, audit_record_many

    user = django_user_model.objects.create_user(username="批量", password="x")
    groups = [Group.objects.create(name=name) for name in ("甲", "乙")]
    audit_record(action="step0", obj=groups[0])
    written = audit_record_many(
        [
            {
                "pk": g.pk,
                "from_state": "a",
                "to_state": "b",
                "reason": "校正",
                "details": {"changes": {"due_date": [date(2027, 1, 8), "2027-01-09"]}},
            }
            for g in groups
        ],
        actor=user,
        action="batch",
        model=Group,
    )
    assert written == 2
    events = list(AuditEvent.objects.filter(action="batch").order_by("id"))
    assert [(e.stream, e.seq) for e in events] == [
        (f"auth.group:{groups[0].pk}", 2),
        (f"auth.group:{groups[1].pk}", 1),
    ]
    first = events[0]
    assert first.actor_id == user.pk and first.object_id == str(groups[0].pk)
    assert first.details == {"changes": {"due_date": ["2027-01-08", "2027-01-09"]}}
    assert all(audit_hash(e) == e.hash for e in events)
    assert list(audit_verify()) == []
