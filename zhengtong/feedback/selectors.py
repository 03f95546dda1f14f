"""
Reads of feedback's ratings part, with their visibility rules.

- ``satisfaction_rate``: the one definition of 满意率.
- ``rating_rollup_rows``: the monthly rollup by department, counter, item,
  staff or month (stats reads 满意率 and bad ratings per counter/staff here).
- the rectification queue as a user may see it; my ratings; what a rater
  device (评价器) shows.

中文：好差评查询
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.catalog.models import Counter, Department, ServiceItem
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.queueing.models import Ticket

from . import permissions
from .models_ratings import (
    EventKind,
    RaterDevice,
    Rating,
    RatingRollup,
    Rectification,
    RectificationState,
    RollupGrain,
)
from .services.ratings_rollup import COUNTS

GROUPS = ("department", "counter", "item", "staff", "month")


def satisfaction_rate(*, satisfied: int, ratings: int) -> float | None:
    """
    Return 满意率 in percent (one decimal), or None when nothing was rated.

    满意率 = ratings of 基本满意, 满意 or 非常满意 ÷ all counted ratings.
    Counted: given by a person (default ratings, 默认评价, are counted
    apart) and not excluded by an upheld appeal (申诉成立).  A bad rating
    (差评) is 不满意 or 非常不满意 (国办发〔2019〕51号 as reported; 浙江,
    深圳光明 rules in domain-rules.md §2.2), so everything above it is
    satisfied.

    中文：满意率
    """
    if ratings <= 0:
        return None
    rate = Decimal(satisfied * 100) / Decimal(ratings)
    return float(rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _month(d: date) -> date:
    return d.replace(day=1)


def rating_rollup_rows(
    *,
    date_from: date,
    date_to: date,
    group: str,
    department_id: int | None = None,
    department_ids: list[int] | None = None,
) -> list[dict[str, Any]]:
    """
    Return the rating counts of the months ``date_from``..``date_to`` by group.

    ``group`` is department, counter, item, staff or month; the months are
    whole months (the ones the two dates fall in).  Each row has its key
    fields (``department_id``/``department_name``, ``counter_id``/
    ``counter_number``, ``item_id``/``item_name``, ``staff_id``/
    ``staff_name`` or ``month``) and ``ratings``, ``satisfied``,
    ``dissatisfied``, ``defaults``, ``excluded``, ``rectified`` and
    ``satisfaction_rate`` (see ``satisfaction_rate``).

    中文：好差评统计行
    """
    if group not in GROUPS:
        raise ApplicationError(
            "invalid_input", "统计口径须为部门、窗口、事项、人员或月份。"
        )
    if date_to < date_from:
        raise ApplicationError("invalid_input", "结束日期不能早于开始日期。")
    grain = RollupGrain.DEPARTMENT if group == "month" else group
    qs = RatingRollup.objects.filter(
        grain=grain, month__gte=_month(date_from), month__lte=_month(date_to)
    )
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    keys = ["month"] if group == "month" else ["department_id", "key_id"]
    sums = {c: Sum(c) for c in COUNTS}
    rows = list(qs.values(*keys).annotate(**sums).order_by(*keys))
    if group == "month":
        for row in rows:
            row["satisfaction_rate"] = satisfaction_rate(
                satisfied=row["satisfied"], ratings=row["ratings"]
            )
        return rows
    departments = dict(
        Department.objects.filter(
            pk__in={r["department_id"] for r in rows}
        ).values_list("pk", "name")
    )
    names = _key_names(group, {r["key_id"] for r in rows})
    out = []
    for row in rows:
        key = row.pop("key_id")
        item: dict[str, Any] = {
            "department_id": row.pop("department_id"),
        }
        item["department_name"] = departments.get(item["department_id"], "")
        if group != "department":
            item[f"{group}_id"] = key
            item[_NAME_FIELD[group]] = names.get(key, "")
        item.update(row)
        item["satisfaction_rate"] = satisfaction_rate(
            satisfied=row["satisfied"], ratings=row["ratings"]
        )
        out.append(item)
    return out


_NAME_FIELD = {"counter": "counter_number", "item": "item_name", "staff": "staff_name"}


def _key_names(group: str, ids: set[int]) -> dict[int, str]:
    if group == "counter":
        return {
            pk: f"{number}号窗口" + (f"（{name}）" if name else "")
            for pk, number, name in Counter.objects.filter(pk__in=ids).values_list(
                "pk", "number", "name"
            )
        }
    if group == "item":
        return dict(
            ServiceItem.objects.filter(pk__in=ids).order_by().values_list("pk", "name")
        )
    if group == "staff":
        return {
            u.pk: u.display_name or u.username for u in User.objects.filter(pk__in=ids)
        }
    return {}


# --- rectifications ----------------------------------------------------------


def rectification_list_for_user(
    *, user: Any, state: str | None = None
) -> QuerySet[Rectification]:
    """
    Return the rectifications ``user`` may see (their department's, or all).

    中文：差评整改列表
    """
    qs = Rectification.objects.filter(permissions.rectification_filter(user))
    if state:
        if state not in RectificationState.values:
            raise ApplicationError("invalid_input", "状态参数不正确。")
        qs = qs.filter(state=state)
    return qs.select_related("rating", "department").order_by("due_date", "id")


def rectification_get_for_user(*, user: Any, rectification_id: int) -> Rectification:
    """Return one rectification as ``user`` may see it (403 or 404 otherwise)."""
    rectification = (
        Rectification.objects.select_related(
            "rating", "rating__counter", "rating__item", "department"
        )
        .filter(pk=rectification_id)
        .first()
    )
    if rectification is None:
        permissions.rectification_scope(user)  # 403 before 404 for outsiders
        raise NotFoundError(permissions.NOT_FOUND)
    permissions.check_see_rectification(user, rectification)
    return rectification


def rectification_counts_for_user(*, user: Any) -> dict[str, int]:
    """Return how many of the user's visible rectifications are in each state."""
    qs = Rectification.objects.filter(permissions.rectification_filter(user))
    counts = {s: 0 for s in RectificationState.values}
    for row in qs.values("state").annotate(n=Count("id")).values_list("state", "n"):
        counts[row[0]] = row[1]
    return counts


# --- ratings ----------------------------------------------------------------


def rating_list_for_rater(*, user: Any) -> QuerySet[Rating]:
    """
    Return the ratings ``user`` gave online (我的评价), newest first.

    中文：我的评价
    """
    if not getattr(user, "is_authenticated", False):
        return Rating.objects.none()
    return (
        Rating.objects.filter(rater=user)
        .select_related("department", "item", "rectification")
        .order_by("-rated_at", "-id")
    )


def rating_for_case(*, case_id: int) -> list[Rating]:
    """Return the ratings of a case's events (受理, 办结, 网上办事)."""
    return list(
        Rating.objects.filter(
            Q(case_id=case_id)
            & Q(event_kind__in=[EventKind.INTAKE, EventKind.CASE, EventKind.ONLINE])
        )
    )


def device_get(*, token: str | None) -> RaterDevice | None:
    """Return the active rater device of ``token``."""
    from .services.ratings import device_for_token

    return device_for_token(token)


def device_current_ticket(*, device: RaterDevice) -> Ticket | None:
    """
    Return the ticket a rater device shows: the last one finished at its
    counter within the device window and not yet rated (None: idle).

    中文：评价器当前服务
    """
    from .services.ratings import device_window

    since = timezone.now() - device_window()
    ticket = (
        Ticket.objects.filter(
            counter_id=device.counter_id,
            status=Ticket.Status.FINISHED,
            finished_at__gte=since,
        )
        .select_related("service_item", "staff")
        .order_by("-finished_at", "-id")
        .first()
    )
    if ticket is None:
        return None
    if Rating.objects.filter(event_kind=EventKind.TICKET, event_id=ticket.pk).exists():
        return None
    return ticket
