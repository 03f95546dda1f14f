"""
The sweep: one set-based pass that moves the lamps of the registry's clocks.

A running clock is red when its due date is past, yellow from its yellow
day (``Clock.warn_on``, computed by the sync from the region's policy),
green before.  Each possible move (green→yellow, green→red, yellow→red and
back when a due date moved later) is one ``UPDATE … RETURNING`` whose
condition matches one range of a partial index, so the pass touches only
the rows that change — no loop in Python over open clocks.  Each change
writes one audit event (``lamp_changed`` on the clock's stream) and the
alerts of the region's escalation ladder; after ``escalate_after_red_days``
working days red a supervision order is drafted, once.  Suspended and
closed clocks are not touched: a case in an Art. 45 procedure does not turn
red.  A second run the same day finds nothing to change and sends nothing.

中文：电子监察扫描
"""

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from zhengtong.accounts.constants import Role
from zhengtong.cases.clock import calendar
from zhengtong.cases.models import Case, CaseStep
from zhengtong.core.audit import audit_record_many
from zhengtong.core.outbox import outbox_job
from zhengtong.workdays.calc import WorkCalendar

from ..constants import AlertLevel, ClockKind, ClockState, Lamp, OrderTarget
from ..models import Alert, Clock, SweepCursor
from .alerts import alerts_send_many, people_with_role
from .order_escalation import orders_escalate_due
from .sync import (
    Policies,
    clocks_resync_all,
    clocks_sync_changed,
    registry_token_renew,
)

logger = logging.getLogger("zhengtong.supervision")

EVENT = "lamp_changed"
# Clocks whose long red drafts a supervision order (the statutory clock of a
# case follows its promised one; a 补正 waits for the applicant; an order's
# own lateness escalates the order instead).
ESCALATING = (ClockKind.CASE, ClockKind.STEP, ClockKind.CERTIFICATE, ClockKind.INTAKE)

# (from, to, condition): disjoint, each a range of one partial index.
MOVES = (
    (Lamp.GREEN, Lamp.RED, "due_date < %(today)s"),
    (Lamp.YELLOW, Lamp.RED, "due_date < %(today)s"),
    (Lamp.GREEN, Lamp.YELLOW, "warn_on <= %(today)s AND due_date >= %(today)s"),
    (Lamp.RED, Lamp.YELLOW, "due_date >= %(today)s AND warn_on <= %(today)s"),
    (Lamp.RED, Lamp.GREEN, "due_date >= %(today)s AND warn_on > %(today)s"),
    (Lamp.YELLOW, Lamp.GREEN, "warn_on > %(today)s"),
)
RETURNED = (
    "id",
    "kind",
    "object_id",
    "number",
    "title",
    "case_id",
    "region_code",
    "department_id",
    "owner_id",
    "due_date",
)


@dataclass(frozen=True)
class Change:
    id: int
    kind: str
    object_id: int
    number: str
    title: str
    case_id: int | None
    region_code: str
    department_id: int | None
    owner_id: int | None
    due_date: date
    old: str
    new: str


def _lamps_move(today: date) -> list[Change]:
    """Move every lamp that must change today; return the changes."""
    table = Clock._meta.db_table
    changes: list[Change] = []
    for old, new, condition in MOVES:
        red_since = "COALESCE(red_since, %(today)s)" if new == Lamp.RED else "NULL"
        sql = (
            f"UPDATE {table} SET lamp = %(new)s, lamp_since = %(today)s, "  # noqa: S608
            f"red_since = {red_since} "
            f"WHERE state = 'running' AND lamp = %(old)s AND {condition} "
            f"RETURNING {', '.join(RETURNED)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, {"today": today, "new": new, "old": old})
            rows = cursor.fetchall()
        changes.extend(
            Change(**dict(zip(RETURNED, row, strict=True)), old=old, new=new)
            for row in rows
        )
    return changes


KIND_LABELS = {value: str(label) for value, label in ClockKind.choices}


def _kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)


def _alert_text(change: Change) -> str:
    what = f"{_kind_label(change.kind)} {change.number}"
    if change.title:
        what += f"（{change.title}）"
    if change.new == Lamp.RED:
        return f"{what} 已超过期限（{change.due_date:%Y年%m月%d日}），请立即办理并说明原因。"
    return f"{what} 将于 {change.due_date:%Y年%m月%d日} 到期，请抓紧办理。"


