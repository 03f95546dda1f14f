"""
The clock registry: every clock of the system copied into one indexed shape.

Sources (one function each, below) read their own tables and yield rows of
the registry's shape; ``clocks_sync`` writes them with one upsert.  What
changed is found in the audit log — every state change writes an audit
event (house rule), so the events after the cursor name exactly the cases
and orders whose clocks may have moved; a full resync (calendar loaded,
policy changed, ``supervision_sweep --resync``) walks every open object.

The registry never sets a lamp on an existing row: the sweep
(``sweep.py``) moves lamps, so every change is seen, recorded and
notified there, once.

中文：监察时钟同步
"""

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from math import ceil
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from zhengtong.cases.clock import add_days, calendar, warning_days
from zhengtong.cases.constants import Status, StepStatus
from zhengtong.cases.models import Case, CaseBranch, CaseStep, SupplementRequest
from zhengtong.core.models import AuditEvent
from zhengtong.queueing.models import Ticket
from zhengtong.workdays.calc import CalendarYearMissing, WorkCalendar

from ..constants import ClockKind, ClockState, Lamp, OrderState
from ..models import Clock, SupervisionOrder, SupervisionPolicy, SweepCursor
from ..selectors import REGISTRY
from .branch_clocks import BRANCH_TYPE, branch_clock_rows

CURSOR = "clocks"
# Events are read again from this many ids before the cursor: a transaction
# that took a lower id may commit after a higher one was read (sync is
# idempotent, so reading twice costs only time).
OVERLAP_EVENTS = 1000
BATCH = 2000
CASE_TYPE = "cases.case"
ORDER_TYPE = "supervision.supervisionorder"
RUNNING_CASE = (Status.ACCEPTED, Status.UNDER_REVIEW)
UPDATE_FIELDS = [
    "number",
    "title",
    "case_id",
    "region_code",
    "department",
    "counter",
    "owner",
    "started_on",
    "due_date",
    "warn_on",
    "state",
    "provisional",
    "closed_on",
    "closed_late",
    "updated_at",
]


@dataclass
class Policies:
    """The policies by region code, with the default (region code "")."""

    by_region: dict[str, SupervisionPolicy]

    @classmethod
    def load(cls) -> "Policies":
        rows = {p.region_code: p for p in SupervisionPolicy.objects.all()}
        if "" not in rows:
            rows[""] = SupervisionPolicy(region_code="")
        return cls(rows)

    def for_region(self, code: str) -> SupervisionPolicy:
        return self.by_region.get(code or "") or self.by_region[""]


def _local_date(value: datetime | None) -> date | None:
    return timezone.localdate(value) if value else None


def working_day_on_or_before(cal: WorkCalendar, d: date) -> date:
    """Return ``d`` when it is a working day, else the last one before it."""
    while not cal.is_working_day(d):
        d -= timedelta(days=1)
    return d


def warn_on_for(
    cal: WorkCalendar, policy: SupervisionPolicy, started_on: date | None, due: date
) -> date:
    """
    Return the first day a clock due on ``due`` shows yellow.

    Yellow when at most ``yellow_days_left`` working days are left
    (``working_days_between(day, due) <= n``, the cases' own lamp rule), or
    — when the policy sets a share — once that share of the clock's working
    days is used, whichever comes first.

    中文：预警日
    """
    n = policy.yellow_days_left
    if n is None:  # the cases' own lamp rule (one threshold out of the box)
        n = warning_days()
    day, counted = due, 0
    while counted < n:
        if cal.is_working_day(day):
            counted += 1
        day -= timedelta(days=1)
    warn = working_day_on_or_before(cal, day)
    share = policy.yellow_share_used
    if share and started_on and started_on < due:
        total = cal.working_days_between(started_on, due)
        used = ceil(float(share) * total)
        if 0 < used < total:
            warn = min(warn, add_days(cal, started_on, used))
    return min(warn, due)


class ClockRows:
    """Collects registry rows, computing each one's yellow day."""

    def __init__(self, policies: Policies) -> None:
        self.cal = calendar()
        self.policies = policies
        self.rows: list[Clock] = []

    def add(
        self,
        *,
        kind: str,
        object_id: int,
        due: date | None,
        state: str,
        region_code: str = "",
        started_on: date | None = None,
        closed_on: date | None = None,
        **fields: Any,
    ) -> None:
        if due is None:
            return
        policy = self.policies.for_region(region_code)
        try:
            warn = warn_on_for(self.cal, policy, started_on, due)
            provisional = self.cal.is_provisional(due)
        except CalendarYearMissing:
            warn, provisional = due, True
        self.rows.append(
            Clock(
                kind=kind,
                object_id=object_id,
                due_date=due,
                warn_on=warn,
                state=state,
                lamp=Lamp.GREEN,
                region_code=region_code or "",
                started_on=started_on,
                closed_on=closed_on if state == ClockState.CLOSED else None,
                closed_late=bool(
                    state == ClockState.CLOSED and closed_on and closed_on > due
                ),
                provisional=provisional,
                **fields,
            )
        )


