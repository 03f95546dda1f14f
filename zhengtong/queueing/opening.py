"""
What service a hall offers on a day: one answer for every door (selectors).

``hall_service_day(hall=…, day=…)`` puts together

1. the ordinary opening hours (``OpeningHours``) on working days of the
   calendar: statutory holidays closed, a 调休 make-up weekend day open with
   the hours of an ordinary weekday;
2. weekend and extended service by rule (``ServiceRule``): listed weekdays
   or every working day, within the rule's validity dates, not on statutory
   holidays unless the rule says so, never on a 调休 weekend day (that day
   keeps the ordinary hours), not on a date its ``ServiceRuleSkip`` cancels;
3. dated extra sessions (``ExtraServiceDay``), on any date.

Where sessions overlap, the more specific one wins the overlapping time:
a dated extra session over a rule, a rule over the ordinary hours (the admin
form refuses such overlaps; this only keeps slots from being counted twice).

Appointment slots, the ticket issue's open/closed check, the kiosk and phone
pages, the hall display and the admin month preview all ask this module.

中文：大厅服务时间
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from zhengtong.catalog.models import Hall
from zhengtong.core.errors import ApplicationError

from .cache import config_cached
from .models import (
    WEEKDAY_SHORT,
    ExtraServiceDay,
    OpeningHours,
    ServiceRule,
    ServiceRuleSkip,
)

if TYPE_CHECKING:  # pragma: no cover
    from zhengtong.workdays.calc import WorkCalendar

Mode = ServiceRule.Mode

# What kind of day a date is for the hall (from the working-day calendar).
WORKING = "working"  # Monday to Friday, not a holiday
MAKEUP = "makeup"  # 调休上班: a weekend day worked instead of a holiday
REST = "rest"  # an ordinary Saturday or Sunday
HOLIDAY = "holiday"  # a statutory holiday (法定节假日), weekend days of a break too

DAY_KIND_LABELS = {
    WORKING: "工作日",
    MAKEUP: "调休上班",
    REST: "休息日",
    HOLIDAY: "法定节假日",
}

# Which source wins where sessions overlap (higher wins).
_PRIORITY = {"hours": 0, "rule": 1, "extra": 2}


def local_tz() -> dt.tzinfo:
    return timezone.get_default_timezone()


def _calendar() -> WorkCalendar:
    from zhengtong.workdays.selectors import calendar_get

    return calendar_get()


def _year_missing(day: dt.date) -> ApplicationError:
    return ApplicationError(
        "calendar_year_missing",
        f"{day.year} 年的节假日安排尚未导入，暂不能办理。",
        status=409,
    )


def day_is_working(day: dt.date) -> bool:
    """
    Return True when ``day`` is a working day (holidays closed, 调休 open).

    Uses the centre's calendar (``zhengtong.workdays``). A year whose notice
    is not loaded is refused (409), never guessed.

    中文：是否工作日
    """
    try:
        return bool(_calendar().is_working_day(day))
    except ApplicationError as exc:
        raise _year_missing(day) from exc


def day_kind(day: dt.date, calendar: WorkCalendar) -> str:
    """Return ``WORKING``, ``MAKEUP``, ``REST`` or ``HOLIDAY`` for ``day``."""
    try:
        working = calendar.is_working_day(day)
    except ApplicationError as exc:
        raise _year_missing(day) from exc
    if working:
        return MAKEUP if day.weekday() >= 5 else WORKING
    if day.weekday() < 5 or day in calendar.holidays:
        return HOLIDAY
    return REST


@dataclass(frozen=True)
class Session:
    """
    One service session of a hall on a day (aware datetimes).

    ``mode`` says who is served: walk-in tickets and appointments, or only
    one of them. ``category_ids`` is None when every category is served.

    中文：服务时段
    """

    start: dt.datetime
    end: dt.datetime
    label: str
    mode: str = Mode.ALL
    source: str = "hours"  # hours | rule | extra
    category_ids: frozenset[int] | None = None
    rule_id: int | None = None

    @property
    def appointments_only(self) -> bool:
        return self.mode == Mode.APPOINTMENTS

    @property
    def takes_tickets(self) -> bool:
        """Walk-in tickets (kiosk, phone, staff) may be issued."""
        return self.mode != Mode.APPOINTMENTS

    @property
    def takes_appointments(self) -> bool:
        """Appointment slots are offered."""
        return self.mode != Mode.WALK_IN

    @property
    def notice(self) -> str:
        """Return the public label with the mode, e.g. 周六上午服务，仅限预约."""
        if self.mode == Mode.APPOINTMENTS:
            return f"{self.label}，仅限预约"
        if self.mode == Mode.WALK_IN:
            return f"{self.label}，仅限现场取号"
        return self.label

    def serves(self, category_id: int | None) -> bool:
        return (
            category_id is None
            or self.category_ids is None
            or category_id in self.category_ids
        )


@dataclass(frozen=True)
class RuleNote:
    """A rule that would open on the day's weekday but does not, and why."""

    rule_id: int
    name: str
    reason: str  # holiday | makeup | skip
    detail: str = ""

    @property
    def text(self) -> str:
        if self.reason == "holiday":
            return f"{self.name}：法定节假日不开放"
        if self.reason == "makeup":
            return f"{self.name}：调休上班日，按正常办公时间"
        return f"{self.name}：本日不开放" + (
            f"（{self.detail}）" if self.detail else ""
        )


