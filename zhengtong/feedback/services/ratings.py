"""
Ratings (好差评): what was served, who may rate it, the one rating per event.

A rating is written once and never changed: there is no update service.
A bad rating (不满意, 非常不满意) opens its rectification in the same
transaction (``rectifications.rectification_open``), and every rating adds
its counts to the monthly rollup (``ratings_rollup.rollup_add``).

中文：好差评
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhengtong.cases.constants import Channel as CaseChannel
from zhengtong.cases.constants import Status as CaseStatus
from zhengtong.cases.models import Case
from zhengtong.core.audit import audit_record
from zhengtong.core.db import row_insert
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.queueing.models import Ticket

from .. import permissions
from ..models_ratings import (
    BAD_LEVELS,
    EventKind,
    RaterDevice,
    Rating,
    RatingChannel,
)
from .ratings_rollup import rating_counts, rollup_add

ALREADY_RATED = "already_rated"
NOT_RATABLE = "not_ratable"
INVALID_INPUT = "invalid_input"

# The national indicators (国家标准二级指标): codes → labels.
OFFLINE_INDICATORS = {
    "efficiency": "服务效率",
    "competence": "服务水平",
    "attitude": "服务态度",
}
ONLINE_INDICATORS = {
    "efficiency": "办事效率",
    "guide_accuracy": "办事指南精确度",
    "convenience": "办事便捷度",
    "usability": "平台操作性",
}
INTAKE_DECIDED = (
    CaseStatus.ACCEPTED,
    CaseStatus.UNDER_REVIEW,
    CaseStatus.SUSPENDED,
    CaseStatus.REJECTED_AT_INTAKE,
    CaseStatus.NOT_REQUIRED,
    CaseStatus.REFERRED,
)
# The decision is the service's result: rated from the decision notice on,
# the same event as the conclusion (one rating).
RESULT_GIVEN = (
    CaseStatus.DECIDED_APPROVED,
    CaseStatus.DECIDED_DENIED,
    CaseStatus.CONCLUDED,
)
# What a case's rating reads of it (the row is wide: load only these).
CASE_EVENT_FIELDS = (
    "status",
    "channel",
    "applicant_id",
    "applicant_phone",
    "department_id",
    "item_id",
    "current_assignee_id",
    "region_code",
    "number",
    "accepted_at",
    "decided_at",
    "concluded_at",
    "updated_at",
)
ONLINE_CHANNELS = (CaseChannel.ONLINE, CaseChannel.MOBILE)
COMMENT_MAX = 1000


def device_window() -> timedelta:
    """Return how long after the clerk finishes the rater device may rate."""
    return timedelta(minutes=int(getattr(settings, "FEEDBACK_DEVICE_MINUTES", 30)))


@dataclass(frozen=True)
class ServedEvent:
    """
    One service event as a rating sees it: its key and who served.

    中文：服务事件
    """

    kind: str
    event_id: int
    ticket_id: int | None
    case_id: int | None
    applicant_id: int | None
    department_id: int
    counter_id: int | None
    item_id: int | None
    staff_id: int | None
    region_code: str
    served_at: datetime
    label: str

    @property
    def indicators(self) -> dict[str, str]:
        """Return the indicator set of this event (线上 or 线下)."""
        return (
            ONLINE_INDICATORS if self.kind == EventKind.ONLINE else OFFLINE_INDICATORS
        )


def event_for_ticket(ticket: Ticket) -> ServedEvent:
    """
    Return the served event of a finished ticket (现场服务).

    The serving department is the item's, else the clerk's, else the
    counter's first department.

    中文：排队号服务事件
    """
    if ticket.status != Ticket.Status.FINISHED or ticket.finished_at is None:
        raise ApplicationError(
            NOT_RATABLE, "该号尚未办理完毕，暂不能评价。", status=409
        )
    department_id = None
    if ticket.service_item is not None:
        department_id = ticket.service_item.department_id
    if department_id is None and ticket.staff is not None:
        department_id = ticket.staff.department_id
    if department_id is None and ticket.counter is not None:
        department_id = (
            ticket.counter.departments.order_by("pk")
            .values_list("pk", flat=True)
            .first()
        )
    if department_id is None:
        raise ApplicationError(NOT_RATABLE, "无法确定服务部门，不能评价。", status=409)
    region = ticket.hall.region.code if ticket.hall.region is not None else ""
    return ServedEvent(
        kind=EventKind.TICKET,
        event_id=ticket.pk,
        ticket_id=ticket.pk,
        case_id=ticket.case_id,
        applicant_id=ticket.applicant_id,
        department_id=department_id,
        counter_id=ticket.counter_id,
        item_id=ticket.service_item_id,
        staff_id=ticket.staff_id,
        region_code=region,
        served_at=ticket.finished_at,
        label=f"{ticket.number} {ticket.matter or ''}".strip(),
    )


def event_for_case(case: Case) -> ServedEvent:
    """
    Return the rateable event of a case as it stands.

    A decided or concluded case is the 办结 event (网上办事 when applied
    online); a case with an intake decision and no result yet (or refused
    at intake) is the 受理决定 event; anything earlier cannot be rated yet.

    中文：办件服务事件
    """
    if case.status in RESULT_GIVEN:
        kind = EventKind.ONLINE if case.channel in ONLINE_CHANNELS else EventKind.CASE
        served = case.concluded_at or case.decided_at or case.updated_at
    elif case.status in INTAKE_DECIDED:
        kind = EventKind.INTAKE
        served = case.accepted_at or case.decided_at or case.updated_at
    else:
        raise ApplicationError(
            NOT_RATABLE, "该办件尚未作出受理决定或办结，暂不能评价。", status=409
        )
    counter_id = (
        Ticket.objects.filter(case_id=case.pk, counter__isnull=False)
        .order_by("pk")
        .values_list("counter_id", flat=True)
        .first()
    )
    return ServedEvent(
        kind=kind,
        event_id=case.pk,
        ticket_id=None,
        case_id=case.pk,
        applicant_id=case.applicant_id,
        department_id=case.department_id,
        counter_id=counter_id,
        item_id=case.item_id,
        staff_id=case.current_assignee_id,
        region_code=case.region_code or "",
        served_at=served,
        label=case.number,
    )


def _clean_indicators(event: ServedEvent, indicators: Any) -> dict[str, int]:
    if indicators in (None, ""):
        return {}
    if not isinstance(indicators, dict):
        raise ApplicationError(INVALID_INPUT, "评价指标格式不正确。")
    allowed = event.indicators
    clean: dict[str, int] = {}
    for key, value in indicators.items():
        if key not in allowed:
            raise ApplicationError(
                INVALID_INPUT,
                "评价指标只能是：{}。".format(
                    "、".join(f"{k}（{v}）" for k, v in allowed.items())
                ),
            )
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            raise ApplicationError(INVALID_INPUT, "评价指标的分值须为 1 至 5 的整数。")
        clean[key] = value
    return clean


def rating_exists(*, kind: str, event_id: int) -> bool:
    """Return True when the event already has its rating."""
    return Rating.objects.filter(event_kind=kind, event_id=event_id).exists()


def _refuse_second() -> ApplicationError:
    return ApplicationError(
        ALREADY_RATED, "该次服务已经评价过，每次服务只能评价一次。", status=409
    )


@transaction.atomic
def rating_create(
    *,
    event: ServedEvent,
    level: int,
    channel: str,
    indicators: Any = None,
    comment: str = "",
    rater: Any = None,
    real_name: bool = False,
    rater_name: str = "",
    rater_phone: str = "",
    is_default: bool = False,
) -> Rating:
    """
    Record the one rating of ``event``; a bad one opens its rectification.

    A second rating of the same event is refused with 409 ``already_rated``
    (the database's unique key decides, also between concurrent requests).

    中文：评价
    """
    if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 5:
        raise ApplicationError(
            INVALID_INPUT, "评价等级须为 1（非常不满意）至 5（非常满意）。"
        )
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise ApplicationError(INVALID_INPUT, "评价内容不能超过1000字。")
    clean = _clean_indicators(event, indicators)
    now = timezone.now()
    rating = Rating(
        event_kind=event.kind,
        event_id=event.event_id,
        ticket_id=event.ticket_id,
        case_id=event.case_id,
        level=level,
        indicators=clean,
        comment=comment,
        channel=channel,
        is_default=is_default,
        real_name=real_name,
        rater=rater if getattr(rater, "is_authenticated", False) else None,
        rater_name=rater_name[:100] if real_name else "",
        rater_phone=rater_phone[:20] if real_name else "",
        department_id=event.department_id,
        counter_id=event.counter_id,
        item_id=event.item_id,
        staff_id=event.staff_id,
        region_code=event.region_code,
        served_at=event.served_at,
        rated_at=now,
        month=timezone.localdate(now).replace(day=1),
    )
    # one statement; the unique event key decides between concurrent twins
    if row_insert(rating, unless_taken=("event_kind", "event_id")) is None:
        raise _refuse_second()
    rollup_add(rating=rating, delta=rating_counts(rating))
    audit_record(
        action="rating.default" if is_default else "rating.create",
        obj=rating,
        actor=rater,
        to_state=str(level),
        details={"event": f"{event.kind}:{event.event_id}", "channel": channel},
        new_stream=True,
    )
    if level in BAD_LEVELS and not is_default:
        from .rectifications import rectification_open

        rectification_open(rating=rating)
    return rating


def device_for_token(token: str | None) -> RaterDevice | None:
    """Return the active rater device holding ``token`` (None: no device)."""
    if not token:
        return None
    return (
        RaterDevice.objects.select_related("counter")
        .filter(token=token, is_active=True)
        .first()
    )


def _ticket_get(ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.select_related(
            "hall__region", "service_item", "staff", "counter"
        )
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFoundError("排队号不存在。")
    return ticket


def rating_submit(
    *,
    user: Any,
    device_token: str | None = None,
    ticket_id: int | None = None,
    case_id: int | None = None,
    level: int,
    indicators: Any = None,
    comment: str = "",
    anonymous: bool = False,
    rater_name: str = "",
    rater_phone: str = "",
) -> Rating:
    """
    Rate a served ticket (评价器 or its applicant) or a case (its applicant).

    A staff session never rates (403, also on a rater device); a ticket
    through the device must have been finished at the device's counter
    within ``FEEDBACK_DEVICE_MINUTES``; anyone who was not served gets 403.

    中文：提交评价
    """
    permissions.check_not_staff_rater(user)
    if (ticket_id is None) == (case_id is None):
        raise ApplicationError(
            INVALID_INPUT, "请指定评价的排队号（ticket）或办件（case）之一。"
        )
    if ticket_id is not None:
        ticket = _ticket_get(ticket_id)
        device = device_for_token(device_token)
        if device is not None:
            if ticket.counter_id != device.counter_id or (
                ticket.finished_at is not None
                and ticket.finished_at < timezone.now() - device_window()
            ):
                raise ApplicationError(
                    permissions.NOT_PERMITTED,
                    "本评价器只能评价本窗口刚刚办理完毕的服务。",
                    status=403,
                )
            event = event_for_ticket(ticket)
            real = bool(rater_phone.strip()) and not anonymous
            return rating_create(
                event=event,
                level=level,
                channel=RatingChannel.DEVICE,
                indicators=indicators,
                comment=comment,
                real_name=real,
                rater_name=rater_name.strip(),
                rater_phone=rater_phone.strip(),
            )
        permissions.check_rate_as_applicant(user, ticket.applicant_id)
        event = event_for_ticket(ticket)
        return _online(user, event, level, indicators, comment, anonymous, "")
    case = (
        Case.objects.only(*CASE_EVENT_FIELDS).filter(pk=case_id).first()
        if case_id is not None
        else None
    )
    if case is None:
        raise NotFoundError("办件不存在。")
    permissions.check_rate_as_applicant(user, case.applicant_id)
    event = event_for_case(case)
    return _online(
        user, event, level, indicators, comment, anonymous, case.applicant_phone
    )


def _online(
    user: Any,
    event: ServedEvent,
    level: int,
    indicators: Any,
    comment: str,
    anonymous: bool,
    phone: str,
) -> Rating:
    name = getattr(user, "subject_name", "") or user.get_full_name() or user.username
    return rating_create(
        event=event,
        level=level,
        channel=RatingChannel.ONLINE,
        indicators=indicators,
        comment=comment,
        rater=user,
        real_name=not anonymous,
        rater_name=str(name),
        rater_phone=phone or getattr(user, "phone", "") or "",
    )
