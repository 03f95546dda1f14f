"""
Reads of cases with the visibility rules; the only way a view gets a Case.

Visibility is decided once, in ``permissions.case_visibility_terms``: the
query filter (``case_visibility_q``) and the object check
(``permissions.can_see_case``) are both derived from it. A case the user may
not see is "not found" (404).
"""

import hmac
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from zhengtong.accounts.constants import ROLE_GROUP_NAMES, Role
from zhengtong.accounts.models import User
from zhengtong.catalog.models import Material, ServiceItem
from zhengtong.catalog.selectors_application import (  # noqa: F401
    _items_read,  # the item memory, cleared by tests (see docs/cases.md)
    item_for_application_get,  # kept importable here; defined in catalog
)
from zhengtong.core.errors import NotFoundError
from zhengtong.core.models import AuditEvent

from .constants import CLOCK_STATUSES, Action, Lamp, Status
from .models import (
    Case,
    CaseDocument,
    CaseExtension,
    CaseMaterial,
    CaseStep,
    CaseSuspension,
    Notification,
    SupplementRequest,
)
from .permissions import (
    NOT_VISIBLE,
    can_see_case,
    case_visibility_q,
    case_visibility_terms,
    is_department_staff,
)
from .workflow import case_allowed_actions


class Inbox:
    """Names of the staff inboxes (workbench) and what they hold."""

    INTAKE = "intake"  # 待受理: submitted, awaiting intake, my department
    MINE = "mine"  # 我的待办: current step assigned to me
    DUE_SOON = "due_soon"  # 即将到期: yellow lamp, my department
    OVERDUE = "overdue"  # 已超期: red lamp, my department
    SUPPLEMENT = "supplement"  # 补正中: waiting for the applicant
    TO_CONCLUDE = "to_conclude"  # 待办结: decided, not yet concluded
    ALL = "all"

    LABELS = {
        INTAKE: "待受理",
        MINE: "我的待办",
        DUE_SOON: "即将到期",
        OVERDUE: "已超期",
        SUPPLEMENT: "补正中",
        TO_CONCLUDE: "待办结",
        ALL: "全部办件",
    }


def _case_id_or_404(user: Any, case_id: Any) -> int:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise NotFoundError(NOT_VISIBLE)
    try:
        return int(case_id)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_VISIBLE) from None


def _case_visible_get(user: Any, case_id: int, qs: QuerySet[Case]) -> Case:
    # One case: read it by its key, then ask the object check derived from
    # the same terms as case_visibility_q (can_see_case): no statement for
    # the terms that need one (a 联办件's branch departments) unless the
    # case is joint.
    try:
        # pk is unique: no ORDER BY (first() would compile one over the wide
        # select_related, which cost more than the query itself)
        case = qs.filter(pk=case_id).order_by().get()
    except Case.DoesNotExist:
        raise NotFoundError(NOT_VISIBLE) from None
    if not can_see_case(user=user, case=case):
        raise NotFoundError(NOT_VISIBLE)
    return case


def case_get_for_user(*, user: Any, case_id: Any, for_update: bool = False) -> Case:
    """
    Return the case if ``user`` may see it, else raise NotFoundError (404).

    中文：获取办件（含权限）
    """
    case_id = _case_id_or_404(user, case_id)
    # No users: pages and services use the snapshot fields (applicant_name,
    # ...) and the *_id columns; agent and current assignee are rare and load
    # on access. Each joined user (25 columns) cost ~1.8 ms of CPU to compile
    # and load, more than fetching it on the few pages that show it.
    qs = Case.objects.select_related("item", "item_version", "department")
    return _case_visible_get(user, case_id, qs)


def case_visible_to(*, user: Any, case: Case) -> bool:
    """
    Return True when ``case_visibility_q(user)`` holds for the loaded ``case``
    (``permissions.can_see_case``).

    中文：办件是否可见
    """
    return can_see_case(user=user, case=case)


# Of the item, version and department the detail API shows four names: only
# those columns are loaded with the case (the rest would load on access), one
# statement, no other app's table named here.
_DETAIL_ONLY = (
    *(f.name for f in Case._meta.concrete_fields),
    "item__item_code",
    "item_version__name",
    "item_version__version",
    "department__name",
)


