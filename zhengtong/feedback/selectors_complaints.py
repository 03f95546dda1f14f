"""
Reads of complaints, the first-question register and the staff on show,
each with its visibility rule (``permissions_complaints``).

``complaint_rollup_rows`` is the stable interface the monthly assessment
(stats) calls: complaints by department, counter, staff or month.

中文：投诉与首问查询
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from zhengtong.accounts.constants import ROLE_GROUP_NAMES, STAFF_ROLES
from zhengtong.catalog.models import Counter, Hall
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.core.masking import mask_name, mask_phone

from . import permissions_complaints as perms
from .models_complaints import (
    Complaint,
    ComplaintCategory,
    ComplaintContact,
    ComplaintState,
    FirstQuestion,
    StaffBadge,
)

OPEN_STATES = (
    ComplaintState.RECEIVED,
    ComplaintState.PROPOSED,
    ComplaintState.HANDLING,
    ComplaintState.APPROVED_TRANSFER,
    ComplaintState.TRANSFERRED,
)
ROLLUP_GROUPS = ("department", "counter", "staff", "month")


def complaint_categories() -> list[dict[str, Any]]:
    """Return the active categories with their sub-items (form choices)."""
    rows = list(
        ComplaintCategory.objects.filter(active=True).values(
            "id", "code", "name", "parent_id", "hotline", "integrity"
        )
    )
    children: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["parent_id"]:
            children[row["parent_id"]].append(
                {"code": row["code"], "name": row["name"]}
            )
    return [
        {
            "code": r["code"],
            "name": r["name"],
            "hotline": r["hotline"],
            "integrity": r["integrity"],
            "subcategories": children.get(r["id"], []),
        }
        for r in rows
        if not r["parent_id"]
    ]


def _complaint_qs() -> QuerySet[Complaint]:
    return Complaint.objects.select_related(
        "category",
        "subcategory",
        "hotline_type",
        "counter",
        "person",
        "department",
        "transfer_department",
        "case",
        "hall",
    )


def complaint_list_for_user(
    *,
    user: Any,
    state: str | None = None,
    integrity: bool | None = None,
    mine: bool = False,
) -> QuerySet[Complaint]:
    """
    Return the complaints ``user`` may see, newest first.

    ``mine`` keeps the user's own complaints (the applicant's 我的投诉).

    中文：投诉列表
    """
    if state and state not in ComplaintState.values and state != "open":
        raise ApplicationError("invalid_input", "状态参数不正确。")
    qs = Complaint.objects.select_related(  # what a list row shows (fewer joins)
        "category",
        "subcategory",
        "counter",
        "person",
        "department",
        "transfer_department",
    ).filter(perms.complaint_filter(user))
    if mine:
        qs = qs.filter(complainant_id=getattr(user, "pk", None))
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state:
        qs = qs.filter(state=state)
    if integrity is not None:
        qs = qs.filter(integrity=integrity)
    return qs.order_by("-id")


def complaint_get_for_user(*, user: Any, complaint_id: int) -> Complaint:
    """Return the complaint if ``user`` may see it, else 404."""
    complaint = _complaint_qs().filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFoundError("投诉不存在或无权查看。")
    perms.check_see_complaint(user, complaint)
    return complaint


def complaint_counts_for_user(*, user: Any) -> dict[str, int]:
    """Return open / overdue counts of what ``user`` sees (desk badges)."""
    today = timezone.localdate()
    qs = Complaint.objects.filter(perms.complaint_filter(user), state__in=OPEN_STATES)
    return qs.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(reply_due__lt=today)),
        proposal_overdue=Count(
            "id",
            filter=Q(state=ComplaintState.RECEIVED, proposal_due__lt=today),
        ),
    )


def complaint_lamp(complaint: Complaint, today: date | None = None) -> str:
    """Return the complaint's lamp: green, yellow (due today) or red (late)."""
    today = today or timezone.localdate()
    due = complaint.reply_due
    if complaint.replied_on is not None:
        return "red" if complaint.replied_on > due else "green"
    if today > due:
        return "red"
    if complaint.state == ComplaintState.RECEIVED and today > complaint.proposal_due:
        return "red"
    if today == due:
        return "yellow"
    return "green"


