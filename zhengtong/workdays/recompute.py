"""
Correct every open deadline when the calendar changes.

When a holiday notice is loaded (a provisional year becomes official) or a
day is edited, the dates already computed over the changed days are wrong.
``calendar_recompute`` compares the calendar before and after, finds the
first date whose working/rest status changed and sends ``calendar_changed``
to the apps that keep clocks (cases, steps, certificates, appointments…).
Each receiver recomputes its own open clocks in one batch, writes an audit
event per moved date, notifies people, and answers a ``RecomputeCount``;
the sum is kept as a ``CalendarRecompute`` row (shown in the admin).

The workdays app knows nothing of those apps: they register a receiver.
Loading the same notice again finds no changed day and moves nothing.

中文：放假安排变更后校正期限
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.dispatch import Signal
from django.utils import timezone

from .calc import WorkCalendar
from .models import CalendarRecompute

__all__ = [
    "RecomputeCount",
    "RecomputeSummary",
    "calendar_changed",
    "calendar_changed_days",
    "calendar_recompute",
]

# Sent with: before, after (WorkCalendar), first_changed (date), changed
# (frozenset of dates), actor, notice (str).  A receiver returns a
# RecomputeCount, a list of them, or None when it has nothing to do.
calendar_changed = Signal()


@dataclass
class RecomputeCount:
    """What one kind of clock did after a calendar change."""

    label: str  # e.g. "办件", "办理环节", "预约"
    checked: int = 0
    moved: int = 0
    earlier: int = 0
    later: int = 0
    notified: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "checked": self.checked,
            "moved": self.moved,
            "earlier": self.earlier,
            "later": self.later,
            "notified": self.notified,
        }


@dataclass
class RecomputeSummary:
    """The sum of a recompute: per kind of clock, and in total."""

    changed_days: list[date] = field(default_factory=list)
    counts: list[RecomputeCount] = field(default_factory=list)
    record_id: int | None = None

    @property
    def moved(self) -> int:
        return sum(c.moved for c in self.counts)

    @property
    def earlier(self) -> int:
        return sum(c.earlier for c in self.counts)

    @property
    def later(self) -> int:
        return sum(c.later for c in self.counts)

    def __str__(self) -> str:
        if not self.changed_days:
            return "工作日没有变化，未调整任何期限。"
        parts = [
            f"{c.label}：核对 {c.checked}，调整 {c.moved}"
            f"（提前 {c.earlier}，推后 {c.later}）"
            for c in self.counts
        ]
        head = f"{len(self.changed_days)} 个日期的工作日属性改变；共调整 {self.moved} 个期限"
        return head + ("。" + "；".join(parts) + "。" if parts else "。")


def calendar_changed_days(
    before: WorkCalendar, after: WorkCalendar, *, years: set[int] | None = None
) -> list[date]:
    """
    Return the dates whose working-day status differs between two calendars.

    Only years covered by both are compared (a year that appears or
    disappears changes no date that was computable before).

    中文：工作日属性改变的日期
    """
    common = before.years & after.years
    if years is not None:
        common &= years
    changed: list[date] = []
    for year in sorted(common):
        day = date(year, 1, 1)
        while day.year == year:
            if before.is_working_day(day) != after.is_working_day(day):
                changed.append(day)
            day += timedelta(days=1)
    return changed


def calendar_recompute(
    *,
    before: WorkCalendar,
    after: WorkCalendar,
    actor: Any = None,
    notice: str = "",
    years: set[int] | None = None,
) -> RecomputeSummary:
    """
    Recompute every open clock whose dates touch a changed day.

    Runs the receivers of ``calendar_changed`` (each in its own batches and
    transactions) and keeps the summary.  Nothing happens when no day changed.

    中文：校正受影响的期限
    """
    changed = calendar_changed_days(before, after, years=years)
    summary = RecomputeSummary(changed_days=changed)
    if not changed:
        return summary
    responses = calendar_changed.send(
        sender=WorkCalendar,
        before=before,
        after=after,
        first_changed=changed[0],
        changed=frozenset(changed),
        actor=actor,
        notice=notice,
    )
    for _receiver, response in responses:
        if isinstance(response, RecomputeCount):
            summary.counts.append(response)
        elif response:
            summary.counts.extend(response)
    record = CalendarRecompute.objects.create(
        created_at=timezone.now(),
        actor_label=str(actor or "系统")[:100],
        notice=notice[:200],
        changed_days=[d.isoformat() for d in changed],
        counts=[c.as_dict() for c in summary.counts],
        moved=summary.moved,
        earlier=summary.earlier,
        later=summary.later,
    )
    summary.record_id = record.pk
    return summary
