"""The keyed seal and the checkpoints outside the database catch what a chain
alone cannot: a deleted tail, a deleted stream, a re-hashed record."""

import hashlib
import json

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

import pytest

from zhengtong.core.audit import _canonical, audit_hash, audit_record, audit_verify
from zhengtong.core.audit_checkpoint import audit_checkpoint_write, checkpoint_state
from zhengtong.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _checkpoint_file(tmp_path, settings):
    settings.AUDIT_CHECKPOINT_FILE = tmp_path / "audit" / "checkpoints.jsonl"
    settings.AUDIT_STATE_FIELDS = {}
    return settings.AUDIT_CHECKPOINT_FILE


def _chain(stream="test:1", n=3):
    return [
        audit_record(action=f"step{i}", stream=stream, to_state=f"s{i}")
        for i in range(n)
    ]


def test_the_seal_needs_the_key():
    """A plain SHA-256 (what anyone with database access can compute) no longer
    passes, and another key gives another seal."""
    event = _chain(n=1)[0]
    assert event.hash != hashlib.sha256(_canonical(event)).hexdigest()
    with override_settings(AUDIT_HMAC_KEY="another-key"):
        assert audit_hash(event) != event.hash
    assert audit_hash(event) == event.hash


def test_rehash_without_the_key_is_named():
    _chain()
    event = AuditEvent.objects.get(stream="test:1", seq=2)
    event.reason = "篡改"
    event.hash = hashlib.sha256(_canonical(event)).hexdigest()
    event.save()
    with pytest.raises(CommandError, match=r"链 test:1 第 2 条.*altered"):
        call_command("verify_audit_chain")


def test_deleted_last_event_is_named():
    _chain()
    audit_checkpoint_write()
    AuditEvent.objects.filter(stream="test:1", seq=3).delete()
    assert [p.problem.split(":")[0] for p in audit_verify()] == []  # chain alone
    with pytest.raises(CommandError, match=r"链 test:1 第 3 条.*tail deleted"):
        call_command("verify_audit_chain")


def test_deleted_stream_is_named():
    _chain("test:1")
    _chain("test:2", n=2)
    audit_checkpoint_write()
    AuditEvent.objects.filter(stream="test:2").delete()
    with pytest.raises(CommandError, match=r"链 test:2 .*stream deleted"):
        call_command("verify_audit_chain")


def test_rehash_with_the_key_after_a_checkpoint_is_named():
    """Someone holding the key re-seals an edited head: the checkpoint differs."""
    _chain()
    audit_checkpoint_write()
    event = AuditEvent.objects.get(stream="test:1", seq=3)
    event.reason = "篡改"
    event.hash = audit_hash(event)
    event.save()
    with pytest.raises(CommandError, match=r"链 test:1 第 3 条.*rehashed"):
        call_command("verify_audit_chain")


def test_checkpoints_are_incremental_and_fold_to_the_latest_heads():
    _chain("test:1")
    audit_checkpoint_write()
    audit_record(action="more", stream="test:1")
    _chain("test:2", n=1)
    result = audit_checkpoint_write()
    assert result["lines"] == 2
    state = checkpoint_state()
    assert state.problems == []
    assert state.heads["test:1"][0] == 4 and state.heads["test:2"][0] == 1
    call_command("verify_audit_chain")


def test_an_edited_or_removed_checkpoint_line_is_detected(_checkpoint_file):
    _chain()
    audit_checkpoint_write()
    audit_record(action="more", stream="test:1")
    audit_checkpoint_write()
    lines = _checkpoint_file.read_text().splitlines()
    forged = json.loads(lines[1])
    forged["streams"]["test:1"][0] = 1
    _checkpoint_file.write_text(lines[0] + "\n" + json.dumps(forged) + "\n")
    assert "签名不符" in checkpoint_state().problems[0]
    _checkpoint_file.write_text(lines[1] + "\n")  # first line removed
    assert "不相接" in checkpoint_state().problems[0]
    with pytest.raises(CommandError, match="检查点文件损坏"):
        call_command("verify_audit_chain")


def test_the_migration_reseals_intact_old_chains_and_leaves_broken_ones():
    """0003: chains sealed with plain SHA-256 are re-chained with the HMAC; a
    chain already broken under the old scheme stays broken (not laundered)."""
    import importlib

    from django.apps import apps

    rechain = importlib.import_module(
        "zhengtong.core.migrations.0003_audit_hmac_rechain"
    ).rechain
    _chain("old:ok")
    _chain("old:bad")
    for stream in ("old:ok", "old:bad"):  # seal as before the migration
        prev = ""
        for event in AuditEvent.objects.filter(stream=stream).order_by("seq"):
            event.prev_hash = prev
            event.hash = hashlib.sha256(_canonical(event)).hexdigest()
            event.save()
            prev = event.hash
    AuditEvent.objects.filter(stream="old:bad", seq=2).update(reason="篡改")
    rechain(apps, None)
    problems = list(audit_verify())
    assert {p.stream for p in problems} == {"old:bad"}
    assert problems[0].seq == 1  # all of it still fails the keyed seal
