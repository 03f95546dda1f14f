"""
Reads of cases with the visibility rules; the only way a view gets a Case.

Visibility: applicants see their own cases and those they are the agent of;
counter staff and reviewers see their department's cases and cases whose
current step is theirs; supervisors (read-only), centre administrators and
superusers see all. Anything else is "not found" (404).
"""

import hmac
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from zhengtong.accounts.constants import Role
from zhengtong.catalog.models import (
    Department,
    Material,
    Region,
    ServiceItem,
    ServiceItemVersion,
)
from zhengtong.catalog.search import catalogue_signature_current
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


# The columns case_create() reads of an item, its current version, the
# departments and the region codes. One plain statement: the equivalent ORM
# select_related over four tables cost more CPU to compile than the whole
# insert of the case.
_ITEM_SQL = """
SELECT i.id, i.item_code, i.region_id, i.department_id, i.current_version_id,
       ir.code,
       v.status, v.department_id, v.handling_mode, v.promised_days,
       v.statutory_days, v.name,
       vd.region_id, vdr.code,
       idp.region_id, idr.code,
       v.promised_unit, v.statutory_unit
FROM catalog_serviceitem i
LEFT JOIN catalog_region ir ON ir.id = i.region_id
LEFT JOIN catalog_serviceitemversion v ON v.id = i.current_version_id
LEFT JOIN catalog_department vd ON vd.id = v.department_id
LEFT JOIN catalog_region vdr ON vdr.id = vd.region_id
LEFT JOIN catalog_department idp ON idp.id = i.department_id
LEFT JOIN catalog_region idr ON idr.id = idp.region_id
WHERE i.item_code = %s
"""


