"""
The rectification clocks as supervision sees them (registry source).

One registry row per rectification, kind ``rectification``: the current
step's deadline (核实, 整改, 反馈, 回访, 申诉复核) running until the loop
closes, so the supervision desk turns it yellow and red like any clock.
Registered with ``clock_source_register`` in ``FeedbackConfig.ready``.

中文：差评整改监察时钟
"""

from collections.abc import Iterator

from django.utils import timezone

from zhengtong.supervision.constants import ClockKind, ClockState
from zhengtong.supervision.services.sync import ClockRows, ClockSource

from ..models_ratings import RECTIFICATION_OPEN, Rectification

OBJECT_TYPE = "feedback.rectification"
BATCH = 2000


def _rows(out: ClockRows, ids: list[int]) -> None:
    for r in Rectification.objects.filter(pk__in=ids).values(
        "id",
        "state",
        "department_id",
        "region_code",
        "step_started_on",
        "due_date",
        "closed_at",
        "updated_at",
        "rating__case_id",
        "rating__counter_id",
    ):
        running = r["state"] in RECTIFICATION_OPEN
        label = dict(Rectification._meta.get_field("state").flatchoices)[r["state"]]
        out.add(
            kind=ClockKind.RECTIFICATION,
            object_id=r["id"],
            due=r["due_date"],
            state=ClockState.RUNNING if running else ClockState.CLOSED,
            region_code=r["region_code"],
            started_on=r["step_started_on"],
            closed_on=timezone.localdate(r["closed_at"] or r["updated_at"]),
            number=f"差评{r['id']}",
            title=f"差评整改：{label}"[:200],
            case_id=r["rating__case_id"],
            department_id=r["department_id"],
            counter_id=r["rating__counter_id"],
        )


def _open_ids() -> Iterator[list[int]]:
    last = 0
    qs = Rectification.objects.filter(state__in=RECTIFICATION_OPEN).order_by("pk")
    while True:
        ids = list(qs.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return
        yield ids
        last = ids[-1]


SOURCE = ClockSource(OBJECT_TYPE, _rows, _open_ids)
