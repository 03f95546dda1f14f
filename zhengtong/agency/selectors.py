"""
Reads of agency with the visibility rules.

The receiving hall of a case (统一出件) is where the applicant was received:
the hall of the queue ticket linked to the case (the same source as the
supervision clocks, ``supervision/services/sync.py``); a case without a
ticket (applied online) goes back to the halls where its department has a
counter.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from zhengtong.bundles.models import BundleApplication, BundleSubCase
from zhengtong.cases.constants import FINAL_STATUSES, Status
from zhengtong.cases.models import Case
from zhengtong.catalog.models import Counter, Hall
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.core.inputs import int_id
from zhengtong.core.masking import mask_name, mask_phone
from zhengtong.queueing.models import Ticket
from zhengtong.queueing.selectors import counter_list_for_staff

from . import permissions
from .constants import OPEN_ASSIGNMENT, ErrorCode, MarkKind
from .models import (
    AgencyAssignment,
    AgencyOfficer,
    GuidanceRecord,
    MajorProject,
    PriorityMark,
)

READY_STATUSES = (Status.DECIDED_APPROVED, Status.DECIDED_DENIED)
MARK_GROUPS = ("kind", "target", "month", "department")


# -- 统一出件 ---------------------------------------------------------------


def desk_hall_ids(*, user: Any) -> set[int] | None:
    """
    Return the halls of ``user``'s 出件 desk (None: every hall).

    中文：出件台所在大厅
    """
    if permissions.can_read_all(user=user):
        return None
    return {c.hall_id for c in counter_list_for_staff(user=user)}


def received_in_halls_q(hall_ids: set[int]) -> Q:
    """
    Return the filter of cases received in one of ``hall_ids``.

    中文：在本大厅收件的办件
    """
    tickets = Ticket.objects.filter(case_id=OuterRef("pk"))
    counters = Counter.objects.filter(
        departments=OuterRef("department_id"), hall_id__in=hall_ids, is_active=True
    )
    return Q(Exists(tickets.filter(hall_id__in=hall_ids))) | (
        ~Q(Exists(tickets)) & Q(Exists(counters))
    )


def handover_ready_list(*, hall_ids: set[int] | None) -> QuerySet[Case]:
    """
    Return the cases whose result is ready (decided, not yet delivered),
    received in ``hall_ids`` (None: anywhere), oldest decision first.

    中文：待出件办件
    """
    qs = Case.objects.filter(
        status__in=READY_STATUSES,
        delivered_at__isnull=True,
        delivery_not_needed_reason="",
    )
    if hall_ids is not None:
        qs = qs.filter(received_in_halls_q(hall_ids)) if hall_ids else qs.none()
    return qs.order_by("decided_at", "id")


def handover_desk_list(*, user: Any, hall_id: Any = None) -> QuerySet[Case]:
    """
    Return the 出件 desk of ``user``: ready cases received in their halls
    (one hall when ``hall_id`` is given), with preference and marks.

    中文：出件台列表
    """
    if not permissions.can_use_handover_desk(user=user):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有窗口人员可以使用出件台。", status=403
        )
    halls = desk_hall_ids(user=user)
    if hall_id not in (None, ""):
        wanted = int_id(str(hall_id))
        if wanted is None or (halls is not None and wanted not in halls):
            raise NotFoundError("大厅不存在或不是您所在的大厅。")
        halls = {wanted}
    return handover_ready_list(hall_ids=halls).select_related(
        "item_version", "department", "handover", "bundle_link__application"
    )


@dataclass
class BundleGroup:
    """
    The sub-cases of one 一件事 application at a 出件 desk: ``ready`` (on
    the desk), ``pending`` (no result yet: they block 全部出件).

    中文：一件事出件分组
    """

    application: BundleApplication
    ready: list[Case] = field(default_factory=list)
    pending: list[Case] = field(default_factory=list)


def _undecided(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.exclude(status__in=(*READY_STATUSES, *FINAL_STATUSES))


def bundle_pending_counts(*, application_ids: set[int]) -> dict[int, int]:
    """
    Return how many sub-cases of each application have no result yet.

    中文：一件事未决子办件数
    """
    if not application_ids:
        return {}
    rows = (
        _undecided(Case.objects.filter(bundle_link__application_id__in=application_ids))
        .values("bundle_link__application_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["bundle_link__application_id"]: r["n"] for r in rows}


def bundle_handover_group(*, user: Any, application: BundleApplication) -> BundleGroup:
    """
    Return the ready and pending sub-cases of ``application`` for ``user``'s
    出件 desk.

    中文：一件事出件分组
    """
    ids = BundleSubCase.objects.filter(application=application).values("case_id")
    ready = list(handover_desk_list(user=user).filter(pk__in=ids))
    pending = list(_undecided(Case.objects.filter(pk__in=ids)).order_by("id"))
    return BundleGroup(application=application, ready=ready, pending=pending)


def bundle_handover_get(*, user: Any, application_id: Any) -> BundleApplication:
    """
    Return a 一件事 application with a sub-case on ``user``'s 出件 desk,
    else raise NotFoundError (404).

    中文：获取待出件的一件事
    """
    pk = int_id(str(application_id))
    ids = BundleSubCase.objects.filter(application_id=pk).values("case_id")
    if pk is None or not handover_desk_list(user=user).filter(pk__in=ids).exists():
        raise NotFoundError("一件事申请不存在或不在本大厅待出件。")
    return BundleApplication.objects.select_related("bundle").get(pk=pk)


def case_receiving_hall(*, case: Case) -> Hall | None:
    """
    Return the hall where ``case`` was received (see the module docstring).

    中文：收件大厅
    """
    ticket = (
        Ticket.objects.filter(case_id=case.pk).select_related("hall").order_by("id")
    ).first()
    if ticket is not None:
        return ticket.hall
    counter = (
        Counter.objects.filter(departments=case.department_id, is_active=True)
        .select_related("hall")
        .order_by("hall_id", "number")
        .first()
    )
    return counter.hall if counter is not None else None


def case_pickup_place(*, case: Case) -> str:
    """
    Return where the applicant collects the result: the hall and address.

    中文：领取地点
    """
    hall = case_receiving_hall(case=case)
    if hall is None:
        return ""
    return f"{hall.name}（{hall.address}）" if hall.address else hall.name


# -- green channel ----------------------------------------------------------


def case_list_marked(*, qs: QuerySet[Case]) -> QuerySet[Case]:
    """
    Return the cases of ``qs`` with a green channel mark in force (shown
    first in the staff inbox): the ids of every marked case still open are
    read first (a short index read of the marks: open marked cases are few),
    so the inbox query is narrowed to those ids instead of probing every
    case for a mark (bench/bench_agency_desk.py). No cap: a department's
    marked cases must never be left out because others are newer.

    中文：绿色通道办件
    """
    ids = list(
        PriorityMark.objects.filter(case__isnull=False, revoked_at__isnull=True)
        .exclude(case__status__in=FINAL_STATUSES)
        .values_list("case_id", flat=True)
    )
    return qs.filter(pk__in=ids) if ids else qs.none()


def case_mark_get(*, case: Case) -> PriorityMark | None:
    """The case's mark in force (not revoked). 中文：办件的绿色通道标记"""
    return PriorityMark.objects.filter(case=case, revoked_at__isnull=True).first()


