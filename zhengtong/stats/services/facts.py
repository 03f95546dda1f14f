"""
Fact sources (事实来源): how one kind of object becomes a fact row and how a
fact contributes to the daily rollup.

A ``FactSource`` names the audit object types whose events touch it, maps
those events to its object ids, recomputes the facts of a batch of ids
from the objects' own rows (so re-reading an event changes nothing), and
splits a fact into its rollup contributions (day × dimensions → measure
increments).  ``rollup.py`` runs every source the same way; a new source
(ratings, complaints, orders, cards, fees) is one more ``FactSource``.

中文：统计事实来源
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models import Min
from django.db.models.functions import TruncDate
from django.utils import timezone

from zhengtong.cases.clock import calendar
from zhengtong.cases.constants import Action, Channel, DocumentKind, Status
from zhengtong.cases.models import (
    Case,
    CaseDocument,
    CaseSuspension,
    SupplementRequest,
)
from zhengtong.catalog.constants import HandlingMode
from zhengtong.core.models import AuditEvent
from zhengtong.queueing.models import Ticket
from zhengtong.workdays.calc import CalendarYearMissing

from .. import figures
from ..models_facts import CaseDaily, CaseFact

Key = tuple[Any, ...]
Contribution = list[tuple[Key, dict[str, int]]]

CASE_TYPE = "cases.case"
TICKET_TYPE = "queueing.ticket"
ONLINE_CHANNELS = (Channel.ONLINE, Channel.MOBILE)


@dataclass(frozen=True)
class FactSource:
    """
    One source of facts and its rollup.

    ``fact_fields``: the fact columns besides the primary key;
    ``key_fields``: the rollup's unique key (``grain`` first, then the
    contribution key: ``day`` and the dimensions); ``measures``: its summed
    columns.  ``ids_for_events`` maps ``(object_type, object_id)`` pairs to
    the ids whose facts may have changed; ``compute(ids, prefetched)``
    returns the new fact of each id that has one (``prefetched``: what
    ``prefetch`` read once for a whole rebuild, else None: ``compute``
    reads it for its batch — the same rows either way); ``contributions`` splits a fact;
    ``ids_touching`` lists (by keyset batches) the ids a rebuild from a day
    must visit.

    中文：事实来源
    """

    name: str
    object_types: tuple[str, ...]
    fact_model: type[models.Model]
    rollup_model: type[models.Model]
    key_fields: tuple[str, ...]
    measures: tuple[str, ...]
    ids_for_events: Callable[[Iterable[tuple[str, str]]], set[int]]
    compute: Callable[[list[int], Any], dict[int, dict[str, Any]]]
    contributions: Callable[[dict[str, Any]], Contribution]
    ids_query: Callable[[date | None], "models.QuerySet[Any]"]
    prefetch: Callable[[], Any] | None = None

    @property
    def pk_name(self) -> str:
        return str(self.fact_model._meta.pk.name)

    @property
    def fact_fields(self) -> list[str]:
        return [
            f.attname
            for f in self.fact_model._meta.concrete_fields
            if not f.primary_key
        ]


def _digit_ids(pairs: Iterable[tuple[str, str]], object_type: str) -> set[int]:
    return {int(oid) for otype, oid in pairs if otype == object_type and oid.isdigit()}


# ---------------------------------------------------------------- cases


def _case_ids_for_events(pairs: Iterable[tuple[str, str]]) -> set[int]:
    """Cases named by events, and the cases of tickets named (a ticket links a case's counter)."""
    pairs = list(pairs)
    ids = _digit_ids(pairs, CASE_TYPE)
    tickets = _digit_ids(pairs, TICKET_TYPE)
    if tickets:
        ids.update(
            pk
            for pk in Ticket.objects.filter(
                pk__in=tickets, case_id__isnull=False
            ).values_list("case_id", flat=True)
            if pk is not None
        )
    return ids


CASE_COLUMNS = (
    "id",
    "department_id",
    "item_id",
    "channel",
    "region_code",
    "status",
    "handling_mode",
    "received_date",
    "accepted_date",
    "due_date",
    "promised_days",
    "statutory_days",
    "promised_unit",
    "statutory_unit",
    "suspended_days",
    "extension_days",
)


def case_actors(ids: list[int] | None = None) -> dict[int, int]:
    """
    Per case: 受理人 — the actor of its first acceptance event, else of its
    first refusal (0 when neither names one).

    ``ids=None`` reads every case's in one scan of the events (a full
    rebuild: one pass instead of a ``stream IN (…)`` lookup per batch).

    中文：受理人
    """
    events = AuditEvent.objects.filter(action__in=[Action.ACCEPT, Action.REFUSE])
    if ids is None:
        events = events.filter(stream__startswith=f"{CASE_TYPE}:")
    else:
        events = events.filter(stream__in=[f"{CASE_TYPE}:{pk}" for pk in ids])
    rows = events.order_by("pk").values_list("stream", "action", "actor_id")
    accept: dict[int, int] = {}
    refuse: dict[int, int] = {}
    accepted = str(Action.ACCEPT)
    cut = len(CASE_TYPE) + 1  # every stream read starts with "cases.case:"
    for stream, action, actor_id in rows.iterator(chunk_size=20000):
        tail = stream[cut:]
        if tail.isdigit():
            seen = accept if action == accepted else refuse
            seen.setdefault(int(tail), actor_id or 0)
    return refuse | {pk: actor for pk, actor in accept.items() if actor}


def case_fact_compute(
    case: dict[str, Any],
    *,
    supplemented: bool,
    suspended: bool,
    counter_id: int,
    staff_id: int,
    refused_on: date | None,
    cal: Any,
) -> dict[str, Any]:
    """
    The fact of one case from its row (a dict of ``CASE_COLUMNS`` plus the
    local dates ``decided_on`` and ``concluded_on`` of its timestamps).

    按时 / 提前 / 超期 compare the decision date (办结日 is the date on the
    decision document) with the promised due date (承诺办结日, already
    moved by suspensions and extensions); a case without a due date is on
    time and not early.  办理时长 counts the working days after the
    acceptance day up to the decision date, less the suspended working days.

    中文：计算办件事实
    """
    concluded = case["status"] == Status.CONCLUDED
    concluded_on = case["concluded_on"] if concluded else None
    end_on = case["decided_on"] or concluded_on
    due = case["due_date"]
    early = bool(concluded and due and end_on and end_on < due)
    overdue = bool(concluded and due and end_on and end_on > due)
    working_days = None
    if concluded and case["accepted_date"] and end_on:
        try:
            between = cal.working_days_between(case["accepted_date"], end_on)
        except CalendarYearMissing:
            between = None
        if between is not None:
            working_days = max(0, between - (case["suspended_days"] or 0))
    compression = None
    if concluded and case["promised_unit"] == case["statutory_unit"]:
        compression = figures.compression_bp(
            case["promised_days"], case["statutory_days"]
        )
    return {
        "department_id": case["department_id"] or 0,
        "counter_id": counter_id,
        "staff_id": staff_id,
        "item_id": case["item_id"] or 0,
        "channel": case["channel"] or "",
        "region_code": case["region_code"] or "",
        "received_on": case["received_date"],
        "accepted_on": case["accepted_date"],
        "refused_on": refused_on
        if case["status"] == Status.REJECTED_AT_INTAKE
        else None,
        "concluded_on": concluded_on,
        "supplemented": supplemented,
        "suspended": suspended,
        "extended": bool(case["extension_days"]),
        "instant": case["handling_mode"] == HandlingMode.IMMEDIATE,
        "online": case["channel"] in ONLINE_CHANNELS,
        "on_time": concluded and not overdue,
        "early": early,
        "overdue": overdue,
        "working_days": working_days,
        "compression_bp": compression,
    }


def _id_filter(ids: list[int], name: str) -> dict[str, Any]:
    """
    ``name__in`` the ids, or — for a dense batch (a rebuild's keyset pages) —
    a ``name`` between the bounds, which costs one bound pair instead of thousands of
    parameters; callers keep only the rows of ``ids``.
    """
    lo, hi = min(ids), max(ids)
    if hi - lo < 2 * len(ids):
        return {f"{name}__gte": lo, f"{name}__lte": hi}
    return {f"{name}__in": ids}


def _case_compute(
    ids: list[int], actors: dict[int, int] | None = None
) -> dict[int, dict[str, Any]]:
    wanted = set(ids)
    cases = [
        c
        for c in Case.objects.filter(**_id_filter(ids, "pk"))
        .values(*CASE_COLUMNS)
        .annotate(
            decided_on=TruncDate("decided_at"), concluded_on=TruncDate("concluded_at")
        )
        if c["id"] in wanted
    ]
    by_case = _id_filter(ids, "case_id")
    supplemented = set(
        SupplementRequest.objects.filter(**by_case).values_list("case_id", flat=True)
    )
    suspended = set(
        CaseSuspension.objects.filter(**by_case).values_list("case_id", flat=True)
    )
    counters = {
        row["case_id"]: row["first"]
        for row in Ticket.objects.filter(**by_case, counter_id__isnull=False)
        .values("case_id")
        .annotate(first=Min("counter_id"))
    }
    refusals = dict(
        CaseDocument.objects.filter(**by_case, kind=DocumentKind.REFUSAL)
        .order_by("pk")
        .values_list("case_id", "issued_on")
    )
    if actors is None:
        actors = case_actors([c["id"] for c in cases])
    cal = calendar()
    out = {}
    for case in cases:
        out[case["id"]] = case_fact_compute(
            case,
            supplemented=case["id"] in supplemented,
            suspended=case["id"] in suspended,
            counter_id=counters.get(case["id"]) or 0,
            staff_id=actors.get(case["id"], 0),
            refused_on=refusals.get(case["id"]),
            cal=cal,
        )
    return out


def case_contributions(fact: dict[str, Any]) -> Contribution:
    """
    What one case fact adds to the rollup: receipt measures on the receipt
    day, acceptance on the acceptance day, refusal on the refusal day, the
    rest on the conclusion day (figures.py).

    中文：办件贡献
    """
    dims = (
        fact["department_id"],
        fact["counter_id"],
        fact["staff_id"],
        fact["item_id"],
        fact["channel"],
    )
    out: Contribution = []
    if fact["received_on"]:
        out.append(
            (
                (fact["received_on"], *dims),
                {
                    "received": 1,
                    "supplemented": int(fact["supplemented"]),
                    "online": int(fact["online"]),
                },
            )
        )
    if fact["accepted_on"]:
        out.append(((fact["accepted_on"], *dims), {"accepted": 1}))
    if fact["refused_on"]:
        out.append(((fact["refused_on"], *dims), {"refused": 1}))
    if fact["concluded_on"]:
        wd = fact["working_days"]
        cbp = fact["compression_bp"]
        out.append(
            (
                (fact["concluded_on"], *dims),
                {
                    "concluded": 1,
                    "on_time": int(fact["on_time"]),
                    "early": int(fact["early"]),
                    "overdue": int(fact["overdue"]),
                    "suspended": int(fact["suspended"]),
                    "extended": int(fact["extended"]),
                    "instant": int(fact["instant"]),
                    "one_visit": int(not fact["supplemented"]),
                    "working_days_sum": wd or 0,
                    "working_days_n": int(wd is not None),
                    "compression_sum_bp": cbp or 0,
                    "compression_n": int(cbp is not None),
                },
            )
        )
    return out


def _case_ids_query(day: date | None) -> "models.QuerySet[Any]":
    qs = Case.objects.exclude(received_date__isnull=True)
    if day is not None:
        start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        qs = qs.filter(updated_at__gte=start)
    return qs.values_list("pk", flat=True)


CASES = FactSource(
    name="cases",
    object_types=(CASE_TYPE, TICKET_TYPE),
    fact_model=CaseFact,
    rollup_model=CaseDaily,
    key_fields=(
        "grain",
        "day",
        "department_id",
        "counter_id",
        "staff_id",
        "item_id",
        "channel",
    ),
    measures=figures.CASE_MEASURES,
    ids_for_events=_case_ids_for_events,
    compute=_case_compute,
    contributions=case_contributions,
    ids_query=_case_ids_query,
    prefetch=case_actors,
)


def sources() -> list[FactSource]:
    """Every fact source: cases (here) and tickets (``facts_tickets``)."""
    from .facts_tickets import TICKETS

    return [CASES, TICKETS]