def case_for_detail_get(*, user: Any, case_id: Any) -> Case:
    """
    Return the case for the detail API if ``user`` may see it, else raise
    NotFoundError (404), as ``case_get_for_user``.

    Loaded of the item, version and department: ``item.item_code``,
    ``item_version.name`` and ``.version``, ``department.name`` (the rest
    would load on access).

    中文：获取办件（详情接口，含权限）
    """
    case_id = _case_id_or_404(user, case_id)
    qs = Case.objects.select_related("item", "item_version", "department").only(
        *_DETAIL_ONLY
    )
    return _case_visible_get(user, case_id, qs)


def case_list_for_user(
    *,
    user: Any,
    inbox: str | None = None,
    status: str | None = None,
    q: str | None = None,
) -> QuerySet[Case]:
    """
    Return the cases ``user`` may see, newest first, filtered by inbox.

    Staff inboxes are scoped to the user's department (for users who see all,
    to all departments). Use keyset (``id__lt``) or a capped count to page:
    see ``case_count_capped``.

    中文：办件列表（含收件箱）
    """
    qs = Case.objects.select_related("item_version", "current_assignee").order_by("-id")
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    sees_all = case_visibility_terms(user).sees_all
    if inbox and inbox != Inbox.ALL:
        if inbox == Inbox.MINE:
            # the condition of the partial index case_assignee_running
            qs = qs.filter(current_assignee=user, status__in=CLOCK_STATUSES)
        elif sees_all or is_department_staff(user):
            if not sees_all:
                qs = qs.filter(department_id=user.department_id)
            if inbox == Inbox.INTAKE:
                qs = qs.filter(status=Status.SUBMITTED)
            elif inbox == Inbox.DUE_SOON:
                qs = qs.filter(lamp=Lamp.YELLOW)
            elif inbox == Inbox.OVERDUE:
                qs = qs.filter(lamp=Lamp.RED)
            elif inbox == Inbox.SUPPLEMENT:
                qs = qs.filter(status=Status.SUPPLEMENT_REQUESTED)
            elif inbox == Inbox.TO_CONCLUDE:
                qs = qs.filter(
                    status__in=(Status.DECIDED_APPROVED, Status.DECIDED_DENIED)
                )
            else:
                return qs.none()
        else:
            return qs.none()
    else:
        visible = case_visibility_q(user)
        if visible is not None:
            qs = qs.filter(visible)
    if status:
        qs = qs.filter(status=status)
    if q:
        q = q.strip()
        qs = qs.filter(Q(number=q) | Q(applicant_name__startswith=q)) if q else qs
    return qs


def case_count_capped(qs: QuerySet, cap: int = 1000) -> int:
    """Return ``min(count, cap)`` without counting a whole large table."""
    return qs.order_by()[:cap].count()


def case_inbox_counts(*, user: Any, cap: int = 1000) -> dict[str, int]:
    """
    Return the (capped) number of cases in each inbox of ``user``.

    中文：收件箱计数
    """
    return {
        name: case_count_capped(case_list_for_user(user=user, inbox=name), cap)
        for name in (Inbox.INTAKE, Inbox.MINE, Inbox.DUE_SOON, Inbox.OVERDUE)
    }


@dataclass
class ChecklistRow:
    material: Material
    files: list[CaseMaterial]
    satisfied: bool
    tolerated: bool


@dataclass
class CaseDetail:
    case: Case
    actions: list[str]
    checklist: list[ChecklistRow]
    extra_files: list[CaseMaterial]
    steps: list[CaseStep]
    suspensions: list[CaseSuspension]
    extensions: list[CaseExtension]
    supplement_requests: list[SupplementRequest]
    documents: list[CaseDocument]
    events: list[AuditEvent]
    clock: dict[str, Any] = field(default_factory=dict)


