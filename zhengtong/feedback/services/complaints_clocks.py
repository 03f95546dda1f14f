"""
The clocks of complaints and first questions in supervision's registry.

Registered in ``FeedbackConfig.ready`` with supervision's
``clock_source_register``: the registry finds the complaints and register
entries changed since its cursor in the audit log (every change here writes
one) and asks these functions for their rows.

- ``complaint_proposal`` (投诉拟办意见): runs from receipt while the complaint
  waits for its proposal; due 2 working days after receipt; closed by the
  proposal or by a reply (on the spot).
- ``complaint_reply`` (投诉答复): runs until the reply; due 5 working days
  after receipt.
- ``fq_handover`` (首问转交确认): runs from the handover until the receiver
  confirms; due ``FEEDBACK_HANDOVER_CONFIRM_DAYS`` working days after it.

Integrity complaints (不廉洁) are not copied to the registry: supervisors
must not see them; the discipline desk shows their lamps from the same due
dates.

中文：投诉与首问时钟
"""

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from zhengtong.supervision.constants import ClockKind, ClockState
from zhengtong.supervision.services.sync import ClockRows, ClockSource

from ..models_complaints import Complaint, ComplaintState, FirstQuestion

COMPLAINT_TYPE = "feedback.complaint"
FIRST_QUESTION_TYPE = "feedback.firstquestion"
BATCH = 2000


def _day(value: Any) -> Any:
    return timezone.localdate(value) if value else None


def _complaint_rows(out: ClockRows, ids: list[int]) -> None:
    for c in Complaint.objects.filter(pk__in=ids, integrity=False).values(
        "id",
        "number",
        "state",
        "category__name",
        "case_id",
        "region_code",
        "department_id",
        "transfer_department_id",
        "counter_id",
        "received_on",
        "proposal_due",
        "reply_due",
        "proposed_at",
        "replied_on",
        "updated_at",
    ):
        common: dict[str, Any] = {
            "number": c["number"],
            "case_id": c["case_id"],
            "region_code": c["region_code"],
            "department_id": c["transfer_department_id"] or c["department_id"],
            "counter_id": c["counter_id"],
            "started_on": c["received_on"],
        }
        waiting = c["state"] == ComplaintState.RECEIVED
        out.add(
            kind=ClockKind.COMPLAINT_PROPOSAL,
            object_id=c["id"],
            due=c["proposal_due"],
            state=ClockState.RUNNING if waiting else ClockState.CLOSED,
            closed_on=_day(c["proposed_at"])
            or c["replied_on"]
            or _day(c["updated_at"]),
            title=f"投诉拟办：{c['category__name']}"[:200],
            **common,
        )
        replied = c["replied_on"] is not None
        out.add(
            kind=ClockKind.COMPLAINT_REPLY,
            object_id=c["id"],
            due=c["reply_due"],
            state=ClockState.CLOSED if replied else ClockState.RUNNING,
            closed_on=c["replied_on"] or _day(c["updated_at"]),
            title=f"投诉答复：{c['category__name']}"[:200],
            **common,
        )


def _first_question_rows(out: ClockRows, ids: list[int]) -> None:
    for e in FirstQuestion.objects.filter(
        pk__in=ids, handover_due__isnull=False
    ).values(
        "id",
        "number",
        "question",
        "case_id",
        "handover_department_id",
        "handover_counter_id",
        "handover_to_id",
        "handover_on",
        "handover_due",
        "confirmed_at",
    ):
        confirmed = e["confirmed_at"] is not None
        out.add(
            kind=ClockKind.FIRST_QUESTION,
            object_id=e["id"],
            due=e["handover_due"],
            state=ClockState.CLOSED if confirmed else ClockState.RUNNING,
            started_on=e["handover_on"],
            closed_on=_day(e["confirmed_at"]),
            number=e["number"],
            title=f"首问转交：{e['question']}"[:200],
            case_id=e["case_id"],
            department_id=e["handover_department_id"],
            counter_id=e["handover_counter_id"],
            owner_id=e["handover_to_id"],
        )


def _batches(qs: QuerySet) -> Iterator[list[int]]:
    ids = list(qs.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def _open_complaints() -> Iterator[list[int]]:
    return _batches(
        Complaint.objects.filter(integrity=False).exclude(
            state__in=(ComplaintState.REPLIED, ComplaintState.CLOSED)
        )
    )


def _open_first_questions() -> Iterator[list[int]]:
    return _batches(
        FirstQuestion.objects.filter(
            handover_due__isnull=False, confirmed_at__isnull=True
        )
    )


SOURCES = (
    ClockSource(COMPLAINT_TYPE, _complaint_rows, _open_complaints),
    ClockSource(FIRST_QUESTION_TYPE, _first_question_rows, _open_first_questions),
)
