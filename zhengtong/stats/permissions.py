"""
Who may see the statistics: every rule written once.

- **Supervisors** (监察人员), **centre administrators** and superusers see
  the whole centre.
- **Department heads** (部门负责人) and other staff (窗口人员, 审批人员) see
  their own department only; a staff account without a department sees
  nothing and is refused.
- **Applicants** and anonymous visitors are refused with 403 (the public
  disclosure page and feed are open to everyone and carry no staff data).

Pages and APIs ask ``can_view_stats``; selectors call ``stats_scope``.
"""

from typing import Any

from zhengtong.accounts.constants import STAFF_ROLES
from zhengtong.core.errors import ApplicationError
from zhengtong.supervision.permissions import is_supervisor

NOT_PERMITTED = "效能统计仅对中心工作人员开放。"


def _staff_with_department(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and user.department_id is not None
        and any(user.has_role(role) for role in STAFF_ROLES)
    )


def can_view_stats(user: Any) -> bool:
    """
    Return True when ``user`` may see statistics (of some scope).

    中文：可查看效能统计
    """
    return is_supervisor(user) or _staff_with_department(user)


def stats_scope(user: Any) -> int | None:
    """
    Return the department ``user`` sees (None: the whole centre).

    Raises ``not_permitted`` (403) for anyone who may not see statistics.

    中文：统计范围
    """
    if is_supervisor(user):
        return None
    if _staff_with_department(user):
        return int(user.department_id)
    raise ApplicationError("not_permitted", NOT_PERMITTED, status=403)