def _loaded(model, **values):
    """Return a ``model`` instance with only ``values`` loaded (from_db order)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db("default", names, [values[name] for name in names])


def _department(pk, region_id, region_code) -> Department:
    department = _loaded(Department, id=pk, region_id=region_id)
    if region_id is not None:
        department.region = _loaded(Region, id=region_id, code=region_code)
    return department


# code -> (catalogue signature, monotonic time read, item)
_items_read: dict[str, tuple[tuple, float, ServiceItem]] = {}
_ITEMS_READ_MAX = 5000


def item_for_application_get(*, code: str) -> ServiceItem | None:
    """
    Return the item with ``code`` and what an application needs of it.

    The item comes with its current version, departments and regions loaded
    (only the fields ``services.case_create`` reads; others load on access),
    or None when no item has this code.

    The answer is kept in this process's memory while the catalogue is
    unchanged and for at most ``CASES_ITEM_CACHE_SECONDS`` (default 30 s; 0
    turns the memory off), so calls may share one instance: read it, never
    change it. A new or withdrawn version changes the catalogue signature,
    which the next application sees within the signature's re-check time
    (1 s); the age limit bounds how long a renamed department or a changed
    region code can be missed. Unknown codes are never remembered.

    中文：按事项编码取申请所需事项信息
    """
    max_age = float(getattr(settings, "CASES_ITEM_CACHE_SECONDS", 30))
    if max_age > 0:
        signature = catalogue_signature_current()
        now = time.monotonic()
        hit = _items_read.get(code)
        if hit is not None and hit[0] == signature and now - hit[1] < max_age:
            return hit[2]
    with connection.cursor() as cursor:
        cursor.execute(_ITEM_SQL, [code])
        row = cursor.fetchone()
    if row is None:
        return None
    item = _item_from_row(row)
    if max_age > 0:
        if len(_items_read) >= _ITEMS_READ_MAX:
            _items_read.clear()
        _items_read[code] = (signature, now, item)
    return item


def _item_from_row(row: tuple) -> ServiceItem:
    """Return the item, version, departments and regions of one _ITEM_SQL row."""
    (item_id, item_code, region_id, dept_id, version_id, region_code) = row[:6]
    item = _loaded(
        ServiceItem,
        id=item_id,
        item_code=item_code,
        region_id=region_id,
        department_id=dept_id,
        current_version_id=version_id,
    )
    if region_id is not None:
        item.region = _loaded(Region, id=region_id, code=region_code)
    if dept_id is not None:
        item.department = _department(dept_id, row[14], row[15])
    if version_id is not None:
        status, v_dept_id, mode, promised, statutory, name = row[6:12]
        version = _loaded(
            ServiceItemVersion,
            id=version_id,
            item_id=item_id,
            status=status,
            department_id=v_dept_id,
            handling_mode=mode,
            promised_days=promised,
            statutory_days=statutory,
            name=name,
            promised_unit=row[16],
            statutory_unit=row[17],
        )
        if v_dept_id is not None:
            version.department = _department(v_dept_id, row[12], row[13])
        item.current_version = version
    return item


def _sees_all(user) -> bool:
    return (
        user.is_superuser
        or user.has_role(Role.CENTRE_ADMIN)
        or user.has_role(Role.SUPERVISOR)
    )


def _is_dept_staff(user) -> bool:
    return user.department_id is not None and (
        user.has_role(Role.COUNTER_STAFF) or user.has_role(Role.REVIEWER)
    )


def case_visibility_q(user) -> Q | None:
    """
    Return the filter of cases ``user`` may see (None: all of them).

    中文：办件可见范围
    """
    if _sees_all(user):
        return None
    q = Q(applicant=user) | Q(agent=user)
    if _is_dept_staff(user):
        q |= Q(department_id=user.department_id) | Q(current_assignee=user)
    return q


def case_get_for_user(*, user, case_id: Any, for_update: bool = False) -> Case:
    """
    Return the case if ``user`` may see it, else raise NotFoundError (404).

    中文：获取办件（含权限）
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise NotFoundError("办件不存在或无权查看。")
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise NotFoundError("办件不存在或无权查看。") from None
    # No users: pages and services use the snapshot fields (applicant_name,
    # ...) and the *_id columns; agent and current assignee are rare and load
    # on access. Each joined user (25 columns) cost ~1.8 ms of CPU to compile
    # and load, more than fetching it on the few pages that show it.
    qs = Case.objects.select_related("item", "item_version", "department")
    q = case_visibility_q(user)
    if q is not None:
        qs = qs.filter(q)
    try:
        # pk is unique: no ORDER BY (first() would compile one over the wide
        # select_related, which cost more than the query itself)
        return qs.filter(pk=case_id).order_by().get()
    except Case.DoesNotExist:
        raise NotFoundError("办件不存在或无权查看。") from None


def case_visible_to(*, user, case: Case) -> bool:
    """
    Return True when ``case_visibility_q(user)`` holds for the loaded ``case``.

    中文：办件是否可见
    """
    if _sees_all(user):
        return True
    if user.pk in (case.applicant_id, case.agent_id):
        return True
    return _is_dept_staff(user) and (
        case.department_id == user.department_id or case.current_assignee_id == user.pk
    )


# The case row and the four names the detail API shows of its item, version
# and department, in one plain statement: the ORM select_related over the three
# tables (every column of each) cost ~3 ms of CPU to compile and load against
# ~1 ms for this. Case.objects.raw() converts the columns as the ORM does.
_CASE_FOR_DETAIL_SQL = """
SELECT c.*, i.item_code AS detail_item_code, v.name AS detail_version_name,
       v.version AS detail_version, d.name AS detail_department_name
FROM cases_case c
JOIN catalog_serviceitem i ON i.id = c.item_id
JOIN catalog_serviceitemversion v ON v.id = c.item_version_id
JOIN catalog_department d ON d.id = c.department_id
WHERE c.id = %s
"""


