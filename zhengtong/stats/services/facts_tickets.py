"""
The ticket fact source (排队号事实): one fact per queue ticket, its
contributions on its service day, arrival hour and whole-minute wait
bucket.  The shared shape is ``facts.FactSource``.

中文：排队号事实来源
"""

from datetime import date
from typing import Any

from django.db import models
from django.utils import timezone

from zhengtong.catalog.models import ServiceItem
from zhengtong.queueing.models import Category, Ticket

from .. import figures
from ..models_facts import TicketDaily, TicketFact
from .facts import TICKET_TYPE, Contribution, FactSource, _digit_ids

TICKET_COLUMNS = (
    "id",
    "service_date",
    "arrival_at",
    "called_at",
    "served_at",
    "finished_at",
    "status",
    "channel",
    "counter_id",
    "staff_id",
    "service_item_id",
    "category_id",
)


def ticket_fact_compute(
    ticket: dict[str, Any], *, department_id: int
) -> dict[str, Any]:
    """
    The fact of one ticket: 等候 = first call − arrival, 办理 = finish −
    start of service (finished tickets), 过号 = status no-show.

    中文：计算排队号事实
    """
    wait = service = None
    if ticket["called_at"] and ticket["arrival_at"]:
        wait = max(0, int((ticket["called_at"] - ticket["arrival_at"]).total_seconds()))
    finished = ticket["status"] == Ticket.Status.FINISHED
    if finished and ticket["served_at"] and ticket["finished_at"]:
        service = max(
            0, int((ticket["finished_at"] - ticket["served_at"]).total_seconds())
        )
    return {
        "department_id": department_id,
        "counter_id": ticket["counter_id"] or 0,
        "staff_id": ticket["staff_id"] or 0,
        "item_id": ticket["service_item_id"] or 0,
        "channel": ticket["channel"] or "",
        "day": ticket["service_date"],
        "hour": timezone.localtime(ticket["arrival_at"]).hour,
        "served": finished,
        "no_show": ticket["status"] == Ticket.Status.NO_SHOW,
        "wait_seconds": wait,
        "service_seconds": service,
    }


def _ticket_departments(tickets: list[dict[str, Any]]) -> dict[int, int]:
    """Department of a ticket: its item's, else its category's first department."""
    items = {t["service_item_id"] for t in tickets if t["service_item_id"]}
    by_item = dict(
        ServiceItem.objects.filter(pk__in=items).values_list("pk", "department_id")
    )
    cats = {t["category_id"] for t in tickets if not t["service_item_id"]}
    through = Category.departments.through.objects.filter(category_id__in=cats)
    by_cat: dict[int, int] = {}
    for cat, dept in through.values_list("category_id", "department_id"):
        by_cat[cat] = min(dept, by_cat.get(cat, dept))
    return {
        t["id"]: (
            by_item.get(t["service_item_id"])
            if t["service_item_id"]
            else by_cat.get(t["category_id"])
        )
        or 0
        for t in tickets
    }


def _ticket_compute(
    ids: list[int], _prefetched: None = None
) -> dict[int, dict[str, Any]]:
    tickets = list(Ticket.objects.filter(pk__in=ids).values(*TICKET_COLUMNS))
    depts = _ticket_departments(tickets)
    return {
        t["id"]: ticket_fact_compute(t, department_id=depts[t["id"]]) for t in tickets
    }


def ticket_contributions(fact: dict[str, Any]) -> Contribution:
    """
    What one ticket fact adds to the rollup: everything on its service day
    and arrival hour, in the row of its whole-minute wait bucket.

    中文：排队号贡献
    """
    wait = fact["wait_seconds"]
    service = fact["service_seconds"]
    key = (
        fact["day"],
        fact["department_id"],
        fact["counter_id"],
        fact["staff_id"],
        fact["item_id"],
        fact["channel"],
        fact["hour"],
        figures.wait_minute_bucket(wait) if wait is not None else 0,
    )
    return [
        (
            key,
            {
                "issued": 1,
                "served": int(fact["served"]),
                "no_show": int(fact["no_show"]),
                "wait_n": int(wait is not None),
                "wait_sum_s": wait or 0,
                "service_n": int(service is not None),
                "service_sum_s": service or 0,
            },
        )
    ]


def _ticket_ids_query(day: date | None) -> "models.QuerySet[Any]":
    qs = Ticket.objects.all()
    if day is not None:
        qs = qs.filter(service_date__gte=day)
    return qs.values_list("pk", flat=True)


TICKETS = FactSource(
    name="tickets",
    object_types=(TICKET_TYPE,),
    fact_model=TicketFact,
    rollup_model=TicketDaily,
    key_fields=(
        "grain",
        "day",
        "department_id",
        "counter_id",
        "staff_id",
        "item_id",
        "channel",
        "hour",
        "wait_minute",
    ),
    measures=figures.TICKET_MEASURES,
    ids_for_events=lambda pairs: _digit_ids(pairs, TICKET_TYPE),
    compute=_ticket_compute,
    contributions=ticket_contributions,
    ids_query=_ticket_ids_query,
)