CASE_FIELDS = (
    "id",
    "number",
    "item__name",
    "region_code",
    "department_id",
    "current_assignee_id",
    "status",
    "received_date",
    "intake_due_date",
    "accepted_date",
    "deemed_accepted",
    "due_date",
    "statutory_due_date",
    "certificate_due_date",
    "certificate_issued_at",
    "decided_at",
    "concluded_at",
    "updated_at",
    "is_joint",
)


def _case_rows(out: ClockRows, case: dict) -> None:
    status = case["status"]
    common = {
        "number": case["number"],
        "title": (case["item__name"] or "")[:200],
        "case_id": case["id"],
        "region_code": case["region_code"],
        "department_id": case["department_id"],
        "owner_id": case["current_assignee_id"],
        "counter_id": case["counter_id"],
    }
    updated = _local_date(case["updated_at"])
    # 受理决定 (Art. 32): five working days from receipt; paused during 补正
    if case["intake_due_date"] and case["received_date"]:
        if status == Status.SUBMITTED:
            state, closed = ClockState.RUNNING, None
        elif status == Status.SUPPLEMENT_REQUESTED:
            state, closed = ClockState.SUSPENDED, None
        else:
            state = ClockState.CLOSED
            closed = case["accepted_date"] or _local_date(case["decided_at"]) or updated
            if case["deemed_accepted"]:
                closed = case["intake_due_date"] + timedelta(days=1)
        out.add(
            kind=ClockKind.INTAKE,
            object_id=case["id"],
            due=case["intake_due_date"],
            state=state,
            started_on=case["received_date"],
            closed_on=closed,
            **common,
        )
    # 承诺 and 法定 (Art. 42), stopped by Art. 45 procedures
    if case["accepted_date"]:
        if status in RUNNING_CASE:
            state, closed = ClockState.RUNNING, None
        elif status == Status.SUSPENDED:
            state, closed = ClockState.SUSPENDED, None
        else:
            state = ClockState.CLOSED
            closed = (
                _local_date(case["decided_at"])
                or _local_date(case["concluded_at"])
                or updated
            )
        for kind, due in (
            (ClockKind.CASE, case["due_date"]),
            (ClockKind.CASE_STATUTORY, case["statutory_due_date"]),
        ):
            out.add(
                kind=kind,
                object_id=case["id"],
                due=due,
                state=state,
                started_on=case["accepted_date"],
                closed_on=closed,
                **common,
            )
    # 发证 (Art. 44): ten working days from the decision to grant
    if case["certificate_due_date"]:
        issued = _local_date(case["certificate_issued_at"])
        running = status == Status.DECIDED_APPROVED and issued is None
        out.add(
            kind=ClockKind.CERTIFICATE,
            object_id=case["id"],
            due=case["certificate_due_date"],
            state=ClockState.RUNNING if running else ClockState.CLOSED,
            started_on=_local_date(case["decided_at"]),
            closed_on=issued or updated,
            **common,
        )


def _step_rows(out: ClockRows, step: Mapping[str, Any], case: dict) -> None:
    if step["due_date"] is None:
        return
    if step["status"] == StepStatus.ACTIVE:
        suspended = case["status"] == Status.SUSPENDED
        state = ClockState.SUSPENDED if suspended else ClockState.RUNNING
    elif step["status"] == StepStatus.PENDING:
        return
    else:
        state = ClockState.CLOSED
    out.add(
        kind=ClockKind.STEP,
        object_id=step["id"],
        due=step["due_date"],
        state=state,
        started_on=step["started_on"],
        closed_on=_local_date(step["completed_at"]) or _local_date(case["updated_at"]),
        number=case["number"],
        title=f"{step['name']}：{case['item__name'] or ''}"[:200],
        case_id=case["id"],
        region_code=case["region_code"],
        department_id=step["department_id"],
        owner_id=step["assignee_id"],
        counter_id=case["counter_id"],
    )