class _Recipients:
    """Department heads and supervisors, read once per sweep."""

    def __init__(self) -> None:
        self._heads: dict[int, list[int]] = {}
        self._supervisors: list[int] | None = None

    def heads(self, department_id: int | None) -> list[int]:
        if department_id is None:
            return []
        if department_id not in self._heads:
            self._heads[department_id] = people_with_role(
                Role.DEPARTMENT_HEAD, department_id=department_id
            )
        return self._heads[department_id]

    def supervisors(self) -> list[int]:
        if self._supervisors is None:
            self._supervisors = people_with_role(Role.SUPERVISOR)
        return self._supervisors


def _alerts_for(changes: list[Change], policies: Policies, today: date) -> list[Alert]:
    """
    The escalation ladder: yellow → the handler; red → the handler, and one
    digest per department to its heads and one for the centre to the
    supervisors (a digest of a single clock names it and is tied to it).
    """
    people = _Recipients()
    rows: list[Alert] = []
    red_by_department: dict[int | None, list[Change]] = {}
    for change in changes:
        policy = policies.for_region(change.region_code)
        if change.new == Lamp.YELLOW and change.old == Lamp.GREEN:
            if policy.notify_handler_on_yellow and change.owner_id:
                rows.append(_alert(change.owner_id, change, AlertLevel.YELLOW, today))
        elif change.new == Lamp.RED:
            if change.owner_id:
                rows.append(_alert(change.owner_id, change, AlertLevel.RED, today))
            if policy.notify_heads_on_red:
                red_by_department.setdefault(change.department_id, []).append(change)
    everyone: list[Change] = []
    for department_id, red in red_by_department.items():
        everyone += red
        rows += _digest(people.heads(department_id), red, "本部门", today)
    rows += _digest(people.supervisors(), everyone, "全中心", today)
    return rows


def _alert(recipient: int, change: Change, level: str, today: date) -> Alert:
    return Alert(
        recipient_id=recipient,
        clock_id=change.id,
        level=level,
        day=today,
        text=_alert_text(change)[:300],
    )


def _digest(
    recipients: list[int], red: list[Change], where: str, today: date
) -> list[Alert]:
    """One alert per recipient for many new red clocks (or the one clock)."""
    if not red or not recipients:
        return []
    if len(red) == 1:
        return [_alert(r, red[0], AlertLevel.RED, today) for r in recipients]
    numbers = list(dict.fromkeys(c.number for c in red))  # a case's clocks once
    shown = "、".join(numbers[:5])
    more = f"等 {len(numbers)} 件" if len(numbers) > 5 else f"共 {len(numbers)} 件"
    text = (
        f"{where}今日新增超期（红灯）时限 {len(red)} 个，涉及办件{more}：{shown}。"
        "请到电子监察台查看并督促办理。"
    )
    return [
        Alert(recipient_id=r, level=AlertLevel.RED, day=today, text=text[:300])
        for r in recipients
    ]


def _red_cutoff(cal: WorkCalendar, today: date, days: int) -> date:
    """Return the last red-since day that has been red ``days`` working days."""
    day, counted = today, 0
    while counted < days:
        day -= timedelta(days=1)
        if cal.is_working_day(day):
            counted += 1
    return day


