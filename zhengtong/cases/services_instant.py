"""
即办件 (items handled on the spot) and their one way out: 转为承诺件.

A 即办件 must be concluded on the day it is accepted (行政许可法 Art. 34
para. 2: a decision that can be made on the spot is made on the spot). Its
promised limit is therefore 0 days: the due date is the acceptance day, the
lamp is yellow on that day and red from the next day on (the daily lamp job
and every clock recomputation read the stored limit).

Turning one into a 承诺件 is ``case_convert_to_committed`` and nothing else:
it needs the permission ``cases.convert_instant`` (中心管理员 by their group,
a 窗口负责人 by a personal grant), a recorded reason, and it recomputes the
clock with the item's promised limit counted from the acceptance day.
"""

from datetime import datetime

from django.db import transaction

from zhengtong.accounts.models import User
from zhengtong.catalog.constants import DayUnit, HandlingMode
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from . import clock
from .constants import CLOCK_STATUSES, ActorKind, ErrorCode, Status
from .models import Case
from .workflow import case_actor_kinds

CONVERT_PERMISSION = "cases.convert_instant"
# Before acceptance (the counter sees at once that it cannot be done on the
# spot) and while the clock runs; never after the decision.
CONVERTIBLE_STATUSES = (Status.SUBMITTED, *CLOCK_STATUSES)
CONVERT_EVENT = "convert_instant"


def case_is_instant(case: Case) -> bool:
    """Return True when ``case`` is a 即办件."""
    return case.handling_mode == HandlingMode.IMMEDIATE


def instant_clock_hold(case: Case) -> None:
    """
    Give a 即办件 its limit of 0 days before its clock is computed (not saved).

    Called by acceptance and deemed acceptance; the due date then is the
    acceptance day.

    中文：即办件当日办结时限
    """
    if case_is_instant(case):
        case.promised_days = 0


def instant_conversion_allowed(*, case: Case, user: User | None) -> bool:
    """
    Return True when ``user`` may turn ``case`` into a 承诺件 (ignoring status).

    Staff of the case's department (intake or review) or a 中心管理员, who
    also hold ``cases.convert_instant``.

    中文：可否转为承诺件
    """
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    kinds = case_actor_kinds(case=case, user=user)
    if not kinds & {ActorKind.INTAKE, ActorKind.REVIEWER, ActorKind.ADMIN}:
        return False
    return user.has_perm(CONVERT_PERMISSION)


def instant_conversion_offered(*, case: Case, user: User | None) -> bool:
    """
    Return True when a page should offer 转为承诺件 to ``user`` now.

    中文：是否显示“转为承诺件”
    """
    return (
        case_is_instant(case)
        and case.status in CONVERTIBLE_STATUSES
        and instant_conversion_allowed(case=case, user=user)
    )


def _committed_limit(case: Case) -> tuple[int | None, str]:
    """Return the item's promised limit for a converted case (None: statutory)."""
    version = case.item_version
    days = version.promised_days
    unit = version.promised_unit or DayUnit.WORKING
    # An immediate item often lists 0 days (即时办结): then the statutory
    # limit applies (clock_compute falls back to it, or to 20 days, Art. 42).
    if not days:
        return None, DayUnit.WORKING
    return days, unit


@transaction.atomic
def case_convert_to_committed(
    *, case: Case, actor: User, reason: str, now: datetime | None = None
) -> Case:
    """
    Turn a 即办件 into a 承诺件 with a reason; recompute its clock.

    Refusals: 403 ``instant_conversion_forbidden`` without the permission
    (checked first), 409 ``not_immediate_item`` for a case that is not a
    即办件, 409 ``invalid_transition`` after the decision, 400
    ``reason_required`` without a reason. The new due date counts the
    item's promised limit from the acceptance day.

    中文：即办件转为承诺件
    """
    from . import services

    now, today = services._now(now)
    case = services._lock(case)
    if not instant_conversion_allowed(case=case, user=actor):
        raise ApplicationError(
            ErrorCode.INSTANT_CONVERSION_FORBIDDEN,
            "即办件应当场办结；转为承诺件须由窗口负责人或中心管理员批准，您没有此权限。",
            status=403,
        )
    if not case_is_instant(case):
        raise ApplicationError(
            ErrorCode.NOT_IMMEDIATE_ITEM,
            "该办件不是即办件，无需转为承诺件。",
            status=409,
        )
    if case.status not in CONVERTIBLE_STATUSES:
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"办件当前状态为“{Status(case.status).label}”，不能转为承诺件。",
            status=409,
        )
    reason = services._require(reason, "转为承诺件的理由")
    before = {
        "promised_days": case.promised_days,
        "due_date": case.due_date,
        "lamp": case.lamp,
    }
    case.handling_mode = HandlingMode.COMMITTED
    case.promised_days, case.promised_unit = _committed_limit(case)
    fields = ["handling_mode", "promised_days", "promised_unit"]
    if case.accepted_date is not None:
        services._clock_apply(case, clock.calendar(), today)
        fields += list(services.CLOCK_FIELDS)
    case.save(update_fields=sorted({*fields, "updated_at"}))
    audit_record(
        action=CONVERT_EVENT,
        obj=case,
        actor=actor,
        reason=reason,
        details={
            "from": HandlingMode.IMMEDIATE,
            "to": HandlingMode.COMMITTED,
            "before": before,
            "promised_days": case.promised_days,
            "promised_unit": case.promised_unit,
            "due_date": case.due_date,
            "statutory_due_date": case.statutory_due_date,
        },
    )
    services._notify(case, "instant_converted", reason=reason)
    return case
