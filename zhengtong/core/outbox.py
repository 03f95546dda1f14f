"""
Transactional outbox: background work that cannot be lost (issue 17).

A service that wants work done after its change (send the notifications of
a case event, render a notice) calls ``outbox_enqueue(job, **args)`` inside
its transaction. The request is a row (``OutboxJob``) written in that same
transaction: it exists exactly when the change committed — a process killed
between COMMIT and any "after commit" hook loses nothing.

Delivery:

- fast path: after the commit the job is handed to the worker queue (huey
  ``outbox_run_task``), so it usually runs within milliseconds;
- relay: every minute the worker hands again every job still open a while
  after it was last handed out (``outbox_relay``: a queue message lost with
  a killed worker, or a web process killed before its after-commit hook),
  and every job whose run holds an expired lease (its worker died mid-run).

Exactly once: a run first *claims* the job (one conditional UPDATE sets a
fresh token and a lease), then, in one transaction, marks it done — only if
it still holds that token — and runs the job. The job's database effects and
the "done" mark commit together or not at all, so a job re-run after a crash
has either no effects yet or is already done and skipped. Effects outside the
database (an SMS, an e-mail) are sent before that commit: a crash in the
instant between the send and the commit sends them again (at least once).

Jobs are plain functions marked with ``@outbox_job``; the outbox stores the
function's dotted path and its JSON arguments, and runs only marked
functions of this project.

中文：事务性发件箱（后台任务不丢失、不重复）
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from .db import row_insert_many
from .models import OutboxJob

logger = logging.getLogger("zhengtong.outbox")

State = OutboxJob.State

#: runs of one job before it is given up as failed (logged, kept, counted)
MAX_ATTEMPTS = 5


def _lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "OUTBOX_LEASE_SECONDS", 60))


def _stale() -> timedelta:
    return timedelta(seconds=getattr(settings, "OUTBOX_REDISPATCH_SECONDS", 30))


def outbox_job(func: Callable[..., Any]) -> Callable[..., Any]:
    """
    Mark ``func`` as a job the outbox may run (keyword arguments, JSON values).

    中文：标记可由发件箱执行的任务
    """
    func._outbox_job = True  # type: ignore[attr-defined]
    return func


def _job_name(func: Callable[..., Any]) -> str:
    if not getattr(func, "_outbox_job", False):
        raise ValueError(f"{func!r} is not marked with @outbox_job")
    return f"{func.__module__}.{func.__qualname__}"


def _job_func(name: str) -> Callable[..., Any]:
    if not name.startswith("zhengtong."):
        raise ValueError(f"job {name!r} is not of this project")
    func = import_string(name)
    if not getattr(func, "_outbox_job", False):
        raise ValueError(f"job {name!r} is not marked with @outbox_job")
    return func


def _job_row(name: str, args: dict[str, Any], now: datetime) -> OutboxJob:
    """Return the new (unsaved) pending row of one job request."""
    return OutboxJob(
        job=name,
        # dates and decimals as the text a job reads back
        args=json.loads(json.dumps(args, cls=DjangoJSONEncoder)),
        state=State.PENDING,
        attempts=0,
        created_at=now,
        dispatched_at=now,
        token="",
        last_error="",
    )


def outbox_enqueue(job: Callable[..., Any], **args: Any) -> int:
    """
    Request ``job(**args)`` in the caller's transaction; return the job id.

    Outside a transaction (autocommit) the row is written at once. The job is
    handed to the worker after the commit; the relay hands it again if that
    is lost.

    中文：登记后台任务（与业务变更同一事务）
    """
    return outbox_enqueue_many(job, [args])[0]


def outbox_enqueue_many(
    job: Callable[..., Any], args_list: list[dict[str, Any]]
) -> list[int]:
    """
    Request ``job(**args)`` for each of ``args_list`` in the caller's
    transaction with one INSERT; return the job ids (in order).

    ``outbox_enqueue`` is this with one request (one row: ``row_insert``);
    the jobs are handed to the worker together (one queue message) after
    the commit.

    中文：批量登记后台任务
    """
    if not args_list:
        return []
    name = _job_name(job)
    now = timezone.now()
    rows = [_job_row(name, args, now) for args in args_list]
    row_insert_many(rows)
    job_ids = [row.pk for row in rows]
    transaction.on_commit(lambda: _dispatch(job_ids, together=True))
    return job_ids


def _dispatch(job_ids: list[int], *, together: bool = False) -> None:
    """
    Hand jobs to the worker queue; a failure here is repaired by the relay.

    ``together``: the jobs of one transaction go as one queue message (one
    Redis round trip; a worker runs them one after another), not one each.
    """
    from .tasks import outbox_run_many_task, outbox_run_task

    if together and len(job_ids) > 1:
        try:
            outbox_run_many_task(job_ids)
        except Exception:  # the queue is down: the relay hands them again
            logger.exception("outbox jobs %s could not be queued", job_ids)
        return
    for job_id in job_ids:
        try:
            outbox_run_task(job_id)
        except Exception:  # the queue is down: the relay hands it again
            logger.exception("outbox job %s could not be queued", job_id)


def _claim(job_id: int) -> str | None:
    """Take the job for one run: a fresh token and a lease, or None if not ours."""
    now = timezone.now()
    token = secrets.token_hex(8)
    claimed = OutboxJob.objects.filter(
        Q(state=State.PENDING) | Q(state=State.RUNNING, lease_until__lt=now),
        pk=job_id,
    ).update(
        state=State.RUNNING,
        token=token,
        lease_until=now + _lease(),
        attempts=F("attempts") + 1,
    )
    return token if claimed == 1 else None


def outbox_run(job_id: int) -> str:
    """
    Run one job once: ``done``, ``skipped`` (done or held by another run),
    ``retry`` (failed, handed again later) or ``failed`` (given up).

    中文：执行一个后台任务（恰好一次）
    """
    token = _claim(job_id)
    if token is None:
        return "skipped"
    row = OutboxJob.objects.only("job", "args", "attempts").get(pk=job_id)
    try:
        func = _job_func(row.job)
        with transaction.atomic():
            # first statement of the transaction: marks done only if this run
            # still holds the claim (takes the row lock / SQLite's write lock)
            held = OutboxJob.objects.filter(pk=job_id, token=token).update(
                state=State.DONE, done_at=timezone.now(), lease_until=None
            )
            if held != 1:
                return "skipped"
            func(**row.args)
    except Exception as exc:
        give_up = row.attempts >= MAX_ATTEMPTS
        OutboxJob.objects.filter(pk=job_id, token=token).update(
            state=State.FAILED if give_up else State.PENDING,
            dispatched_at=timezone.now(),
            lease_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        logger.exception("outbox job %s (%s) failed", job_id, row.job)
        return "failed" if give_up else "retry"
    return "done"


def outbox_relay(*, limit: int = 5000) -> int:
    """
    Hand again the open jobs nobody is running: pending a while after they
    were last handed out, or running under an expired lease. Returns how many.

    中文：补发未执行的后台任务
    """
    now = timezone.now()
    stale = now - _stale()
    with transaction.atomic():
        ids = list(
            OutboxJob.objects.filter(
                Q(state=State.PENDING, dispatched_at__lt=stale)
                | Q(state=State.RUNNING, lease_until__lt=now),
            )
            .order_by("dispatched_at")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OutboxJob.objects.filter(pk__in=ids).update(dispatched_at=now)
            transaction.on_commit(lambda: _dispatch(ids))
    return len(ids)


def outbox_purge(*, days: int = 7) -> int:
    """
    Delete jobs done more than ``days`` ago (failed jobs are kept).

    中文：清理已完成的后台任务
    """
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = OutboxJob.objects.filter(state=State.DONE, done_at__lt=cutoff).delete()
    return deleted


def outbox_counts() -> dict[str, int]:
    """Jobs by state (for ``manage.py outbox`` and the fault rehearsal)."""
    counts = {state: 0 for state in State.values}
    for row in OutboxJob.objects.values("state").annotate(n=Count("pk")):
        counts[row["state"]] = row["n"]
    return counts