def case_for_detail_get(*, user, case_id: Any) -> Case:
    """
    Return the case for the detail API if ``user`` may see it, else raise
    NotFoundError (404), as ``case_get_for_user``.

    Loaded of the item, version and department: ``item.item_code``,
    ``item_version.name`` and ``.version``, ``department.name`` (the rest
    would load on access).

    中文：获取办件（详情接口，含权限）
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise NotFoundError("办件不存在或无权查看。")
    try:
        case_id = int(case_id)
    except (TypeError, ValueError):
        raise NotFoundError("办件不存在或无权查看。") from None
    found = list(Case.objects.raw(_CASE_FOR_DETAIL_SQL, [case_id]))
    if not found or not case_visible_to(user=user, case=found[0]):
        raise NotFoundError("办件不存在或无权查看。")
    case = found[0]
    case.item = _loaded(ServiceItem, id=case.item_id, item_code=case.detail_item_code)
    case.item_version = _loaded(
        ServiceItemVersion,
        id=case.item_version_id,
        name=case.detail_version_name,
        version=case.detail_version,
    )
    case.department = _loaded(
        Department, id=case.department_id, name=case.detail_department_name
    )
    return case


def case_list_for_user(
    *,
    user,
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
    sees_all = _sees_all(user)
    if inbox and inbox != Inbox.ALL:
        if inbox == Inbox.MINE:
            # the condition of the partial index case_assignee_running
            qs = qs.filter(current_assignee=user, status__in=CLOCK_STATUSES)
        elif sees_all or _is_dept_staff(user):
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


def case_inbox_counts(*, user, cap: int = 1000) -> dict[str, int]:
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


def case_detail_get(*, user, case_id: Any, documents: bool = True) -> CaseDetail:
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
        steps=list(case.steps.select_related("assignee").order_by("order", "id")),
        suspensions=list(case.suspensions.order_by("started_on", "id")),
        extensions=list(case.extensions.select_related("approved_by").order_by("id")),
        supplement_requests=list(case.supplement_requests.order_by("id")),
        documents=list(case.documents.order_by("id")) if documents else [],
        events=case_timeline(case=case),
        clock=case_clock_summary(case=case),
    )


# The per-case lists of the detail API as plain SQL, one statement each (the
# checklist order comes from a join, not a second query). Compiling the ORM
# equivalents (all columns, users joined for a name) cost the detail API more
# CPU than PostgreSQL spent running them. Portable SQL (PostgreSQL and SQLite);
# values come out as the ORM gives them: aware datetimes, decoded JSON.
_DETAIL_SQL = {
    # uploaded files: per checklist material in checklist order (order, id),
    # then the files tied to no material; files of a material outside the
    # case's item version are not listed (as in case_checklist_get)
    "materials": """
        SELECT f.id, f.material_id, f.name, f.original_name, f.content_type,
               f.size, f.sha256, f.round, f.uploaded_at
        FROM cases_casematerial f
        LEFT JOIN catalog_material m ON m.id = f.material_id
        WHERE f.case_id = %s AND (f.material_id IS NULL OR m.version_id = %s)
        ORDER BY CASE WHEN f.material_id IS NULL THEN 1 ELSE 0 END,
                 m."order", m.id, f.id""",
    "steps": """
        SELECT s.id, s."order", s.name, s.role, s.status, s.assignee_id,
               u.display_name, u.username, s.started_on, s.due_date,
               s.due_date_provisional, s.lamp,
               s.completed_at, s.opinion
        FROM cases_casestep s LEFT JOIN accounts_user u ON u.id = s.assignee_id
        WHERE s.case_id = %s ORDER BY s."order", s.id""",
    "suspensions": """
        SELECT id, kind, reason, expected_days, started_on, ended_on, working_days
        FROM cases_casesuspension WHERE case_id = %s ORDER BY started_on, id""",
    "extensions": """
        SELECT e.id, e.days, e.reason, e.approved_by_id, u.display_name,
               u.username, e.approved_at
        FROM cases_caseextension e LEFT JOIN accounts_user u ON u.id = e.approved_by_id
        WHERE e.case_id = %s ORDER BY e.id""",
    "supplement_requests": """
        SELECT id, items, reason, requested_at, answered_at, answer_note
        FROM cases_supplementrequest WHERE case_id = %s ORDER BY id""",
    "events": """
        SELECT seq, action, from_state, to_state, actor_label, created_at, reason,
               details, hash
        FROM core_auditevent WHERE stream = %s ORDER BY seq""",
}
# (list, column) pairs holding datetimes and JSON, converted like the ORM does
_DETAIL_DATETIMES = {
    "materials": ("uploaded_at",),
    "steps": ("completed_at",),
    "extensions": ("approved_at",),
    "supplement_requests": ("requested_at", "answered_at"),
    "events": ("created_at",),
}
_DETAIL_JSON = {
    "supplement_requests": ("items", SupplementRequest, "items"),
    "events": ("details", AuditEvent, "details"),
}


def _user_label(user_id, display_name, username) -> str | None:
    """Return str(user) from its columns (None without a user)."""
    if user_id is None:
        return None
    return display_name or username


def case_detail_lists_get(*, case: Case) -> dict[str, list[dict[str, Any]]]:
    """
    Return the lists the detail API shows of ``case``, as plain rows.

    Keys: materials (checklist order, then the other files), steps,
    suspensions, extensions, supplement_requests, events (the timeline).
    ``steps`` rows carry ``assignee`` and ``extensions`` rows ``approved_by``
    as the user's name (None without a user). Same rows and order as
    ``case_detail_get``; the caller has checked visibility.

    中文：办件详情列表（精简读取）
    """
    params = {
        "materials": [case.pk, case.item_version_id],
        "events": [f"cases.case:{case.pk}"],
    }
    lists: dict[str, list[dict[str, Any]]] = {}
    with connection.cursor() as cursor:
        for name, sql in _DETAIL_SQL.items():
            cursor.execute(sql, params.get(name, [case.pk]))
            columns = [col[0] for col in cursor.description]
            lists[name] = [
                dict(zip(columns, row, strict=True)) for row in cursor.fetchall()
            ]
    for name, columns in _DETAIL_DATETIMES.items():
        for row in lists[name]:
            for column in columns:
                row[column] = _aware(row[column])
    for name, (column, model, field_name) in _DETAIL_JSON.items():
        field = model._meta.get_field(field_name)
        for row in lists[name]:
            row[column] = field.from_db_value(row[column], None, connection)
    for row in lists["steps"]:
        row["assignee"] = _user_label(
            row.pop("assignee_id"), row.pop("display_name"), row.pop("username")
        )
    for row in lists["extensions"]:
        row["approved_by"] = _user_label(
            row.pop("approved_by_id"), row.pop("display_name"), row.pop("username")
        )
    return lists


def _aware(value):
    """Return a datetime column as the ORM does: aware (SQLite stores naive ones)."""
    if isinstance(value, str):  # a backend without a datetime converter
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, connection.timezone)
    return value


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
        (PUBLIC_EVENTS[e.action], e.created_at.date().isoformat())
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


def case_document_get_for_user(*, user, document_id: Any) -> CaseDocument:
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


def case_material_get_for_user(*, user, material_id: Any) -> CaseMaterial:
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
    *, user, unread_only: bool = False
) -> QuerySet[Notification]:
    """
    Return the user's in-app notifications, newest first.

    中文：我的消息
    """
    qs = Notification.objects.filter(user=user).select_related("case").order_by("-id")
    return qs.filter(read_at__isnull=True) if unread_only else qs


def case_step_list_for_user(*, user) -> QuerySet[CaseStep]:
    """
    Return the active steps assigned to ``user`` (我的待办 by step).

    中文：我的待办环节
    """
    return (
        CaseStep.objects.filter(assignee=user, status="active")
        .select_related("case", "case__item_version")
        .order_by("due_date", "id")
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
    "case_get_for_user",
    "case_inbox_counts",
    "case_list_for_user",
    "case_material_get_for_user",
    "case_public_lookup",
    "case_step_list_for_user",
    "case_timeline",
    "case_visibility_q",
    "item_for_application_get",
    "notification_list_for_user",
]