def complaint_masked_row(complaint: Complaint) -> dict[str, Any]:
    """Return a complaint's list row with the complainant masked."""
    return {
        "id": complaint.pk,
        "number": complaint.number,
        "channel": complaint.get_channel_display(),
        "category": complaint.category.name,
        "subcategory": getattr(complaint.subcategory, "name", ""),
        "complainant": mask_name(complaint.complainant_name),
        "phone": mask_phone(complaint.complainant_phone),
        "counter": str(complaint.counter) if complaint.counter_id else "",
        "person": str(complaint.person) if complaint.person_id else "",
        "department": getattr(complaint.department, "name", ""),
        "transfer_department": getattr(complaint.transfer_department, "name", ""),
        "received_on": complaint.received_on,
        "proposal_due": complaint.proposal_due,
        "reply_due": complaint.reply_due,
        "replied_on": complaint.replied_on,
        "state": complaint.get_state_display(),
        "lamp": complaint_lamp(complaint),
        "integrity": complaint.integrity,
        "verified": complaint.verified,
    }


def _complaint_figures(qs: QuerySet[Complaint], key: str) -> list[dict[str, Any]]:
    """Return the complaint figures of ``qs`` grouped by ``key`` (one definition)."""
    rows = (
        qs.values(key)
        .annotate(
            complaints=Count("id"),
            verified=Count("id", filter=Q(verified=True)),
            replied_on_time=Count(
                "id", filter=Q(replied_on__isnull=False, replied_on__lte=F("reply_due"))
            ),
            replied_late=Count(
                "id", filter=Q(replied_on__isnull=False, replied_on__gt=F("reply_due"))
            ),
        )
        .order_by(key)
    )
    out = []
    for row in rows:
        replied = row["replied_on_time"] + row["replied_late"]
        row["on_time_reply_rate"] = (
            round(row["replied_on_time"] / replied, 4) if replied else None
        )
        out.append(row)
    return out


def complaint_rollup_rows(
    *,
    date_from: date,
    date_to: date,
    group: str,
    department_id: int | None = None,
) -> list[dict[str, Any]]:
    """
    Return complaint figures by ``group`` (department | counter | staff |
    month) for complaints received from ``date_from`` to ``date_to``
    (inclusive): ``complaints``, ``verified`` (found true), ``replied_on_time``,
    ``replied_late``, ``on_time_reply_rate`` (of the replied; None when
    none replied).  Integrity complaints are left out (the discipline
    office's own record).  Each row also names its key: ``department_id``,
    ``counter_id``, ``person_id`` or ``month`` (first day of the month).

    中文：投诉统计（月度考核）
    """
    if group not in ROLLUP_GROUPS:
        raise ApplicationError(
            "invalid_input", "分组须为 department、counter、staff 或 month。"
        )
    qs = Complaint.objects.filter(
        integrity=False, received_on__gte=date_from, received_on__lte=date_to
    )
    if department_id is not None:
        qs = qs.filter(
            Q(department_id=department_id) | Q(transfer_department_id=department_id)
        )
    key = {
        "department": "department_id",
        "counter": "counter_id",
        "staff": "person_id",
        "month": "month",
    }[group]
    if group == "month":
        qs = qs.annotate(month=TruncMonth("received_on"))
    return _complaint_figures(qs, key)


PUBLIC_KEYS = {
    "department": ("department_id", "department_id"),
    "counter": ("counter_id", "counter_id"),
    "item": ("case__item_id", "item_id"),
}