def _supplement_rows(out: ClockRows, request: Mapping[str, Any], case: dict) -> None:
    days = out.policies.for_region(case["region_code"]).supplement_answer_days
    if not days:
        return
    started = _local_date(request["requested_at"])
    if started is None:
        return
    answered = _local_date(request["answered_at"])
    waiting = answered is None and case["status"] == Status.SUPPLEMENT_REQUESTED
    try:
        due = add_days(out.cal, started, days)
    except CalendarYearMissing:
        return
    out.add(
        kind=ClockKind.SUPPLEMENT,
        object_id=request["id"],
        due=due,
        state=ClockState.RUNNING if waiting else ClockState.CLOSED,
        started_on=started,
        closed_on=answered or _local_date(case["updated_at"]),
        number=case["number"],
        title=f"补正：{case['item__name'] or ''}"[:200],
        case_id=case["id"],
        region_code=case["region_code"],
        department_id=case["department_id"],
        owner_id=request["requested_by_id"],
        counter_id=case["counter_id"],
    )


def _cases_rows(out: ClockRows, case_ids: list[int]) -> None:
    cases = {
        c["id"]: c for c in Case.objects.filter(pk__in=case_ids).values(*CASE_FIELDS)
    }
    # the counter a case was received at: the ticket that brought the applicant
    counters = dict(
        Ticket.objects.filter(case_id__in=case_ids, counter__isnull=False)
        .order_by("case_id", "id")
        .values_list("case_id", "counter_id")
    )
    for case in cases.values():
        case["counter_id"] = counters.get(case["id"])
        _case_rows(out, case)
    steps = CaseStep.objects.filter(case_id__in=case_ids, due_date__isnull=False)
    for step in steps.values(
        "id",
        "case_id",
        "name",
        "status",
        "department_id",
        "assignee_id",
        "started_on",
        "due_date",
        "completed_at",
    ):
        _step_rows(out, step, cases[step["case_id"]])
    requests = SupplementRequest.objects.filter(case_id__in=case_ids)
    for request in requests.values(
        "id", "case_id", "requested_at", "answered_at", "requested_by_id"
    ):
        _supplement_rows(out, request, cases[request["case_id"]])
    branch_clock_rows(out, cases)  # 联办件: each branch's own clock


OPEN_ORDER = (OrderState.OPEN, OrderState.RETURNED)


def _orders_rows(out: ClockRows, order_ids: list[int]) -> None:
    for order in SupervisionOrder.objects.filter(
        pk__in=order_ids, due_date__isnull=False
    ).values(
        "id",
        "number",
        "reason",
        "state",
        "case_id",
        "department_id",
        "person_id",
        "issued_on",
        "due_date",
        "closed_at",
        "updated_at",
    ):
        running = order["state"] in OPEN_ORDER
        out.add(
            kind=ClockKind.ORDER,
            object_id=order["id"],
            due=order["due_date"],
            state=ClockState.RUNNING if running else ClockState.CLOSED,
            started_on=order["issued_on"],
            closed_on=_local_date(order["closed_at"])
            or _local_date(order["updated_at"]),
            number=order["number"],
            title=f"督办：{order['reason']}"[:200],
            case_id=order["case_id"],
            department_id=order["department_id"],
            owner_id=order["person_id"],
        )


def _write(rows: list[Clock]) -> int:
    if rows:
        Clock.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["kind", "object_id"],
            update_fields=UPDATE_FIELDS,
            batch_size=1000,
        )
    return len(rows)


@dataclass(frozen=True)
class ClockSource:
    """
    Where the registry finds one kind of object's clocks.

    ``object_type`` is the audit object type whose events name the objects
    (``"cases.case"``); ``rows(out, ids)`` adds the registry rows of those
    objects to ``out`` (``ClockRows.add``) and closes what is gone;
    ``open_ids()`` yields batches of the ids that may hold an open clock
    (the full resync).  Apps above supervision register theirs with
    ``clock_source_register`` (in their ``AppConfig.ready``).

    中文：时钟来源
    """

    object_type: str
    rows: Callable[["ClockRows", list[int]], None]
    open_ids: Callable[[], Iterator[list[int]]]


SOURCES: dict[str, ClockSource] = {}


def clock_source_register(source: ClockSource) -> None:
    """Register (or replace) the clock source of an object type."""
    SOURCES[source.object_type] = source


def clocks_sync(
    *,
    objects: Mapping[str, Iterable[int]],
    policies: Policies | None = None,
) -> int:
    """
    Copy the clocks of these objects (``{object type: ids}``) into the registry.

    Returns the number of registry rows written.

    中文：同步监察时钟
    """
    policies = policies or Policies.load()
    written = 0
    for object_type, raw_ids in objects.items():
        source = SOURCES.get(object_type)
        if source is None:
            continue
        ids = sorted(set(raw_ids))
        for start in range(0, len(ids), BATCH):
            out = ClockRows(policies)
            with transaction.atomic():
                source.rows(out, ids[start : start + BATCH])
                written += _write(out.rows)
    return written