@dataclass(frozen=True)
class ServiceDay:
    """
    The service of a hall on one date.

    ``sessions`` are every session of the day in time order, those of single
    categories included; ``sessions_for(category_id)`` gives what one
    category offers.

    中文：服务日
    """

    hall_id: int
    date: dt.date
    kind: str
    sessions: tuple[Session, ...]
    notes: tuple[RuleNote, ...] = ()
    provisional: bool = False
    # every session before overlaps between categories were resolved
    candidates: tuple[Session, ...] = dataclasses.field(default=(), repr=False)

    @property
    def kind_label(self) -> str:
        return DAY_KIND_LABELS[self.kind]

    @property
    def is_open(self) -> bool:
        return bool(self.sessions)

    @property
    def is_day_off(self) -> bool:
        """An ordinary weekend day or a statutory holiday (no ordinary hours)."""
        return self.kind in (REST, HOLIDAY)

    def sessions_for(self, category_id: int | None = None) -> list[Session]:
        """
        Return the sessions serving ``category_id`` in time order, overlaps
        resolved; None gives the sessions of the whole hall.
        """
        if category_id is None:
            return list(self.sessions)
        chosen = [s for s in self.candidates if s.serves(category_id)]
        return _resolve(chosen, covers=lambda _a, _b: True)

    def session_at(
        self, at: dt.datetime, *, category_id: int | None = None
    ) -> Session | None:
        for session in self.sessions_for(category_id):
            if session.start <= at < session.end:
                return session
        return None


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t, tzinfo=local_tz())


def _part_of_day(t: dt.time, end: dt.time) -> str:
    if t < dt.time(12) and end > dt.time(17):
        return "全天"
    if t < dt.time(12):
        return "上午"
    if t < dt.time(14):
        return "午间"
    if t < dt.time(17):
        return "下午"
    if t < dt.time(19):
        return "傍晚"
    return "晚间"


def session_label(day: dt.date, kind: str, start: dt.time, end: dt.time) -> str:
    """
    Return the public name of a rule or extra session, e.g. 周六上午服务 on
    a rest day, 傍晚延时服务 on a working day, 节假日上午服务 on a holiday.
    """
    part = _part_of_day(start, end)
    if kind in (WORKING, MAKEUP):
        return f"{part}延时服务"
    if kind == HOLIDAY:
        return f"节假日{part}服务"
    return f"{WEEKDAY_SHORT[day.weekday()]}{part}服务"


def _subtract(session: Session, cuts: Iterable[Session]) -> list[Session]:
    cuts = [c for c in cuts if c.start < session.end and session.start < c.end]
    if not cuts:
        return [session]  # the usual case: nothing overlaps
    pieces = [(session.start, session.end)]
    for cut in cuts:
        kept = []
        for a, b in pieces:
            if cut.end <= a or cut.start >= b:
                kept.append((a, b))
                continue
            if a < cut.start:
                kept.append((a, cut.start))
            if cut.end < b:
                kept.append((cut.end, b))
        pieces = kept
    return [dataclasses.replace(session, start=a, end=b) for a, b in pieces]


