"""
Who may do what in the monthly assessment (月度效能考核) and the reports.

- Seeing the results and the reports: whoever may see statistics, within
  their scope (``permissions.stats_scope``: supervisors and the centre
  administrator the whole centre; department heads and other staff their
  own department's rows).  Applicants are refused (403).
- Entering or voiding points with evidence (录入考核事项): supervisors and
  centre administrators.
- Signing off a month and recording a correction (签发、更正): the centre
  administrator (the centre's leader account) and superusers.
- Generating a report: supervisors and centre administrators (the centre or
  any department), a department head for their own department.  The
  archive lists to each user the reports of their scope: the whole
  centre's and every department's for the centre-wide, their own
  department's for the others.
"""

from typing import Any

from zhengtong.accounts.constants import Role
from zhengtong.core.errors import ApplicationError
from zhengtong.supervision.permissions import is_department_head, is_supervisor

from .permissions import can_view_stats, stats_scope

__all__ = [
    "assessment_scope",
    "can_enter_points",
    "can_generate_report",
    "can_sign_assessment",
    "can_view_assessment",
    "check_enter_points",
    "check_generate_report",
    "check_sign_assessment",
]


def can_view_assessment(user: Any) -> bool:
    """中文：可查看考核结果"""
    return can_view_stats(user)


def assessment_scope(user: Any) -> int | None:
    """
    Return the department whose rows ``user`` sees (None: all); 403 else.

    中文：考核查看范围
    """
    return stats_scope(user)


def can_enter_points(user: Any) -> bool:
    """中文：可录入考核事项"""
    return is_supervisor(user)


def check_enter_points(user: Any) -> None:
    """Raise 403 unless ``user`` may enter or void assessment points."""
    if not can_enter_points(user):
        raise ApplicationError(
            "not_permitted", "只有监察人员或中心管理员可以录入考核事项。", status=403
        )


def can_sign_assessment(user: Any) -> bool:
    """中文：可签发月度考核"""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and (user.is_superuser or user.has_role(Role.CENTRE_ADMIN))
    )


def check_sign_assessment(user: Any) -> None:
    """Raise 403 unless ``user`` may sign off or correct a month."""
    if not can_sign_assessment(user):
        raise ApplicationError(
            "not_permitted",
            "只有中心负责人（中心管理员）可以签发考核结果。",
            status=403,
        )


def can_generate_report(user: Any, department_id: int | None = None) -> bool:
    """中文：可生成效能通报"""
    if is_supervisor(user):
        return True
    return (
        department_id is not None
        and is_department_head(user)
        and user.department_id == department_id
    )


def check_generate_report(user: Any, department_id: int | None = None) -> None:
    """Raise 403 unless ``user`` may generate the report of that scope."""
    if not can_generate_report(user, department_id):
        raise ApplicationError(
            "not_permitted",
            "只有监察人员、中心管理员或本部门负责人可以生成效能通报。",
            status=403,
        )