def complaint_public_columns(
    rows: list[dict[str, Any]],
    *,
    group: str,
    month: date,
    departments: list[int] | None,
) -> None:
    """
    Add ``complaints`` and ``on_time_reply_rate`` (a percentage, None when
    none replied) to the public result rows of ``month`` (评价结果公开), by
    department, counter or item.  Integrity complaints are not published.

    中文：投诉公开列
    """
    field, row_key = PUBLIC_KEYS[group]
    first = month.replace(day=1)
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    qs = Complaint.objects.filter(
        integrity=False, received_on__gte=first, received_on__lte=last
    )
    if departments is not None:
        qs = qs.filter(department_id__in=departments)
    figures = {r[field]: r for r in _complaint_figures(qs, field)}
    for row in rows:
        found = figures.get(row.get(row_key))
        rate = found["on_time_reply_rate"] if found else None
        row["complaints"] = found["complaints"] if found else 0
        row["on_time_reply_rate"] = round(rate * 100, 1) if rate is not None else None


# --- first questions ---------------------------------------------------------


def first_question_list_for_user(
    *,
    user: Any,
    counter_id: int | None = None,
    department_id: int | None = None,
    pending: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[FirstQuestion]:
    """
    Return the register entries ``user`` may see, newest first.

    中文：首问登记台账
    """
    qs = FirstQuestion.objects.filter(perms.first_question_filter(user)).select_related(
        "responsible",
        "counter",
        "department",
        "item",
        "handover_to",
        "handover_counter",
        "handover_department",
        "ticket",
        "case",
    )
    if counter_id is not None:
        qs = qs.filter(Q(counter_id=counter_id) | Q(handover_counter_id=counter_id))
    if department_id is not None:
        qs = qs.filter(
            Q(department_id=department_id) | Q(handover_department_id=department_id)
        )
    if pending:
        qs = qs.filter(handover_to__isnull=False, confirmed_at__isnull=True)
    if date_from:
        qs = qs.filter(asked_on__gte=date_from)
    if date_to:
        qs = qs.filter(asked_on__lte=date_to)
    return qs.order_by("-id")


def first_question_get_for_user(*, user: Any, entry_id: int) -> FirstQuestion:
    """Return the register entry if ``user`` may see it, else 404."""
    entry = (
        FirstQuestion.objects.select_related(
            "responsible", "counter", "department", "item", "handover_to", "ticket"
        )
        .filter(pk=entry_id)
        .first()
    )
    if entry is None:
        raise NotFoundError("首问登记不存在或无权查看。")
    perms.check_see_first_question(user, entry)
    return entry


def staff_label(user: Any) -> dict[str, str]:
    """Return a staff member's public badge: name, number, post, scope."""
    try:
        badge = user.staff_badge if user is not None else None
    except StaffBadge.DoesNotExist:
        badge = None
    roles = [
        ROLE_GROUP_NAMES[r]
        for r in STAFF_ROLES
        if user is not None and user.has_role(r)
    ]
    return {
        "name": (user.display_name or user.username) if user is not None else "",
        "staff_number": badge.staff_number
        if badge
        else (user.username if user else ""),
        "title": (badge.title if badge and badge.title else "、".join(roles)),
        "scope": badge.scope if badge else "",
        "department": getattr(getattr(user, "department", None), "name", "") or "",
    }


def first_question_row(entry: FirstQuestion) -> dict[str, Any]:
    """Return a register row with the asker masked (lists, exports)."""
    return {
        "id": entry.pk,
        "number": entry.number,
        "asked_on": entry.asked_on,
        "channel": entry.get_channel_display(),
        "asker": mask_name(entry.asker_name),
        "phone": mask_phone(entry.asker_phone),
        "unit": entry.asker_unit,
        "question": entry.question,
        "item": getattr(entry.item, "name", ""),
        "outcome": entry.get_outcome_display(),
        "result": entry.result,
        "responsible": staff_label(entry.responsible)["name"],
        "responsible_number": staff_label(entry.responsible)["staff_number"],
        "counter": str(entry.counter) if entry.counter_id else "",
        "department": getattr(entry.department, "name", ""),
        "handover_to": str(entry.handover_to) if entry.handover_to_id else "",
        "handover_due": entry.handover_due,
        "confirmed_at": entry.confirmed_at,
        "pending": entry.handover_pending,
        "late": bool(
            entry.handover_pending
            and entry.handover_due
            and timezone.localdate() > entry.handover_due
        ),
        "ticket": getattr(entry.ticket, "number", ""),
        "case": getattr(_entry_case(entry), "number", ""),
    }


def _entry_case(entry: FirstQuestion) -> Any:
    """The case the entry led to: its own, else the one its ticket brought."""
    if entry.case_id is not None or entry.ticket is None or not entry.ticket.case_id:
        return entry.case
    from zhengtong.cases.models import Case

    return Case.objects.filter(pk=entry.ticket.case_id).only("number").first()


# --- staff on show (挂牌上岗) --------------------------------------------------


def complaint_contact_for(hall: Hall | None) -> dict[str, str]:
    """Return the complaint phones of ``hall`` (hall, then region, then default)."""
    rows = list(ComplaintContact.objects.all())
    chosen = None
    if hall is not None:
        region = getattr(hall.region, "code", "") if hall.region_id else ""
        chosen = next((r for r in rows if r.hall_id == hall.pk), None) or next(
            (
                r
                for r in rows
                if r.hall_id is None and region and r.region_code == region
            ),
            None,
        )
    chosen = chosen or next(
        (r for r in rows if r.hall_id is None and not r.region_code), None
    )
    if chosen is None:
        return {"centre_phone": "", "efficiency_phone": "", "note": ""}
    return {
        "centre_phone": chosen.centre_phone,
        "efficiency_phone": chosen.efficiency_phone,
        "note": chosen.note,
    }


def _counter_staff(counter: Counter) -> list[dict[str, Any]]:
    from django.contrib.auth import get_user_model

    people = (
        get_user_model()
        .objects.filter(
            Q(counters=counter) | Q(counter_assignments__counter=counter),
            is_active=True,
        )
        .select_related("department", "backup", "staff_badge")
        .prefetch_related(Prefetch("groups"))
        .distinct()
        .order_by("id")
    )
    out = []
    for person in people:
        row: dict[str, Any] = dict(staff_label(person))
        row["away"] = bool(person.is_absent)
        row["away_note"] = person.absent_note if person.is_absent else ""
        backup = person.backup if person.is_absent else None
        row["backup"] = staff_label(backup) if backup is not None else None
        out.append(row)
    return out


def staff_show(*, counter_id: int | None = None, hall_id: int | None = None) -> dict:
    """
    Return what the displays show (挂牌上岗): each counter's staff with name,
    number, post and scope, who is away (去向告知) and who covers (B岗), and
    the complaint phones.

    中文：挂牌上岗信息
    """
    counters = Counter.objects.select_related("hall", "hall__region").filter(
        is_active=True
    )
    if counter_id is not None:
        counters = counters.filter(pk=counter_id)
    elif hall_id is not None:
        counters = counters.filter(hall_id=hall_id)
    else:
        raise ApplicationError("invalid_input", "请指定窗口或大厅。")
    rows = list(counters.order_by("number"))
    if counter_id is not None and not rows:
        raise NotFoundError("窗口不存在。")
    hall = rows[0].hall if rows else Hall.objects.filter(pk=hall_id or 0).first()
    if hall is None:
        raise NotFoundError("大厅不存在。")
    return {
        "hall": hall.name,
        "contact": complaint_contact_for(hall),
        "counters": [
            {
                "id": c.pk,
                "number": c.number,
                "name": c.name,
                "staff": _counter_staff(c),
            }
            for c in rows
        ],
    }