def mark_list(*, open_only: bool = False) -> QuerySet[PriorityMark]:
    """
    Return the green channel marks, newest first, with their history
    (who marked, who revoked, why); the caller checks who may read.

    中文：绿色通道标记列表
    """
    qs = PriorityMark.objects.select_related(
        "case", "ticket", "marked_by", "revoked_by"
    ).order_by("-id")
    return qs.filter(revoked_at__isnull=True) if open_only else qs


def mark_get(*, mark_id: Any) -> PriorityMark:
    """中文：获取绿色通道标记"""
    pk = int_id(str(mark_id))
    row = mark_list().filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFoundError("绿色通道标记不存在。")
    return row


def mark_counts(
    *, date_from: date, date_to: date, group: str = "kind"
) -> list[dict[str, Any]]:
    """
    Count green channel marks made from ``date_from`` to ``date_to``
    (inclusive, local dates), grouped by ``group``: ``kind`` (重点项目, 老年人,
    残疾人, 军人), ``target`` (case or ticket), ``month`` or ``department``
    (the marked case's department; tickets have none).

    Rows are ``{"key", "label", "count", "given", "revoked"}``, largest
    first (months in order): ``given`` (= ``count``) the marks given in the
    period, ``revoked`` how many of those were revoked since (撤销, counted
    separately).

    中文：绿色通道统计
    """
    if group not in MARK_GROUPS:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "分组须为 kind、target、month 或 department。"
        )
    if date_to < date_from:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "结束日期不能早于开始日期。")
    qs = PriorityMark.objects.filter(marked_on__gte=date_from, marked_on__lte=date_to)
    sums = {"n": Count("id"), "r": Count("id", filter=Q(revoked_at__isnull=False))}

    def row(key: Any, label: str, r: Any) -> dict[str, Any]:
        return {
            "key": key,
            "label": label,
            "count": r["n"],
            "given": r["n"],
            "revoked": r["r"],
        }

    rows: list[dict[str, Any]]
    if group == "kind":
        labels = dict(MarkKind.choices)
        rows = [
            row(r["kind"], str(labels[r["kind"]]), r)
            for r in qs.values("kind").annotate(**sums).order_by()
        ]
    elif group == "target":
        rows = [
            row(key, label, qs.filter(**{f"{key}__isnull": False}).aggregate(**sums))
            for key, label in (("case", "办件"), ("ticket", "排队号"))
        ]
    elif group == "month":
        return [
            row(f"{r['m']:%Y-%m}", f"{r['m']:%Y年%-m月}", r)
            for r in qs.annotate(m=TruncMonth("marked_on"))
            .values("m")
            .annotate(**sums)
            .order_by("m")
        ]
    else:
        rows = [
            row(
                r["case__department_id"],
                r["case__department__name"] or "排队号（无部门）",
                r,
            )
            for r in qs.values("case__department_id", "case__department__name")
            .annotate(**sums)
            .order_by()
        ]
    return sorted(rows, key=lambda r: (-r["count"], str(r["key"])))


