"""
Demo agency data (README): the thresholds of the source documents, one
代办员 (``counter2``) with a 代办 case authorised by its applicant, one
major project on the 四办 path, a green channel ticket and case, and the
decided demo cases waiting at the 统一出件 desk. Idempotent.
"""

from datetime import date
from decimal import Decimal
from typing import IO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from zhengtong.cases.constants import FINAL_STATUSES, Status
from zhengtong.cases.models import Case
from zhengtong.catalog.models import ServiceItem
from zhengtong.queueing.models import Ticket

from . import selectors, services
from .constants import (
    OPEN_ASSIGNMENT,
    AssignmentStatus,
    ConsentMethod,
    MarkKind,
    Sector,
)
from .models import (
    AgencyAssignment,
    AgencyOfficer,
    GuidanceRecord,
    MajorProject,
    MajorProjectRule,
    PriorityMark,
)

User = get_user_model()

RULES = {
    # seed-rules E (四办 一): 万元 / 万美元 / 万元
    Sector.INDUSTRY: (1000, 100, 5000),
    Sector.SERVICES: (3000, 300, 20000),
}


def _rules() -> None:
    for sector, (capital, foreign, total) in RULES.items():
        MajorProjectRule.objects.get_or_create(
            region=None,
            sector=sector,
            defaults={
                "registered_capital_wan": Decimal(capital),
                "foreign_capital_usd_wan": Decimal(foreign),
                "total_investment_wan": Decimal(total),
                "basis": "龙泉驿区政务中心四办制度（重大项目认定标准）",
            },
        )


def _officer(user) -> AgencyOfficer:
    officer, _ = AgencyOfficer.objects.get_or_create(
        user=user,
        defaults={
            "qualification": "中心代办员岗位培训合格",
            "certificate_number": "DB-2026-001",
            "qualified_on": date(2026, 1, 5),
        },
    )
    return officer


def _agency_case(admin, officer) -> AgencyAssignment | None:
    existing = AgencyAssignment.objects.filter(status__in=OPEN_ASSIGNMENT).first()
    if existing is not None:
        return existing
    case = (
        Case.objects.exclude(status__in=(*FINAL_STATUSES, Status.DRAFT))
        .exclude(agency_assignments__isnull=False)
        .order_by(
            # a case waiting for a supplement shows the officer's work best
            "-status",
            "id",
        )
        .filter(
            status__in=(Status.SUPPLEMENT_REQUESTED, Status.SUBMITTED, Status.ACCEPTED)
        )
        .first()
    )
    if case is None:
        return None
    applicant = case.applicant
    assignment = services.assignment_request(
        case=case, actor=applicant, kind="agency", needs=""
    )
    services.assignment_assign(assignment=assignment, actor=admin, officer=officer)
    return services.assignment_authorise(
        assignment=assignment, actor=applicant, method=ConsentMethod.ONLINE
    )


def _project(admin, officer_user) -> MajorProject:
    project = MajorProject.objects.order_by("id").first()
    if project is not None:
        return project
    project = services.major_project_register(
        actor=admin,
        name="广安智能装备产业园一期",
        enterprise="四川某智能装备有限公司",
        sector=Sector.INDUSTRY,
        registered_capital_wan=Decimal(3000),
        total_investment_wan=Decimal(68000),
        follow_up_officer=officer_user,
        windows=3,
        note="总值班室登记来访，项目投资 6.8 亿元，涉及发改、自然资源、住建 3 个窗口。",
    )
    project = services.major_project_advance(
        project=project,
        actor=officer_user,
        note="各窗口审办：立项、用地、规划材料齐全，具备办理条件。",
    )
    return services.major_project_advance(
        project=project,
        actor=officer_user,
        note="三个窗口，由分管副主任召集联办会议，明确并联办理和完成时限。",
    )