def _escalate(policies: Policies, today: date) -> int:
    """Draft one supervision order per clock red for N working days."""
    from .orders import order_create

    cal = calendar()
    drafted = 0
    others = [code for code in policies.by_region if code]
    for code, policy in policies.by_region.items():
        if not policy.escalate_after_red_days:
            continue
        cutoff = _red_cutoff(cal, today, policy.escalate_after_red_days)
        qs = Clock.objects.filter(
            state=ClockState.RUNNING,
            lamp=Lamp.RED,
            escalated_on__isnull=True,
            red_since__lte=cutoff,
            kind__in=ESCALATING,
            department__isnull=False,
        )
        qs = qs.filter(region_code=code) if code else qs.exclude(region_code__in=others)
        clocks = list(qs.select_related("department", "owner").order_by("id")[:1000])
        # marked first: a clock whose case is gone is not tried again
        Clock.objects.filter(pk__in=[c.pk for c in clocks]).update(escalated_on=today)
        cases = Case.objects.in_bulk({c.case_id for c in clocks if c.case_id})
        steps = CaseStep.objects.in_bulk(
            {c.object_id for c in clocks if c.kind == ClockKind.STEP}
        )
        for clock in clocks:
            is_step = clock.kind == ClockKind.STEP
            case = cases.get(clock.case_id)
            step = steps.get(clock.object_id) if is_step else None
            if case is None or (is_step and step is None):
                continue
            order_create(
                actor=None,
                target=OrderTarget.STEP if is_step else OrderTarget.CASE,
                case=case,
                step=step,
                department=clock.department,
                person=clock.owner,
                reason=(
                    f"{_kind_label(clock.kind)} {clock.number} 已超期"
                    f"（截止 {clock.due_date:%Y年%m月%d日}，红灯已 "
                    f"{policy.escalate_after_red_days} 个工作日以上）。"
                ),
                action="请查明超期原因，督促承办人员立即办理，并书面回复办理情况。",
                reply_days=policy.order_reply_days,
                auto=True,
                clock=clock,
            )
            drafted += 1
    return drafted


def _daily_rules(today: date) -> None:
    """Once a day: the anomaly rules and the rules that propose breaches."""
    from .anomalies import anomalies_detect
    from .breaches import breaches_propose_late

    daily, _created = SweepCursor.objects.get_or_create(name="daily")
    if daily.swept_on == today:
        return
    found = anomalies_detect(today=today)
    proposed = breaches_propose_late(today=today)
    SweepCursor.objects.filter(pk=daily.pk).update(swept_on=today)
    logger.info("supervision daily rules: anomalies %s, breaches %s", found, proposed)


def _lock() -> bool:
    """Take the sweep's lock for this transaction (PostgreSQL); False if held."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext('supervision_sweep'))"
        )
        return bool(cursor.fetchone()[0])


def supervision_sweep(*, now: datetime | None = None, resync: bool = False) -> dict:
    """
    Sync the registry, move the lamps, notify, escalate; return a summary.

    ``{"clocks": open clocks, "changed": lamps moved, "yellow": …, "red": …
    (moves into each), "orders_drafted": …}``.  Idempotent: a second run
    the same day changes and sends nothing.

    中文：电子监察扫描
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    synced = clocks_resync_all() if resync else clocks_sync_changed()
    policies = Policies.load()
    with transaction.atomic():
        if not _lock():
            logger.info("supervision sweep already running; skipped")
            return {
                "clocks": 0,
                "changed": 0,
                "yellow": 0,
                "red": 0,
                "orders_drafted": 0,
            }
        changes = _lamps_move(today)
        audit_record_many(
            [
                {
                    "pk": c.id,
                    "from_state": c.old,
                    "to_state": c.new,
                    "details": {
                        "kind": c.kind,
                        "object_id": c.object_id,
                        "number": c.number,
                        "from": c.old,
                        "to": c.new,
                        "department": c.department_id,
                        "due_date": c.due_date,
                    },
                }
                for c in changes
            ],
            actor="电子监察",
            action=EVENT,
            model=Clock,
        )
        alerts_send_many(_alerts_for(changes, policies, today))
        orders_escalate_due(now=now)  # an order whose reply is late goes up a level
        drafted = _escalate(policies, today)
    if synced or changes:
        registry_token_renew()
    _daily_rules(today)
    moved = Counter(c.new for c in changes)
    open_clocks = Clock.objects.filter(
        state__in=(ClockState.RUNNING, ClockState.SUSPENDED)
    ).count()
    summary = {
        "clocks": open_clocks,
        "changed": len(changes),
        "yellow": moved[Lamp.YELLOW],
        "red": moved[Lamp.RED],
        "orders_drafted": drafted,
    }
    logger.info("supervision sweep: %s (synced %s)", summary, synced)
    return summary


@outbox_job
def clocks_resync_job() -> dict:
    """Resync the whole registry, then sweep (an outbox job: after a calendar change)."""
    return supervision_sweep(resync=True)