def _scope_covers(a: Session, b: Session) -> bool:
    """Whether ``a`` serves every category ``b`` serves."""
    if a.category_ids is None:
        return True
    return b.category_ids is not None and b.category_ids <= a.category_ids


def _resolve(
    sessions: Iterable[Session], *, covers: Callable[[Session, Session], bool]
) -> list[Session]:
    """Cut each session where a more specific (or earlier equal) one runs."""
    ordered = sorted(
        sessions, key=lambda s: (-_PRIORITY[s.source], s.start, s.end, s.label)
    )
    kept: list[Session] = []
    for session in ordered:
        cuts = [k for k in kept if covers(k, session)]
        kept.extend(_subtract(session, cuts))
    kept.sort(key=lambda s: (s.start, s.end, s.label))
    return kept


@dataclass
class _Config:
    """The configuration of a hall read for a range of dates."""

    hours: dict[int, OpeningHours]
    rules: list[ServiceRule]
    skips: dict[tuple[int, dt.date], str]
    extras: dict[dt.date, list[ExtraServiceDay]]


def _config_load(*, hall_id: int, first: dt.date, last: dt.date) -> _Config:
    rules = list(
        ServiceRule.objects.filter(hall_id=hall_id, valid_from__lte=last)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        .order_by("start", "pk")
    )
    skips = {
        (rule_id, day): note
        for rule_id, day, note in ServiceRuleSkip.objects.filter(
            rule__in=rules, date__gte=first, date__lte=last
        ).values_list("rule_id", "date", "note")
    }
    extras: dict[dt.date, list[ExtraServiceDay]] = defaultdict(list)
    for extra in ExtraServiceDay.objects.filter(
        hall_id=hall_id, date__gte=first, date__lte=last
    ):
        extras[extra.date].append(extra)
    return _Config(
        hours={h.weekday: h for h in OpeningHours.objects.filter(hall_id=hall_id)},
        rules=rules,
        skips=skips,
        extras=extras,
    )


def _ordinary_sessions(
    day: dt.date, hours_by_weekday: dict[int, OpeningHours]
) -> list[Session]:
    hours = hours_by_weekday.get(day.weekday())
    if hours is None and day.weekday() >= 5 and hours_by_weekday:
        # A 调休 weekend working day keeps the hours of an ordinary weekday.
        hours = hours_by_weekday[min(hours_by_weekday)]
    if hours is None and not hours_by_weekday:
        # A hall without configured hours uses the national default.
        hours = OpeningHours(
            weekday=day.weekday(),
            morning_start=dt.time(9),
            morning_end=dt.time(12),
            afternoon_start=dt.time(14),
            afternoon_end=dt.time(17),
        )
    sessions = []
    if hours is not None:
        if hours.morning_start and hours.morning_end:
            sessions.append(
                Session(
                    _at(day, hours.morning_start), _at(day, hours.morning_end), "上午"
                )
            )
        if hours.afternoon_start and hours.afternoon_end:
            sessions.append(
                Session(
                    _at(day, hours.afternoon_start),
                    _at(day, hours.afternoon_end),
                    "下午",
                )
            )
    return sessions


def rule_opens(rule: ServiceRule, day: dt.date, kind: str) -> tuple[bool, str]:
    """
    Return whether ``rule`` opens on ``day`` of kind ``kind`` (validity and
    skips aside) and, when it would by weekday but does not, the reason
    (``holiday`` or ``makeup``).
    """
    if rule.days == ServiceRule.Days.WORKING_DAYS:
        if kind in (WORKING, MAKEUP):
            return True, ""
        return False, "holiday" if kind == HOLIDAY and day.weekday() < 5 else ""
    if day.weekday() not in rule.weekday_set:
        return False, ""
    if kind == HOLIDAY:
        return (True, "") if rule.on_holidays else (False, "holiday")
    if kind == MAKEUP:
        return False, "makeup"
    return True, ""


