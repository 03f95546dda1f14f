"""
The default rating (默认评价): a service left unrated for the region's
period (Guangdong: 7 natural days) counts as 基本满意, marked default.

Run by the hourly huey job and ``manage.py ratings_default``; idempotent:
an event already rated (by a person or by an earlier run) is skipped, and
the unique event key refuses a second one should two runs overlap.

中文：默认评价
"""

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from zhengtong.cases.constants import Status as CaseStatus
from zhengtong.cases.models import Case
from zhengtong.core.errors import ApplicationError
from zhengtong.queueing.models import Ticket

from ..models_ratings import DEFAULT_LEVEL, EventKind, RatingChannel, RatingPolicy
from ..models_ratings import Rating as RatingModel
from .ratings import ServedEvent, event_for_case, event_for_ticket, rating_create

# Events older than this are not looked at again (they were defaulted long ago).
LOOKBACK_DAYS = 60


def _shortest_period() -> int:
    days = list(RatingPolicy.objects.values_list("default_after_days", flat=True))
    return min([*days, RatingPolicy().default_after_days])


def _unrated_tickets(before: datetime, since: datetime) -> Iterator[Ticket]:
    rated = RatingModel.objects.filter(
        event_kind=EventKind.TICKET, event_id=OuterRef("pk")
    )
    return (
        Ticket.objects.filter(
            status=Ticket.Status.FINISHED,
            finished_at__lt=before,
            finished_at__gte=since,
        )
        .exclude(Exists(rated))
        .select_related("hall__region", "service_item", "staff", "counter")
        .order_by("pk")
        .iterator(chunk_size=500)
    )


def _unrated_cases(before: datetime, since: datetime) -> Iterator[Case]:
    rated = RatingModel.objects.filter(
        event_kind__in=[EventKind.CASE, EventKind.ONLINE], event_id=OuterRef("pk")
    )
    return (
        Case.objects.filter(
            status=CaseStatus.CONCLUDED,
            concluded_at__lt=before,
            concluded_at__gte=since,
        )
        .exclude(Exists(rated))
        .order_by("pk")
        .iterator(chunk_size=500)
    )


def ratings_default_apply(*, now: datetime | None = None) -> int:
    """
    Give the default rating to every event unrated after its region's period.

    Returns the number of default ratings written.

    中文：生成默认评价
    """
    from .rectifications import policy_for

    now = now or timezone.now()
    before = now - timedelta(days=_shortest_period())
    since = now - timedelta(days=LOOKBACK_DAYS)
    written = 0
    events: list[ServedEvent] = []
    for ticket in _unrated_tickets(before, since):
        try:
            events.append(event_for_ticket(ticket))
        except ApplicationError:
            continue
    events.extend(event_for_case(case) for case in _unrated_cases(before, since))
    for event in events:
        period = policy_for(event.region_code).default_after_days
        if event.served_at > now - timedelta(days=period):
            continue
        try:
            rating_create(
                event=event,
                level=DEFAULT_LEVEL,
                channel=RatingChannel.DEFAULT,
                is_default=True,
            )
        except ApplicationError:  # rated meanwhile
            continue
        written += 1
    return written