def case_checklist_get(*, case: Case) -> tuple[list[ChecklistRow], list[CaseMaterial]]:
    """
    Return the item's checklist with the files uploaded for each material,
    and the files not tied to a checklist material.

    中文：材料清单核对
    """
    files = list(CaseMaterial.objects.filter(case=case).order_by("id"))
    tolerated = {m.get("material_id") for m in case.tolerated_materials or []}
    rows = []
    for material in Material.objects.filter(version=case.item_version_id).order_by(
        "order", "id"
    ):
        mine = [f for f in files if f.material_id == material.pk]
        rows.append(ChecklistRow(material, mine, bool(mine), material.pk in tolerated))
    extra = [f for f in files if f.material_id is None]
    return rows, extra


def case_timeline(*, case: Case) -> list[AuditEvent]:
    """
    Return the audit events of a case, oldest first (the timeline).

    中文：办件时间线
    """
    return list(
        # actor_label holds the name: no join to the user
        AuditEvent.objects.filter(stream=f"cases.case:{case.pk}").order_by("seq")
    )


def case_clock_summary(*, case: Case, today: date | None = None) -> dict[str, Any]:
    """
    Return the clocks of a case for display (stored values, no recompute).

    中文：时限信息
    """
    return {
        "received_date": case.received_date,
        "intake_due_date": case.intake_due_date,
        "accepted_date": case.accepted_date,
        "deemed_accepted": case.deemed_accepted,
        "promised_days": case.promised_days,
        "statutory_days": case.statutory_days,
        "promised_unit": case.promised_unit,
        "statutory_unit": case.statutory_unit,
        "suspended_days": case.suspended_days,
        "extension_days": case.extension_days,
        "due_date": case.due_date,
        "statutory_due_date": case.statutory_due_date,
        "lamp": case.lamp,
        "lamp_label": Lamp(case.lamp).label if case.lamp in Lamp.values else "",
        "certificate_due_date": case.certificate_due_date,
        "tolerance_due_date": case.tolerance_due_date,
        "due_date_provisional": case.due_date_provisional,
    }


def case_detail_get(*, user: Any, case_id: Any, documents: bool = True) -> CaseDetail:
    """
    Return everything a detail page shows, with the user's allowed actions.

    ``documents=False`` leaves the notices out (the API lists them at their
    own URL), one query fewer.

    中文：办件详情
    """
    case = case_get_for_user(user=user, case_id=case_id)
    checklist, extra = case_checklist_get(case=case)
    return CaseDetail(
        case=case,
        actions=case_allowed_actions(case=case, user=user),
        checklist=checklist,
        extra_files=extra,
        steps=list(
            case.steps.select_related("assignee", "completed_by").order_by(
                "order", "id"
            )
        ),
        suspensions=list(case.suspensions.order_by("started_on", "id")),
        extensions=list(
            case.extensions.select_related("approved_by", "requested_by").order_by("id")
        ),
        supplement_requests=list(case.supplement_requests.order_by("id")),
        documents=list(case.documents.order_by("id")) if documents else [],
        events=case_timeline(case=case),
        clock=case_clock_summary(case=case),
    )


def _user_label(
    user_id: int | None, display_name: str | None, username: str | None
) -> str | None:
    """Return str(user) from its columns (None without a user)."""
    if user_id is None:
        return None
    return display_name or username


_STEP_COLUMNS = (
    "id",
    "order",
    "name",
    "role",
    "status",
    "assignee_id",
    "assignee__display_name",
    "assignee__username",
    "started_on",
    "due_date",
    "due_date_provisional",
    "lamp",
    "completed_at",
    "opinion",
    "decides",
)
_EXTENSION_COLUMNS = (
    "id",
    "days",
    "reason",
    "status",
    "requested_by_id",
    "requested_by__display_name",
    "requested_by__username",
    "requested_at",
    "approved_by_id",
    "approved_by__display_name",
    "approved_by__username",
    "approved_at",
    "decision_note",
)