def _service_day_build(
    *, hall_id: int, day: dt.date, calendar: WorkCalendar, config: _Config
) -> ServiceDay:
    kind = day_kind(day, calendar)
    candidates: list[Session] = []
    notes: list[RuleNote] = []
    if kind in (WORKING, MAKEUP):
        candidates.extend(_ordinary_sessions(day, config.hours))
    for rule in config.rules:
        if not rule.valid_on(day):
            continue
        opens, reason = rule_opens(rule, day, kind)
        if opens and (rule.pk, day) in config.skips:
            opens, reason = False, "skip"
        if not opens:
            if reason:
                detail = config.skips.get((rule.pk, day), "")
                notes.append(RuleNote(rule.pk, rule.name, reason, detail))
            continue
        candidates.append(
            Session(
                _at(day, rule.start),
                _at(day, rule.end),
                session_label(day, kind, rule.start, rule.end),
                mode=rule.mode,
                source="rule",
                category_ids=(
                    frozenset([rule.category_id]) if rule.category_id else None
                ),
                rule_id=rule.pk,
            )
        )
    candidates.extend(
        Session(
            _at(day, extra.start),
            _at(day, extra.end),
            session_label(day, kind, extra.start, extra.end),
            mode=Mode.APPOINTMENTS if extra.appointments_only else Mode.ALL,
            source="extra",
        )
        for extra in config.extras.get(day, ())
    )
    is_provisional = getattr(calendar, "is_provisional", None)
    return ServiceDay(
        hall_id=hall_id,
        date=day,
        kind=kind,
        sessions=tuple(_resolve(candidates, covers=_scope_covers)),
        notes=tuple(notes),
        provisional=bool(is_provisional(day)) if is_provisional else False,
        candidates=tuple(candidates),
    )


def hall_service_day(*, hall: Hall | int, day: dt.date) -> ServiceDay:
    """
    Return the service of ``hall`` on ``day``: kind of day, sessions with
    their hours and mode, and the rules that stay closed that day.

    The one answer to "what service is there on date D at hall H". Cached
    per process with the queue configuration (``queueing.cache``); the entry
    remembers the working-day calendar it was built with, so a new calendar
    rebuilds it. A year whose holiday notice is missing is refused (409).

    中文：大厅服务日
    """
    hall_id = hall if isinstance(hall, int) else hall.pk
    calendar = _calendar()

    def build() -> tuple[object, ServiceDay]:
        config = _config_load(hall_id=hall_id, first=day, last=day)
        return calendar, _service_day_build(
            hall_id=hall_id, day=day, calendar=calendar, config=config
        )

    _built_with, service_day = config_cached(
        ("service_day", hall_id, day),
        build,
        valid=lambda value: value[0] is calendar,
    )
    return service_day


def hall_service_days(
    *, hall: Hall | int, first: dt.date, last: dt.date
) -> list[ServiceDay]:
    """
    Return ``hall_service_day()`` for every date from ``first`` to ``last``,
    reading the configuration once (the admin month preview).

    Dates of a year without a holiday notice are left out.

    中文：大厅服务日（区间）
    """
    hall_id = hall if isinstance(hall, int) else hall.pk
    calendar = _calendar()
    config = _config_load(hall_id=hall_id, first=first, last=last)
    days = []
    day = first
    while day <= last:
        with contextlib.suppress(ApplicationError):
            days.append(
                _service_day_build(
                    hall_id=hall_id, day=day, calendar=calendar, config=config
                )
            )
        day += dt.timedelta(days=1)
    return days


def hall_session_at(
    *, hall: Hall, at: dt.datetime, category_id: int | None = None
) -> Session | None:
    """
    Return the session of ``hall`` open at ``at`` (for one category, or for
    any), or None when closed.

    中文：当前服务时段
    """
    day = timezone.localtime(at, local_tz()).date()
    return hall_service_day(hall=hall, day=day).session_at(at, category_id=category_id)


def hall_next_opening(
    *,
    hall: Hall,
    after: dt.datetime,
    category_id: int | None = None,
    walk_in: bool = False,
) -> Session | None:
    """
    Return the next session starting after ``after`` within two weeks;
    ``walk_in`` skips sessions for appointments only.

    中文：下次开放时段
    """
    day = timezone.localtime(after, local_tz()).date()
    for offset in range(15):
        try:
            service_day = hall_service_day(hall=hall, day=day + dt.timedelta(offset))
        except ApplicationError:
            return None
        for session in service_day.sessions_for(category_id):
            if session.start > after and (session.takes_tickets or not walk_in):
                return session
    return None
