"""
Who may do what in agency: every rule written once.

- **Centre administrators** (and superusers) run 代办: they name the
  代办员 of a request, register major projects (四办) and see every desk.
- **The 代办员** of an authorised assignment acts for the applicant on the
  applicant-side actions of that case (supplements, delivery preference),
  and only while the assignment is authorised and the officer qualified.
- **Applicants** (or their own agent) request 代办/帮办 for their case and
  authorise it; they set how they want the result handed over.
- **Counter staff** mark tickets and cases of the green channel, and staff
  sitting at a counter of a hall use that hall's 统一出件 desk (the cases
  received there, of any department).
- **The follow-up officer** of a major project records its stages; so do
  centre administrators.
- **Hall guides** (导办员: holders of ``agency.record_guidance``) and centre
  administrators record 导办; they, supervisors and administrators read the
  导办 lists. A green-channel mark is revoked by who may give it.
- Supervisors read everything (lists and counts), change nothing.
"""

from datetime import date
from typing import Any

from django.utils import timezone

from zhengtong.accounts.constants import Role
from zhengtong.cases.permissions import (
    can_see_case,
    is_centre_wide,
    is_staff_member,
)
from zhengtong.core.errors import ApplicationError

from .constants import AssignmentStatus, ErrorCode
from .models import AgencyAssignment, AgencyOfficer, MajorProject


def _active(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_supervisor(user: Any) -> bool:
    """中文：监察人员（只读）"""
    return _active(user) and user.has_role(Role.SUPERVISOR)


def can_read_all(*, user: Any) -> bool:
    """
    Return True for those who read every agency record (admin, supervisor).

    中文：可查看全部代办记录
    """
    return is_centre_wide(user) or is_supervisor(user)


def can_manage_agency(*, user: Any) -> bool:
    """
    Return True for who assigns 代办员 and registers major projects.

    中文：可管理代办与四办
    """
    return is_centre_wide(user)


def check_manage_agency(*, user: Any) -> None:
    if not can_manage_agency(user=user):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有中心管理员可以办理此操作。", status=403
        )


def officer_is_qualified(*, officer: AgencyOfficer, today: date | None = None) -> bool:
    """
    Return True when the officer is on duty with a qualification in force.

    中文：代办员资格有效
    """
    today = today or timezone.localdate()
    return (
        officer.is_active
        and officer.user.is_active
        and officer.qualified_on <= today
        and (officer.valid_until is None or today <= officer.valid_until)
    )


def is_case_applicant(*, user: Any, case: Any) -> bool:
    """中文：申请人本人或其代理人"""
    return _active(user) and user.pk in (case.applicant_id, case.agent_id)


def can_request_agency(*, user: Any, case: Any) -> bool:
    """
    Return True when ``user`` may ask the centre to handle ``case`` (代办).

    中文：可申请代办帮办
    """
    return is_case_applicant(user=user, case=case)


def can_see_assignment(*, user: Any, assignment: AgencyAssignment) -> bool:
    """中文：可查看代办记录"""
    if not _active(user):
        return False
    if can_read_all(user=user):
        return True
    officer = assignment.officer
    if officer is not None and officer.user_id == user.pk:
        return True
    return is_case_applicant(user=user, case=assignment.case)


def can_act_for_applicant(
    *, user: Any, assignment: AgencyAssignment, today: date | None = None
) -> bool:
    """
    Return True when ``user`` is the authorised, qualified 代办员 of it.

    中文：代办员可代申请人办理
    """
    officer = assignment.officer
    return (
        _active(user)
        and officer is not None
        and officer.user_id == user.pk
        and assignment.status == AssignmentStatus.AUTHORISED
        and officer_is_qualified(officer=officer, today=today)
    )


def check_act_for_applicant(*, user: Any, assignment: AgencyAssignment) -> None:
    if can_act_for_applicant(user=user, assignment=assignment):
        return
    if assignment.status != AssignmentStatus.AUTHORISED:
        raise ApplicationError(
            ErrorCode.AUTHORISATION_REQUIRED,
            "申请人尚未授权代办，代办员不能代为办理。",
            status=403,
        )
    raise ApplicationError(
        ErrorCode.NOT_PERMITTED, "您不是该办件有效的代办员。", status=403
    )


def can_mark_priority(*, user: Any, case: Any = None) -> bool:
    """
    Return True when ``user`` may put a green channel mark (on ``case``).

    中文：可标记绿色通道
    """
    if not _active(user):
        return False
    if is_centre_wide(user):
        return True
    if not user.has_role(Role.COUNTER_STAFF):
        return False
    return case is None or can_see_case(user=user, case=case)


def check_mark_priority(*, user: Any, case: Any = None) -> None:
    if not can_mark_priority(user=user, case=case):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有窗口人员可以标记绿色通道。", status=403
        )


def can_use_handover_desk(*, user: Any) -> bool:
    """
    Return True for staff who may open the 统一出件 desk.

    Counter staff see the desk of the halls of their counters; centre
    administrators every hall; supervisors read only.

    中文：可使用统一出件台
    """
    return is_staff_member(user) and (
        can_read_all(user=user) or user.has_role(Role.COUNTER_STAFF)
    )


def can_hand_over(*, user: Any) -> bool:
    """中文：可办理出件"""
    return _active(user) and (is_centre_wide(user) or user.has_role(Role.COUNTER_STAFF))


def check_hand_over(*, user: Any) -> None:
    if not can_hand_over(user=user):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有窗口人员可以办理出件。", status=403
        )


def can_set_delivery_preference(*, user: Any, case: Any) -> bool:
    """
    Return True for the applicant (or agent) of ``case``; the authorised
    代办员 goes through ``can_act_for_applicant``.

    中文：可登记领取方式
    """
    return is_case_applicant(user=user, case=case)


def can_advance_project(*, user: Any, project: MajorProject) -> bool:
    """
    Return True for the follow-up officer of ``project`` and centre admins.

    中文：可办理四办环节
    """
    return _active(user) and (
        is_centre_wide(user) or project.follow_up_officer_id == user.pk
    )


def check_advance_project(*, user: Any, project: MajorProject) -> None:
    if not can_advance_project(user=user, project=project):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有该项目的跟踪责任人或中心管理员可以办理四办环节。",
            status=403,
        )


def can_see_projects(*, user: Any) -> bool:
    """中文：可查看四办项目"""
    return is_staff_member(user)


RECORD_GUIDANCE = "agency.record_guidance"


def can_record_guidance(*, user: Any) -> bool:
    """
    Return True for hall guides (导办员) and centre administrators.

    中文：可登记导办
    """
    return _active(user) and (
        is_centre_wide(user) or bool(user.has_perm(RECORD_GUIDANCE))
    )


def check_record_guidance(*, user: Any) -> None:
    if not can_record_guidance(user=user):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有导办员可以登记导办记录。", status=403
        )


def can_see_guidance(*, user: Any) -> bool:
    """中文：可查看导办记录"""
    return can_record_guidance(user=user) or can_read_all(user=user)