def case_detail_lists_get(*, case: Case) -> dict[str, list[dict[str, Any]]]:
    """
    Return the lists the detail API shows of ``case``, as plain rows.

    Keys: materials (checklist order, then the other files), steps,
    suspensions, extensions, supplement_requests, events (the timeline).
    ``steps`` rows carry ``assignee`` and ``extensions`` rows ``approved_by``
    as the user's name (None without a user). Same rows and order as
    ``case_detail_get``; the caller has checked visibility. One query per
    list, values only (no model instances).

    中文：办件详情列表（精简读取）
    """
    materials = (
        CaseMaterial.objects.filter(case_id=case.pk)
        # files of a material outside the case's item version are not listed
        .filter(
            Q(material_id__isnull=True) | Q(material__version_id=case.item_version_id)
        )
        .order_by(
            F("material__order").asc(nulls_last=True),
            F("material_id").asc(nulls_last=True),
            "id",
        )
        .values(
            "id",
            "material_id",
            "name",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "round",
            "uploaded_at",
        )
    )
    steps = []
    for row in (
        CaseStep.objects.filter(case_id=case.pk)
        .order_by("order", "id")
        .values(*_STEP_COLUMNS)
    ):
        row["assignee"] = _user_label(
            row.pop("assignee_id"),
            row.pop("assignee__display_name"),
            row.pop("assignee__username"),
        )
        steps.append(row)
    extensions = []
    for row in (
        CaseExtension.objects.filter(case_id=case.pk)
        .order_by("id")
        .values(*_EXTENSION_COLUMNS)
    ):
        for who in ("requested_by", "approved_by"):
            row[who] = _user_label(
                row.pop(f"{who}_id"),
                row.pop(f"{who}__display_name"),
                row.pop(f"{who}__username"),
            )
        extensions.append(row)
    return {
        "materials": list(materials),
        "steps": steps,
        "suspensions": list(
            CaseSuspension.objects.filter(case_id=case.pk)
            .order_by("started_on", "id")
            .values(
                "id",
                "kind",
                "reason",
                "expected_days",
                "started_on",
                "ended_on",
                "working_days",
            )
        ),
        "extensions": extensions,
        "supplement_requests": list(
            SupplementRequest.objects.filter(case_id=case.pk)
            .order_by("id")
            .values(
                "id", "items", "reason", "requested_at", "answered_at", "answer_note"
            )
        ),
        "events": list(
            AuditEvent.objects.filter(stream=f"cases.case:{case.pk}")
            .order_by("seq")
            .values(
                "seq",
                "action",
                "from_state",
                "to_state",
                "actor_label",
                "created_at",
                "reason",
                "details",
                "hash",
            )
        ),
    }


@dataclass(frozen=True)
class PublicCaseStatus:
    number: str
    item_name: str
    department: str
    status: str
    status_label: str
    received_date: date | None
    accepted_date: date | None
    due_date: date | None
    concluded: bool
    steps: list[tuple[str, str]]  # (action label, date) without names
    due_date_provisional: bool = False


PUBLIC_EVENTS = {
    Action.SUBMIT: "已收件",
    Action.SUPPLEMENT: "已补正",
    Action.REQUEST_SUPPLEMENT: "需补正材料",
    Action.ACCEPT: "已受理",
    Action.DEEM_ACCEPT: "视为受理",
    Action.SUSPEND: "特别程序",
    Action.RESUME: "恢复计时",
    Action.EXTEND: "延期",
    Action.APPROVE: "已作出决定",
    Action.DENY: "已作出决定",
    Action.REFUSE: "不予受理",
    Action.CONCLUDE: "已办结",
    Action.WITHDRAW: "已撤回",
    Action.TERMINATE: "已终止",
    "deadline_recomputed": "期限依法校正（放假安排公布）",
}


def case_public_lookup(*, number: str, query_code: str) -> PublicCaseStatus | None:
    """
    Return the status of a case for the public lookup, or None.

    Both the number and the query code must match; no personal data and no
    reasons are returned.

    中文：办件公开查询
    """
    number = (number or "").strip()
    query_code = (query_code or "").strip().upper()
    if not number or not query_code or len(number) > 40 or len(query_code) > 8:
        return None
    case = (
        Case.objects.select_related("item_version", "department")
        .filter(number=number)
        .exclude(status=Status.DRAFT)
        .first()
    )
    if case is None or not hmac.compare_digest(case.query_code, query_code):
        return None
    events = [
        (PUBLIC_EVENTS[e.action], timezone.localdate(e.created_at).isoformat())
        for e in AuditEvent.objects.filter(stream=f"cases.case:{case.pk}").order_by(
            "seq"
        )
        if e.action in PUBLIC_EVENTS
    ]
    return PublicCaseStatus(
        number=case.number,
        item_name=case.item_version.name,
        department=case.department.name,
        status=case.status,
        status_label=str(Status(case.status).label),
        received_date=case.received_date,
        accepted_date=case.accepted_date,
        due_date=case.due_date,
        concluded=case.is_closed,
        steps=events,
        due_date_provisional=case.due_date_provisional,
    )


