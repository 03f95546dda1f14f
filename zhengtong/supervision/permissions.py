"""
Who may do what in supervision: every rule written once.

- **Supervisors** (监察人员), **centre administrators** and superusers see the
  whole centre: every clock, order, breach, anomaly and bulletin; they open
  orders, accept or return replies and propose breaches.
- **Department heads** (部门负责人) see the same for their own department only
  (another department's order or breach answers 404, as if it did not
  exist); they reply to their department's orders and propose breaches of
  their own staff.
- The **person addressed** by an order may also reply to it.
- **Deciding** a breach needs the ``supervision.decide_breach`` permission
  (granted to 中心管理员; a region gives it to its 纪检 or leader accounts).
- The **person a breach names** may file a statement (申辩) and sees it.
- Everyone else (applicants, counter staff, reviewers) is refused with 403.

Pages ask the ``can_*`` functions; services call the ``check_*`` ones.
"""

from typing import Any

from django.db.models import Q

from zhengtong.accounts.constants import Role
from zhengtong.core.errors import ApplicationError, NotFoundError

from .constants import ErrorCode

NOT_SUPERVISION = "电子监察仅对监察人员、中心管理员和部门负责人开放。"
NOT_FOUND = "记录不存在或无权查看。"


def _active(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def is_supervisor(user: Any) -> bool:
    """
    Return True for supervisors, centre administrators and superusers.

    中文：监察人员（全中心）
    """
    return _active(user) and (
        user.is_superuser
        or user.has_role(Role.SUPERVISOR)
        or user.has_role(Role.CENTRE_ADMIN)
    )


def is_department_head(user: Any) -> bool:
    """
    Return True for a department head who belongs to a department.

    中文：部门负责人
    """
    return (
        _active(user)
        and user.department_id is not None
        and user.has_role(Role.DEPARTMENT_HEAD)
    )


def can_view_desk(user: Any) -> bool:
    """Return True when ``user`` may open the supervision desk."""
    return is_supervisor(user) or is_department_head(user)


def supervision_scope(user: Any) -> int | None:
    """
    Return the department ``user`` supervises (None: the whole centre).

    Raises ``not_permitted`` (403) for anyone who may not supervise.

    中文：监察范围
    """
    if is_supervisor(user):
        return None
    if is_department_head(user):
        return int(user.department_id)
    raise ApplicationError(ErrorCode.NOT_PERMITTED, NOT_SUPERVISION, status=403)


def scope_filter(user: Any, field: str = "department_id") -> Q:
    """Return the filter of the rows ``user`` may see (raises 403 for others)."""
    department = supervision_scope(user)
    return Q() if department is None else Q(**{field: department})


def check_in_scope(user: Any, department_id: int | None) -> None:
    """Raise 404 when a row of ``department_id`` is outside ``user``'s scope."""
    department = supervision_scope(user)
    if department is not None and department != department_id:
        raise NotFoundError(NOT_FOUND)


def can_open_order(user: Any) -> bool:
    """Return True when ``user`` may open (or issue a drafted) supervision order."""
    return is_supervisor(user)


def check_open_order(user: Any) -> None:
    """Raise 403 unless ``user`` may open orders."""
    if not can_open_order(user):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有监察人员或中心管理员可以督办。", status=403
        )


def can_reply_order(user: Any, order: Any) -> bool:
    """Return True when ``user`` answers for ``order``'s department or person."""
    if not _active(user):
        return False
    if order.person_id is not None and order.person_id == user.pk:
        return True
    return is_department_head(user) and user.department_id == order.department_id


def check_see_order(user: Any, order: Any) -> None:
    """Raise 403/404 unless ``user`` may see ``order``."""
    if _active(user) and order.person_id == user.pk:
        return
    check_in_scope(user, order.department_id)


def check_reply_order(user: Any, order: Any) -> None:
    """Raise 403/404 unless ``user`` may reply to ``order``."""
    check_see_order(user, order)
    if not can_reply_order(user, order):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "督办单由被督办部门的负责人或被督办人回复。",
            status=403,
        )


def check_judge_order(user: Any, order: Any) -> None:
    """Raise 403/404 unless ``user`` may accept or return ``order``'s reply."""
    check_see_order(user, order)
    if not is_supervisor(user):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "督办回复由监察人员或中心管理员审核。",
            status=403,
        )


def can_propose_breach(user: Any, department_id: int | None = None) -> bool:
    """Return True when ``user`` may put a failure of duty on record."""
    if is_supervisor(user):
        return True
    return is_department_head(user) and (
        department_id is None or department_id == user.department_id
    )


def can_decide_breach(user: Any) -> bool:
    """
    Return True when ``user`` may decide a breach (认定): an authorised role.

    中文：可否认定问责
    """
    return _active(user) and user.has_perm("supervision.decide_breach")


def check_see_breach(user: Any, breach: Any) -> None:
    """Raise 403/404 unless ``user`` may see ``breach`` (the person may)."""
    if _active(user) and breach.person_id == user.pk:
        return
    check_in_scope(user, breach.department_id)


def check_decide_breach(user: Any, breach: Any) -> None:
    """Raise 403/404 unless ``user`` may decide ``breach``."""
    check_see_breach(user, breach)
    if not can_decide_breach(user):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "效能告诫和责任追究须由有认定权限的负责人决定。",
            status=403,
        )
    if breach.person_id is not None and breach.person_id == user.pk:
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "本人的问责记录须由他人认定。", status=403
        )


def check_state_breach(user: Any, breach: Any) -> None:
    """Raise 403 unless ``user`` is the person ``breach`` names (申辩)."""
    if not (_active(user) and breach.person_id == user.pk):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有被问责人本人可以申辩。", status=403
        )