def _green_ticket(counter_user) -> Ticket | None:
    marked = PriorityMark.objects.filter(ticket__isnull=False).first()
    if marked is not None:
        return marked.ticket
    ticket = (
        Ticket.objects.filter(
            status=Ticket.Status.WAITING,
            service_date__gte=timezone.localdate(),
            priority=Ticket.Priority.NONE,
        )
        .order_by("service_date", "-arrival_at")
        .first()
    )
    if ticket is None:
        return None
    services.priority_mark_ticket(
        ticket=ticket,
        actor=counter_user,
        kind=MarkKind.ELDERLY,
        basis="持老年人优待证（78岁）",
    )
    return ticket


def _guidance(guide) -> None:
    """counter doubles as the hall guide (导办员) in the demo: two records."""
    guide.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="agency", codename="record_guidance"
        )
    )
    if GuidanceRecord.objects.exists():
        return
    counter = guide.counters.select_related("hall").order_by("pk").first()
    if counter is None:
        return
    item = ServiceItem.objects.order_by("pk").first()
    services.guidance_record_create(
        actor=guide,
        hall_id=counter.hall_id,
        visitor_name="赵建国",
        visitor_phone="13800001111",
        need="咨询个体工商户开业登记，需带哪些材料",
        counter_id=counter.pk,
        item_id=item.pk if item else None,
    )
    services.guidance_record_create(
        actor=guide,
        hall_id=counter.hall_id,
        visitor_name="钱秀英",
        need="老年人办理社保待遇认证，引导至帮办窗口",
        counter_id=counter.pk,
    )


def _revoked_mark(counter_user) -> None:
    """One mark given in error and revoked, so the history shows."""
    if PriorityMark.objects.filter(revoked_at__isnull=False).exists():
        return
    ticket = (
        Ticket.objects.filter(
            status=Ticket.Status.WAITING,
            service_date__gte=timezone.localdate(),
            priority=Ticket.Priority.NONE,
        )
        .exclude(priority_marks__isnull=False)
        .order_by("service_date", "arrival_at")
        .first()
    )
    if ticket is None:
        return
    mark = services.priority_mark_ticket(
        ticket=ticket,
        actor=counter_user,
        kind=MarkKind.SERVICEMAN,
        basis="自述现役军人",
    )
    services.priority_mark_revoke(
        mark=mark, actor=counter_user, reason="未能出示军人证件，按普通号办理。"
    )


def seed(*, password: str, stdout: IO | None = None) -> None:
    """
    Create the demo agency data; safe to run again.

    中文：演示代办帮办与统一出件
    """
    del password
    _rules()
    admin = User.objects.filter(username="admin").first()
    officer_user = User.objects.filter(username="counter2").first()
    counter_user = User.objects.filter(username="counter").first()
    if admin is None or officer_user is None or counter_user is None:
        if stdout:
            stdout.write("代办帮办：缺少演示账号，只创建了认定标准。")
        return
    officer = _officer(officer_user)
    assignment = _agency_case(admin, officer)
    if (
        assignment is not None
        and not PriorityMark.objects.filter(case=assignment.case).exists()
    ):
        services.priority_mark_case(
            case=assignment.case,
            actor=admin,
            kind=MarkKind.KEY_PROJECT,
            basis="列入区重点项目清单（绿色通道）",
        )
    project = _project(admin, officer_user)
    ticket = _green_ticket(counter_user)
    _guidance(counter_user)
    _revoked_mark(counter_user)
    ready = selectors.handover_ready_list(
        hall_ids=selectors.desk_hall_ids(user=counter_user)
    )
    if stdout:
        stdout.write(
            "代办帮办：代办员 counter2（刘窗口）"
            + (
                f"代办办件 {assignment.case.number}（{AssignmentStatus(assignment.status).label}）"
                if assignment
                else "（无可代办的办件）"
            )
            + f"；重大项目 {project.number} 在「{project.get_stage_display()}」环节"
            + (f"；绿色通道排队号 {ticket.number}" if ticket else "")
            + f"；统一出件台待出件 {ready.count()} 件（counter 账号）。"
        )
