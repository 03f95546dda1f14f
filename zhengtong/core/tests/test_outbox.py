"""
The transactional outbox (issue 17 item 8): a job exists exactly when its
change committed, runs exactly once (its database effects and its "done"
mark commit together), and is handed again when its queue message or its
worker is lost.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

import pytest
import time_machine

from zhengtong.core import outbox
from zhengtong.core.audit import audit_record
from zhengtong.core.models import AuditEvent, OutboxJob

pytestmark = pytest.mark.django_db(transaction=True)

T0 = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
CALLS: list[str] = []


@outbox.outbox_job
def _record_job(*, label: str) -> None:
    """A job whose database effect is one audit event (test only)."""
    CALLS.append(label)
    audit_record(action="outbox_test", stream=f"test.outbox:{label}", actor="系统")


@outbox.outbox_job
def _failing_job(*, label: str) -> None:
    audit_record(action="outbox_test", stream=f"test.outbox:{label}", actor="系统")
    raise RuntimeError("SMS gateway down")


def _not_a_job(*, label: str) -> None:  # pragma: no cover - never run
    CALLS.append(label)


def _effects(label: str) -> int:
    return AuditEvent.objects.filter(stream=f"test.outbox:{label}").count()


@pytest.fixture(autouse=True)
def _clean_calls():
    CALLS.clear()


def test_a_rolled_back_change_leaves_no_job_and_runs_nothing():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        outbox.outbox_enqueue(_record_job, label="rolled-back")
        1 / 0  # noqa: B018 - the change fails after the request
    assert not OutboxJob.objects.exists()
    assert CALLS == [] and _effects("rolled-back") == 0


def test_a_committed_job_runs_once_after_commit_and_again_is_skipped():
    with transaction.atomic():
        job_id = outbox.outbox_enqueue(_record_job, label="a")
    # test settings run huey immediately: the after-commit hand-off ran it
    job = OutboxJob.objects.get(pk=job_id)
    assert job.state == OutboxJob.State.DONE and job.attempts == 1
    assert _effects("a") == 1
    assert outbox.outbox_run(job_id) == "skipped"
    assert _effects("a") == 1 and CALLS == ["a"]


def test_lost_after_commit_hook_is_repaired_by_the_relay():
    """A web worker killed between COMMIT and its after-commit hand-off."""
    with time_machine.travel(T0, tick=False):
        with transaction.atomic():
            job_id = outbox.outbox_enqueue(_record_job, label="b")
            # the process dies here: drop the hooks, the row is committed
            transaction.get_connection().run_on_commit.clear()
        assert OutboxJob.objects.get(pk=job_id).state == OutboxJob.State.PENDING
        # a fresh job is not handed twice by the relay
        assert outbox.outbox_relay() == 0
    with time_machine.travel(T0 + timedelta(seconds=31), tick=False):
        assert outbox.outbox_relay() == 1
    assert OutboxJob.objects.get(pk=job_id).state == OutboxJob.State.DONE
    assert _effects("b") == 1


def test_worker_killed_mid_run_the_job_is_claimed_again_after_its_lease():
    with time_machine.travel(T0, tick=False):
        with transaction.atomic():
            job_id = outbox.outbox_enqueue(_record_job, label="c")
            transaction.get_connection().run_on_commit.clear()
        # a worker claims it and dies (kill -9) before finishing
        stale_token = outbox._claim(job_id)
        assert stale_token
        assert outbox.outbox_run(job_id) == "skipped"  # held under a lease
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        assert outbox.outbox_relay() == 0  # lease (60 s) not over yet
    with time_machine.travel(T0 + timedelta(seconds=61), tick=False):
        assert outbox.outbox_relay() == 1
    job = OutboxJob.objects.get(pk=job_id)
    assert job.state == OutboxJob.State.DONE and job.attempts == 2
    assert _effects("c") == 1


def test_a_run_that_lost_its_claim_cannot_mark_done_or_leave_effects(monkeypatch):
    with transaction.atomic():
        job_id = outbox.outbox_enqueue(_record_job, label="d")
        transaction.get_connection().run_on_commit.clear()
    stale = outbox._claim(job_id)
    # its lease ran out and another run took the job over
    OutboxJob.objects.filter(pk=job_id).update(state="pending")
    assert outbox._claim(job_id) not in (None, stale)
    # the first run goes on with its old claim: it must not finish the job
    monkeypatch.setattr(outbox, "_claim", lambda job_id: stale)
    assert outbox.outbox_run(job_id) == "skipped"
    assert OutboxJob.objects.get(pk=job_id).state == OutboxJob.State.RUNNING
    assert _effects("d") == 0 and CALLS == []


def test_a_failing_job_is_retried_with_its_error_and_given_up_after_max():
    with transaction.atomic():
        job_id = outbox.outbox_enqueue(_failing_job, label="e")
    job = OutboxJob.objects.get(pk=job_id)
    assert job.state == OutboxJob.State.PENDING
    assert "SMS gateway down" in job.last_error
    # the failed run's effects were rolled back with it
    assert _effects("e") == 0
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        outbox.outbox_run(job_id)
    job.refresh_from_db()
    assert job.state == OutboxJob.State.FAILED
    assert job.attempts == outbox.MAX_ATTEMPTS
    assert outbox.outbox_counts()["failed"] == 1


def test_only_marked_functions_of_this_project_are_jobs():
    with pytest.raises(ValueError):
        outbox.outbox_enqueue(_not_a_job, label="x")
    with pytest.raises(ValueError):
        outbox._job_func("os.system")
    with pytest.raises(ValueError):
        outbox._job_func(f"{__name__}._not_a_job")


def test_purge_keeps_open_and_failed_jobs():
    with time_machine.travel(T0, tick=False):
        with transaction.atomic():
            done_id = outbox.outbox_enqueue(_record_job, label="f")
            open_id = outbox.outbox_enqueue(_record_job, label="g")
            transaction.get_connection().run_on_commit[1:] = []
        assert OutboxJob.objects.get(pk=done_id).state == OutboxJob.State.DONE
    with time_machine.travel(T0 + timedelta(days=8), tick=False):
        assert outbox.outbox_purge(days=7) == 1
    assert list(OutboxJob.objects.values_list("pk", flat=True)) == [open_id]
