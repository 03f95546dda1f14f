"""
Correct the clocks of open cases after the working-day calendar changed.

Receiver of ``workdays.recompute.calendar_changed`` (connected in
``apps.CasesConfig.ready``).  One pass over the open cases that have a
stored date on or after the first changed day, in id order, in batches:

* the decision clock (promised and statutory due dates, suspended days,
  lamp) is computed again with ``clock.clock_compute`` — the same
  function every case action uses;
* the other dates (受理决定 intake, 容缺补齐 tolerance, 发证 certificate,
  the active step's due date) keep their number of working days from their
  start: ``n = before.working_days_between(start, old)`` then
  ``after.add_working_days(start, n)``;
* ``due_date_provisional`` follows the new calendar.

Only rows whose values change are written (one UPDATE per batch), each moved
case gets one ``deadline_recomputed`` audit event (old and new dates, the
notice) and its applicant an in-app message when a date they were told
moved; each handler gets one digest at the end (how many of their cases
moved, 「【紧急】」 when any moved earlier, the case numbers).  Each batch is one
transaction holding its case rows locked; no case row is read twice.

中文：放假安排变更后校正办件期限
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import Model, Q
from django.utils import timezone

from zhengtong.core.audit import audit_record_many
from zhengtong.core.db import rows_insert
from zhengtong.workdays.calc import WorkCalendar
from zhengtong.workdays.recompute import RecomputeCount

from . import clock
from .constants import CLOCK_STATUSES, OPEN_STATUSES, Status, StepStatus
from .models import Case, CaseStep, CaseSuspension, Notification

BATCH = 1000
DIGEST_NUMBERS = 20  # case numbers listed in a handler's digest
# Statuses in which the Art. 32 intake decision is still pending.
INTAKE_STATUSES = (Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED)
EVENT = "deadline_recomputed"
DATE_FIELDS = clock.CASE_DATE_FIELDS
LABELS = {
    "intake_due_date": "受理决定截止日",
    "tolerance_due_date": "容缺补齐期限",
    "due_date": "承诺办结日",
    "statutory_due_date": "法定办结日",
    "certificate_due_date": "发证截止日",
}
# Dates the applicant was told in a notice or message, per status.
TOLD = {
    Status.SUBMITTED: ("intake_due_date",),
    Status.ACCEPTED: ("due_date", "tolerance_due_date"),
    Status.UNDER_REVIEW: ("due_date", "tolerance_due_date"),
    Status.SUSPENDED: ("due_date",),
}
COLUMNS = (
    "id",
    "number",
    "status",
    "applicant_id",
    "agent_id",
    "current_assignee_id",
    "received_date",
    "accepted_date",
    "decided_at",
    "promised_days",
    "statutory_days",
    "promised_unit",
    "statutory_unit",
    "extension_days",
    "promised_extension_days",
    "suspended_days",
    "lamp",
    "due_date_provisional",
    *DATE_FIELDS,
)
WRITTEN = (*DATE_FIELDS, "suspended_days", "lamp", "due_date_provisional")


def _reanchor(before: WorkCalendar, after: WorkCalendar, start, old):
    """Return ``old`` moved so it keeps its working days after ``start``."""
    if old is None or start is None or old <= start:
        return old
    return after.add_working_days(start, before.working_days_between(start, old))


def case_dates_recompute(
    row: dict[str, Any],
    suspensions: list[tuple[date, date | None]],
    *,
    before: WorkCalendar,
    after: WorkCalendar,
    today: date,
) -> dict[str, Any]:
    """
    Return the clock values of one case (a plain row) under the new calendar.

    中文：按新日历计算办件期限
    """
    new = {name: row[name] for name in WRITTEN}
    if row["status"] in INTAKE_STATUSES:
        new["intake_due_date"] = _reanchor(
            before, after, row["received_date"], row["intake_due_date"]
        )
    new["tolerance_due_date"] = _reanchor(
        before, after, row["accepted_date"], row["tolerance_due_date"]
    )
    if row["certificate_due_date"] is not None and row["decided_at"] is not None:
        decided_on = timezone.localdate(row["decided_at"])
        new["certificate_due_date"] = _reanchor(
            before, after, decided_on, row["certificate_due_date"]
        )
    # A decided case keeps the dates it was decided against (on time or not is
    # history); only a running clock moves.
    if (
        row["status"] in CLOCK_STATUSES
        and row["accepted_date"] is not None
        and row["due_date"] is not None
    ):
        result = clock.clock_compute(
            after,
            start=row["accepted_date"],
            promised_days=row["promised_days"],
            statutory_days=row["statutory_days"],
            promised_unit=row["promised_unit"],
            statutory_unit=row["statutory_unit"],
            suspensions=suspensions,
            extension_days=row["extension_days"],
            promised_extension_days=row["promised_extension_days"],
            today=today,
        )
        new["due_date"] = result.due_date
        new["statutory_due_date"] = result.statutory_due_date
        new["suspended_days"] = result.suspended_days
        if row["status"] in CLOCK_STATUSES:
            new["lamp"] = result.lamp
    if row["status"] == Status.DECIDED_APPROVED and new["certificate_due_date"]:
        new["lamp"] = clock.lamp_for(after, new["certificate_due_date"], today)
    new["due_date_provisional"] = clock.case_dates_provisional(after, new)
    return new


def _candidates(first_changed: date) -> Q:
    """Open cases with a stored date on or after the first changed day."""
    dates = Q()
    for name in DATE_FIELDS:
        dates |= Q(**{f"{name}__gte": first_changed})
    return Q(status__in=OPEN_STATUSES) & (dates | Q(due_date_provisional=True))


def _rows_update(
    model: type[Model], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """
    Write new values of some columns of many rows; ``rows`` are ``(id, *values)``.

    PostgreSQL: one ``UPDATE … FROM unnest(…)``, an array per column: a short
    text that psycopg and PostgreSQL parse once, whatever the number of rows
    (a ``VALUES`` list with a parameter per value is parsed again on every
    call).  SQLite (one local writer, no round trips): an ``executemany`` of
    the per-row update.  ``updated_at`` is stamped when the model has one.
    """
    if not rows:
        return
    meta = model._meta
    table = meta.db_table
    fields = [meta.get_field(name) for name in names]
    columns = [f.column for f in fields]
    stamp = [timezone.now()] if any(f.name == "updated_at" for f in meta.fields) else []
    touch = ", updated_at = %s" if stamp else ""
    if connection.vendor != "postgresql":
        sets = ", ".join(f"{c} = %s" for c in columns)
        sql = f"UPDATE {table} SET {sets}{touch} WHERE id = %s"  # noqa: S608 - names are ours
        with connection.cursor() as cursor:
            cursor.executemany(sql, [[*row[1:], *stamp, row[0]] for row in rows])
        return
    sets = ", ".join(f"{c} = v.{c}" for c in columns)
    arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
    sql = (
        f"UPDATE {table} SET {sets}{touch} "  # noqa: S608 - names are ours
        f"FROM unnest(%s::bigint[], {arrays}) AS v(id, {', '.join(columns)}) "
        f"WHERE {table}.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql, [*stamp, *(list(column) for column in zip(*rows, strict=True))]
        )


def _steps_recompute(
    case_ids: list[int], before: WorkCalendar, after: WorkCalendar, today: date
) -> list[tuple[date, date]]:
    """Recompute the active steps of some cases; return (new, old) due dates moved."""
    writes, moved = [], []
    wanted = set(case_ids)
    # The batch's id range (two parameters, not one per case: psycopg would
    # parse a text of 1,000 placeholders each time); steps of cases in the
    # range that are not in the batch are skipped here.
    for case_id, step_id, started_on, old, was_provisional in CaseStep.objects.filter(
        case_id__gte=case_ids[0],
        case_id__lte=case_ids[-1],
        status=StepStatus.ACTIVE,
        due_date__isnull=False,
    ).values_list("case_id", "id", "started_on", "due_date", "due_date_provisional"):
        if case_id not in wanted:
            continue
        due = _reanchor(before, after, started_on, old)
        provisional = after.is_provisional(due)
        if due != old or provisional != was_provisional:
            writes.append(
                (step_id, due, clock.lamp_for(after, due, today), provisional)
            )
            if due != old:
                moved.append((due, old))
    _rows_update(CaseStep, ("due_date", "lamp", "due_date_provisional"), writes)
    return moved


def _changes_text(changes: dict[str, tuple[Any, Any]], names) -> str:
    """「承诺办结日由 2027-01-08 改为 2027-01-09；…」 for the dates named."""
    return "；".join(
        f"{LABELS[n]}由 {changes[n][0]:%Y-%m-%d} 改为 {changes[n][1]:%Y-%m-%d}"
        for n in names
        if n in changes and changes[n][0] and changes[n][1]
    )


MESSAGE_COLUMNS = ("user_id", "case_id", "event", "title", "text")


def _applicant_messages(
    row: dict[str, Any], changes: dict[str, tuple[Any, Any]]
) -> list[tuple[Any, ...]]:
    """
    The applicant's (and agent's) message when a date they were told moved.

    Rows of ``MESSAGE_COLUMNS`` for ``rows_insert``, not model instances.
    """
    told = [n for n in TOLD.get(row["status"], ()) if n in changes]
    if not told:
        return []
    text = _changes_text(changes, told)
    number = row["number"]
    title = f"办件 {number} 的期限已依法校正"
    body = f"国务院放假安排公布后，您的办件 {number} {text}。"
    return [
        (user_id, row["id"], EVENT, title, body)
        for user_id in {row["applicant_id"], row["agent_id"]} - {None}
    ]


@dataclass
class _Digest:
    """What one handler is told at the end of a recompute (case numbers, earlier first)."""

    moved: int = 0
    earlier: int = 0
    earlier_numbers: list[str] = field(default_factory=list)
    other_numbers: list[str] = field(default_factory=list)

    def add(self, number: str, *, earlier: bool) -> None:
        self.moved += 1
        if earlier:
            self.earlier += 1
        numbers = self.earlier_numbers if earlier else self.other_numbers
        if len(numbers) < DIGEST_NUMBERS:
            numbers.append(number)


def _digest_messages(digests: dict[int, _Digest], notice: str) -> list[tuple[Any, ...]]:
    """
    One in-app digest per handler: how many of their cases moved, which first.

    「【紧急】」 and 「其中 M 个提前，请优先办理」 when any moved earlier; the
    case numbers listed are the first 20 (those moved earlier first), then 「等」.

    中文：期限校正汇总消息（每位承办人一条）
    """
    out = []
    for user_id, d in digests.items():
        head = f"{d.moved} 个办件期限已依法校正"
        if d.earlier:
            head += f"（其中 {d.earlier} 个提前，请优先办理）"
        numbers = (d.earlier_numbers + d.other_numbers)[:DIGEST_NUMBERS]
        listed = "、".join(numbers) + ("等" if d.moved > len(numbers) else "")
        basis = f"依据{notice}，" if notice else ""
        title = (("【紧急】" if d.earlier else "") + head)[:200]
        out.append((user_id, None, EVENT, title, f"{basis}{head}：{listed}。"))
    return out


def cases_recompute(
    *,
    before: WorkCalendar,
    after: WorkCalendar,
    first_changed: date,
    actor: Any = None,
    notice: str = "",
    today: date | None = None,
    **_: Any,
) -> list[RecomputeCount]:
    """
    Recompute the clocks of every open case touched by a calendar change.

    中文：校正办件期限
    """
    today = today or timezone.localdate()
    count = RecomputeCount(label="办件")
    steps_count = RecomputeCount(label="办理环节")
    condition = _candidates(first_changed)
    digests: dict[int, _Digest] = defaultdict(_Digest)
    reason = f"依据{notice}校正期限"
    last_id = 0
    while True:
        with transaction.atomic():
            query = Case.objects.filter(condition, id__gt=last_id).order_by("id")
            if connection.vendor == "postgresql":
                query = query.select_for_update()
            rows = list(query.values(*COLUMNS)[:BATCH])
            if not rows:
                break
            last_id = rows[-1]["id"]
            ids = [r["id"] for r in rows]
            suspensions: dict[int, list] = defaultdict(list)
            for case_id, started, ended in CaseSuspension.objects.filter(
                case_id__gte=ids[0], case_id__lte=ids[-1]
            ).values_list("case_id", "started_on", "ended_on"):
                suspensions[case_id].append((started, ended))  # others unused
            updates, audits, messages = [], [], []
            for row in rows:
                new = case_dates_recompute(
                    row, suspensions[row["id"]], before=before, after=after, today=today
                )
                if all(new[n] == row[n] for n in WRITTEN):
                    continue
                updates.append((row["id"], *(new[n] for n in WRITTEN)))
                changes = {n: (row[n], new[n]) for n in DATE_FIELDS if new[n] != row[n]}
                if not changes:
                    continue
                count.moved += 1
                earlier = any(b < a for a, b in changes.values() if a and b)
                if earlier:
                    count.earlier += 1
                else:
                    count.later += 1
                if row["current_assignee_id"]:
                    digests[row["current_assignee_id"]].add(
                        row["number"], earlier=earlier
                    )
                audits.append(
                    {
                        "pk": row["id"],
                        "from_state": row["status"],
                        "to_state": row["status"],
                        "reason": reason,
                        "details": {
                            "notice": notice,
                            "changes": {
                                n: [str(a) if a else None, str(b) if b else None]
                                for n, (a, b) in changes.items()
                            },
                            "provisional": new["due_date_provisional"],
                        },
                    }
                )
                messages.extend(_applicant_messages(row, changes))
            count.checked += len(rows)
            _rows_update(Case, WRITTEN, updates)
            audit_record_many(audits, actor=actor, action=EVENT, model=Case)
            rows_insert(Notification, MESSAGE_COLUMNS, messages)
            count.notified += len(messages)
            for due, old in _steps_recompute(ids, before, after, today):
                steps_count.checked += 1
                steps_count.moved += 1
                if due < old:
                    steps_count.earlier += 1
                else:
                    steps_count.later += 1
    if digests:
        count.notified += rows_insert(
            Notification, MESSAGE_COLUMNS, _digest_messages(digests, notice)
        )
    return [count, steps_count]


def on_calendar_changed(sender: Any, **kwargs: Any) -> list[RecomputeCount]:
    """Signal receiver: ``workdays.recompute.calendar_changed``."""
    return cases_recompute(**kwargs)


__all__ = ["case_dates_recompute", "cases_recompute", "on_calendar_changed"]