OPEN_STATES = (ClockState.RUNNING, ClockState.SUSPENDED)


def _changed_since(cursor: SweepCursor) -> tuple[dict[str, set[int]], int]:
    """Return the objects named by the events after the cursor, by type."""
    start = max(0, cursor.last_event_id - OVERLAP_EVENTS)
    events = AuditEvent.objects.filter(
        pk__gt=start, object_type__in=list(SOURCES)
    ).values_list("pk", "object_type", "object_id")
    changed: dict[str, set[int]] = {}
    last = cursor.last_event_id
    for pk, object_type, object_id in events.iterator(chunk_size=5000):
        last = max(last, pk)
        if object_id.isdigit():
            changed.setdefault(object_type, set()).add(int(object_id))
    newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return changed, max(last, newest or 0)


def clocks_sync_changed() -> int:
    """
    Sync the clocks of the objects changed since the last call.

    中文：增量同步
    """
    cursor, _created = SweepCursor.objects.get_or_create(name=CURSOR)
    changed, last = _changed_since(cursor)
    written = clocks_sync(objects=changed)
    SweepCursor.objects.filter(pk=cursor.pk).update(last_event_id=last)
    return written


def _batches(qs: QuerySet) -> Iterator[list[int]]:
    """Yield the primary keys of ``qs`` in batches, by keyset."""
    last = 0
    qs = qs.order_by("pk")
    while True:
        ids = list(qs.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        yield ids
        last = ids[-1]


FINISHED_CASE = (
    Status.CONCLUDED,
    Status.REJECTED_AT_INTAKE,
    Status.NOT_REQUIRED,
    Status.REFERRED,
    Status.WITHDRAWN,
    Status.TERMINATED,
    Status.DRAFT,
)


def _open_case_ids() -> Iterator[list[int]]:
    """Cases that may have an open clock, and those the registry still has open."""
    yield from _batches(Case.objects.exclude(status__in=FINISHED_CASE))
    stale = (
        Clock.objects.filter(state__in=OPEN_STATES, case_id__isnull=False)
        .exclude(kind=ClockKind.ORDER)
        .values_list("case_id", flat=True)
        .distinct()
    )
    ids = sorted(c for c in stale if c is not None)
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _open_order_ids() -> Iterator[list[int]]:
    yield from _batches(SupervisionOrder.objects.exclude(state=OrderState.DRAFT))


def _cases_source_rows(out: "ClockRows", ids: list[int]) -> None:
    _cases_rows(out, ids)
    missing = set(ids) - set(
        Case.objects.filter(pk__in=ids).values_list("pk", flat=True)
    )
    if missing:  # deleted cases: their clocks end
        Clock.objects.filter(case_id__in=missing, state__in=OPEN_STATES).exclude(
            kind=ClockKind.ORDER
        ).update(state=ClockState.CLOSED, closed_on=timezone.localdate())


clock_source_register(ClockSource(CASE_TYPE, _cases_source_rows, _open_case_ids))
clock_source_register(ClockSource(ORDER_TYPE, _orders_rows, _open_order_ids))


def _branches_source_rows(out: "ClockRows", ids: list[int]) -> None:
    """A branch event (suspension, decision, stop): its case's clocks again."""
    cases = CaseBranch.objects.filter(pk__in=ids).values_list("case_id", flat=True)
    _cases_rows(out, sorted(set(cases)))


# Open branches are found through their cases (the full resync walks every
# open case and every case with an open registry clock).
clock_source_register(ClockSource(BRANCH_TYPE, _branches_source_rows, lambda: iter(())))


def clocks_resync_all() -> int:
    """
    Rebuild the registry rows of every object of every source (full pass).

    Registry clocks still open whose source is no longer open are synced
    too, so they close.

    中文：全量同步
    """
    policies = Policies.load()
    newest = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    written = 0
    for object_type, source in SOURCES.items():
        for ids in source.open_ids():
            written += clocks_sync(objects={object_type: ids}, policies=policies)
    cursor, _created = SweepCursor.objects.get_or_create(name=CURSOR)
    SweepCursor.objects.filter(pk=cursor.pk).update(last_event_id=newest or 0)
    return written


def registry_token_renew() -> None:
    """Renew the registry's version token (after the sweep wrote clocks)."""
    token = uuid.uuid4().hex
    updated = SweepCursor.objects.filter(name=REGISTRY).update(token=token)
    if not updated:
        SweepCursor.objects.get_or_create(name=REGISTRY, defaults={"token": token})