# -- 代办 / 帮办 ------------------------------------------------------------


def _assignments() -> QuerySet[AgencyAssignment]:
    return AgencyAssignment.objects.select_related(
        "case", "case__item_version", "officer", "officer__user"
    ).order_by("-id")


def assignment_list_for_user(
    *, user: Any, open_only: bool = False
) -> QuerySet[AgencyAssignment]:
    """
    Return the 代办 records ``user`` may see: all (admin, supervisor), the
    officer's own, the applicant's own.

    中文：代办列表
    """
    qs = _assignments()
    if open_only:
        qs = qs.filter(status__in=OPEN_ASSIGNMENT)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if permissions.can_read_all(user=user):
        return qs
    return qs.filter(
        Q(officer__user=user) | Q(case__applicant=user) | Q(case__agent=user)
    )


def assignment_get_for_user(*, user: Any, assignment_id: Any) -> AgencyAssignment:
    """中文：获取代办记录（含权限）"""
    pk = int_id(str(assignment_id))
    row = _assignments().filter(pk=pk).first() if pk else None
    if row is None or not permissions.can_see_assignment(user=user, assignment=row):
        raise NotFoundError("代办记录不存在或无权查看。")
    return row


def assignment_for_case(*, case: Case) -> AgencyAssignment | None:
    """中文：办件当前的代办"""
    return _assignments().filter(case=case).order_by("-id").first() if case.pk else None


def officer_list(*, active_only: bool = True) -> QuerySet[AgencyOfficer]:
    """中文：代办员名册"""
    qs = AgencyOfficer.objects.select_related("user").order_by("id")
    return qs.filter(is_active=True) if active_only else qs


def officer_get(*, officer_id: Any) -> AgencyOfficer:
    """中文：获取代办员"""
    pk = int_id(str(officer_id))
    row = officer_list(active_only=False).filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFoundError("代办员不存在。")
    return row


# -- 四办 ------------------------------------------------------------------


def project_list_for_user(
    *, user: Any, stage: str | None = None
) -> QuerySet[MajorProject]:
    """
    Return the major projects (staff see all: the 四办 path is centre-wide).

    中文：四办项目列表
    """
    qs = MajorProject.objects.select_related(
        "follow_up_officer", "region", "case"
    ).order_by("-id")
    if not permissions.can_see_projects(user=user):
        return qs.none()
    return qs.filter(stage=stage) if stage else qs


def project_get_for_user(*, user: Any, project_id: Any) -> MajorProject:
    """中文：获取四办项目（含权限）"""
    pk = int_id(str(project_id))
    row = project_list_for_user(user=user).filter(pk=pk).first() if pk else None
    if row is None:
        raise NotFoundError("项目不存在或无权查看。")
    return row


def handover_case_get(*, user: Any, case_id: Any) -> Case:
    """
    Return a case on ``user``'s 出件 desk, else raise NotFoundError (404).

    中文：获取待出件办件
    """
    pk = int_id(str(case_id))
    case = handover_desk_list(user=user).filter(pk=pk).first() if pk else None
    if case is None:
        raise NotFoundError("办件不存在或不在本大厅待出件。")
    return case


# -- 导办 -------------------------------------------------------------------


def guidance_list_for_user(
    *, user: Any, day: date, hall_id: int | None = None
) -> QuerySet[GuidanceRecord]:
    """
    Return the 导办 records of ``day`` (one hall when given), newest first;
    403 for who may not read them.

    中文：导办记录列表
    """
    if not permissions.can_see_guidance(user=user):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有导办员、中心管理员和监察人员可以查看导办记录。",
            status=403,
        )
    qs = GuidanceRecord.objects.filter(guided_on=day).select_related(
        "hall", "guide", "counter", "item", "ticket"
    )
    if hall_id is not None:
        qs = qs.filter(hall_id=hall_id)
    return qs.order_by("-guided_at", "-id")


def guidance_row(record: GuidanceRecord) -> dict[str, Any]:
    """
    Return one 导办 record as shown in lists, API and export (masked).

    中文：导办记录（脱敏）
    """
    return {
        "id": record.pk,
        "hall": record.hall.name,
        "guided_at": record.guided_at,
        "guide": str(record.guide),
        "visitor": mask_name(record.visitor_name),
        "phone": mask_phone(record.visitor_phone),
        "need": record.need,
        "counter": str(record.counter) if record.counter else "",
        "item": record.item.name if record.item else "",
        "ticket": record.ticket.number if record.ticket else "",
    }