def case_document_get_for_user(*, user: Any, document_id: Any) -> CaseDocument:
    """
    Return a notice if ``user`` may see its case, else NotFoundError.

    中文：获取文书（含权限）
    """
    try:
        document_id = int(document_id)
    except (TypeError, ValueError):
        raise NotFoundError("文书不存在或无权查看。") from None
    document = CaseDocument.objects.filter(pk=document_id).only("id", "case_id").first()
    if document is None:
        raise NotFoundError("文书不存在或无权查看。")
    case_get_for_user(user=user, case_id=document.case_id)
    return CaseDocument.objects.select_related("case").get(pk=document_id)


def case_material_get_for_user(*, user: Any, material_id: Any) -> CaseMaterial:
    """
    Return an uploaded file if ``user`` may see its case, else NotFoundError.

    中文：获取办件材料（含权限）
    """
    try:
        material_id = int(material_id)
    except (TypeError, ValueError):
        raise NotFoundError("材料不存在或无权查看。") from None
    row = CaseMaterial.objects.filter(pk=material_id).first()
    if row is None:
        raise NotFoundError("材料不存在或无权查看。")
    case_get_for_user(user=user, case_id=row.case_id)
    return row


def notification_list_for_user(
    *, user: Any, unread_only: bool = False
) -> QuerySet[Notification]:
    """
    Return the user's in-app notifications, newest first.

    中文：我的消息
    """
    qs = Notification.objects.filter(user=user).select_related("case").order_by("-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def case_step_list_for_user(*, user: Any) -> QuerySet[CaseStep]:
    """
    Return the active steps assigned to ``user`` (我的待办 by step).

    中文：我的待办环节
    """
    return (
        CaseStep.objects.filter(assignee=user, status="active")
        .select_related("case", "case__item_version")
        .order_by("due_date", "id")
    )


def case_list_mine(*, user: User) -> QuerySet[Case]:
    """
    Return the cases the user filed as applicant or agent, newest first.

    中文：我的办件
    """
    return (
        case_list_for_user(user=user)
        .filter(Q(applicant=user) | Q(agent=user))
        .select_related(None)
        .select_related("item_version")
    )


def case_draft_find(*, user: User, item: ServiceItem) -> Case | None:
    """
    Return the user's newest draft for ``item`` (to resume it), or None.

    中文：查找申请草稿
    """
    return (
        case_list_for_user(user=user, status=Status.DRAFT)
        .filter(applicant=user, item=item)
        .first()
    )


def staff_list_for_department(*, department_id: int) -> QuerySet[User]:
    """
    Return the active members of staff of a department (for reassignment).

    中文：部门在岗人员
    """
    return (
        User.objects.filter(
            is_active=True,
            department_id=department_id,
            groups__name__in=[
                ROLE_GROUP_NAMES[Role.COUNTER_STAFF],
                ROLE_GROUP_NAMES[Role.REVIEWER],
            ],
        )
        .distinct()
        .order_by("display_name", "username")
    )


__all__ = [
    "CaseDetail",
    "ChecklistRow",
    "Inbox",
    "Prefetch",
    "PublicCaseStatus",
    "case_checklist_get",
    "case_clock_summary",
    "case_count_capped",
    "case_detail_get",
    "case_document_get_for_user",
    "case_draft_find",
    "case_get_for_user",
    "case_inbox_counts",
    "case_list_for_user",
    "case_list_mine",
    "case_material_get_for_user",
    "case_public_lookup",
    "case_step_list_for_user",
    "case_timeline",
    "case_visibility_q",
    "item_for_application_get",
    "notification_list_for_user",
    "staff_list_for_department",
]
