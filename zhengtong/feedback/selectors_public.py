"""
Public results (评价结果公开) of a region, month by month: what the portal
page and the hall display show, as one JSON-ready shape.

``public_results`` returns ``{"region", "months", "rows", "rectified"}``:
one row per department, counter or item with the rating counts and 满意率
(``selectors.rating_rollup_rows``: the pre-aggregated rollup, kept exact)
and the latest rectified bad ratings with their masked texts.  Other parts
add their own columns to the rows in ``_add_columns`` (complaint counts and
the on-time reply rate).

Cached whole, under a token that every change of what it shows renews after
its commit (``services.ratings_rollup.public_token_renew``: a rating, an
appeal, a closed rectification, a complaint), so a page never shows a count
older than the last committed change.

中文：评价结果公开
"""

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from zhengtong.catalog.models import Department, Region
from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_text

from .models_ratings import Rectification, RectificationState
from .selectors import rating_rollup_rows, satisfaction_rate

PUBLIC_GROUPS = ("department", "counter", "item")
PUBLIC_VERSION_KEY = "feedback:public:version"
PUBLIC_CACHE_SECONDS = 3600
RECTIFIED_SHOWN = 20


def public_months(*, today: date, count: int = 12) -> list[date]:
    """Return the first days of the last ``count`` months, newest first."""
    months, month = [], today.replace(day=1)
    for _ in range(count):
        months.append(month)
        month = (month.replace(day=1) - date.resolution).replace(day=1)
    return months


def region_department_ids(region: Region | None) -> list[int] | None:
    """Return the departments of ``region`` and the regions below it."""
    if region is None:
        return None
    code = region.code.rstrip("0") or region.code
    return list(
        Department.objects.filter(
            Q(region=region) | Q(region__code__startswith=code)
        ).values_list("pk", flat=True)
    )


def _add_columns(
    rows: list[dict[str, Any]],
    *,
    group: str,
    month: date,
    departments: list[int] | None,
) -> None:
    """Add the other parts' columns to the rows (by department/counter/item)."""
    # complaints: complaint counts and on-time reply rate
    from .selectors_complaints import complaint_public_columns

    complaint_public_columns(rows, group=group, month=month, departments=departments)


def public_results(
    *, region: Region | None, month: date, group: str = "department"
) -> dict[str, Any]:
    """
    Return the public results of ``region`` (None: the whole centre) for a month.

    中文：评价结果公开数据
    """
    if group not in PUBLIC_GROUPS:
        raise ApplicationError("invalid_input", "公开口径须为部门、窗口或事项。")
    month = month.replace(day=1)
    token = cache.get_or_set(PUBLIC_VERSION_KEY, lambda: uuid.uuid4().hex, None)
    key = f"feedback:public:{token}:{region.pk if region else 0}:{month}:{group}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = _public_results(region=region, month=month, group=group)
    # pages may cache what they render from it under the same version
    result["version"] = token
    cache.set(key, result, PUBLIC_CACHE_SECONDS)
    return result


def _public_results(
    *, region: Region | None, month: date, group: str
) -> dict[str, Any]:
    departments = region_department_ids(region)
    rows = rating_rollup_rows(
        date_from=month, date_to=month, group=group, department_ids=departments
    )
    _add_columns(rows, group=group, month=month, departments=departments)
    totals = {
        k: sum(r[k] for r in rows)
        for k in ("ratings", "satisfied", "dissatisfied", "defaults", "rectified")
    }
    totals["satisfaction_rate"] = satisfaction_rate(
        satisfied=totals["satisfied"], ratings=totals["ratings"]
    )
    return {
        "region": region.name if region else "全中心",
        "month": month,
        "group": group,
        "rows": rows,
        "totals": totals,
        "rectified": public_rectified(month=month, departments=departments),
    }


def public_rectified(*, month: date, departments: list[int] | None) -> list[dict]:
    """
    Return the bad ratings whose loop closed in the month, with masked texts.

    中文：差评整改公开
    """
    start = datetime.combine(month, time.min, tzinfo=timezone.get_current_timezone())
    end = datetime.combine(
        (month + timedelta(days=32)).replace(day=1),
        time.min,
        tzinfo=timezone.get_current_timezone(),
    )
    qs = Rectification.objects.filter(
        state=RectificationState.CLOSED, closed_at__gte=start, closed_at__lt=end
    )
    if departments is not None:
        qs = qs.filter(department_id__in=departments)
    rows = qs.select_related("department", "rating__item").order_by("-closed_at")[
        :RECTIFIED_SHOWN
    ]
    return [
        {
            "department": r.department.name,
            "item": r.rating.item.name if r.rating.item is not None else "",
            "level": r.rating.get_level_display(),
            "classification": r.get_classification_display(),
            "rectification": mask_text(r.rectification_text),
            "reply": mask_text(r.reply_text),
            "closed_on": timezone.localdate(r.closed_at) if r.closed_at else None,
        }
        for r in rows
    ]
