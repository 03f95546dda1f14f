"""
Who may do what with fees: every rule written once.

- **Recording** a charge, a payment or a refund request (收费、收款、申请退费):
  an active member of staff with the 窗口人员 (counter staff) role in the
  case's department. Nobody else — not reviewers, not centre administrators.
- **Voiding** a charge recorded in error (作废收费): the counter staff who
  recorded it (still counter staff of the department), or the 部门负责人 of
  the charge's department.
- **Issuing** a 缴费通知书: as recording (counter staff of the department).
- **Seeing** a case's fees: whoever may see the case
  (``cases.permissions.can_see_case``): the applicant and agent, the
  department's staff, centre-wide roles. Others get 404.
- **Approving** a refund (审批退费): the 部门负责人 of the case's department,
  or a holder of ``fees.approve_refund`` (the centre's finance role,
  中心财务); never the person who asked for it.
- **Reconciliation** (收费对账): centre-wide roles (superusers, 中心管理员,
  监察人员, holders of ``fees.approve_refund``) see every department; counter
  staff and 部门负责人 their own department; everyone else 403.

Pages and APIs ask the ``can_*`` functions; services call ``check_*``.
"""

from typing import Any

from zhengtong.accounts.constants import Role
from zhengtong.cases.permissions import can_see_case
from zhengtong.core.errors import ApplicationError

from .constants import ErrorCode

APPROVE_REFUND = "fees.approve_refund"


def _active(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def can_record(*, user: Any, case: Any) -> bool:
    """
    Return True when ``user`` is counter staff of ``case``'s department.

    中文：可否登记收费、收款
    """
    return (
        _active(user)
        and user.department_id is not None
        and user.department_id == case.department_id
        and user.has_role(Role.COUNTER_STAFF)
    )


def check_record(*, user: Any, case: Any) -> None:
    """Raise ``not_permitted`` (403) unless ``can_record``. 中文：检查收费权限"""
    if not can_record(user=user, case=case):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有本办件所属部门的窗口人员可以登记收费、收款和申请退费。",
            status=403,
        )


def can_void_charge(*, user: Any, charge: Any) -> bool:
    """
    Return True when ``user`` may void ``charge``: who recorded it, or the
    department head of its department.

    中文：可否作废收费
    """
    if not _active(user) or user.department_id != charge.department_id:
        return False
    if user.has_role(Role.DEPARTMENT_HEAD):
        return True
    return charge.charged_by_id == user.pk and user.has_role(Role.COUNTER_STAFF)


def check_void_charge(*, user: Any, charge: Any) -> None:
    """Raise 403 unless ``can_void_charge``. 中文：检查作废收费权限"""
    if not can_void_charge(user=user, charge=charge):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有登记该笔收费的窗口人员或本部门负责人可以作废收费。",
            status=403,
        )


def can_see_fees(*, user: Any, case: Any) -> bool:
    """Return True when ``user`` may see ``case`` (and so its fees). 中文：可否查看收费"""
    return can_see_case(user=user, case=case)


def is_finance(user: Any) -> bool:
    """
    Return True for holders of ``fees.approve_refund`` (中心财务).

    中文：中心财务
    """
    return _active(user) and bool(user.has_perm(APPROVE_REFUND))


def can_approve_refunds(user: Any) -> bool:
    """Return True when ``user`` approves some refunds. 中文：可否审批退费"""
    return is_finance(user) or (
        _active(user)
        and user.department_id is not None
        and user.has_role(Role.DEPARTMENT_HEAD)
    )


def refund_scope(user: Any) -> int | None:
    """
    Return the department whose refunds ``user`` approves (None: all), or
    raise 403.

    中文：退费审批范围
    """
    if is_finance(user):
        return None
    if can_approve_refunds(user):
        return int(user.department_id)
    raise ApplicationError(
        ErrorCode.NOT_PERMITTED,
        "退费由办件所属部门负责人或中心财务审批。",
        status=403,
    )


def can_approve_refund(*, user: Any, refund: Any) -> bool:
    """
    Return True when ``user`` may decide ``refund`` (not the requester).

    中文：可否审批该退费
    """
    if not can_approve_refunds(user) or refund.requested_by_id == user.pk:
        return False
    scope = refund_scope(user)
    return scope is None or scope == refund.department_id


def check_approve_refund(*, user: Any, refund: Any) -> None:
    """Raise 403 unless ``user`` may decide ``refund``. 中文：检查退费审批权限"""
    if _active(user) and refund.requested_by_id == user.pk:
        raise ApplicationError(
            ErrorCode.REFUND_SELF_APPROVAL,
            "退费须由申请人以外的人员审批，不得审批本人申请的退费。",
            status=403,
        )
    if not can_approve_refund(user=user, refund=refund):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "退费由办件所属部门负责人或中心财务审批。",
            status=403,
        )


def is_centre_wide(user: Any) -> bool:
    """Return True for roles that see every department's fees. 中文：全中心收费"""
    return _active(user) and (
        user.is_superuser
        or user.has_role(Role.CENTRE_ADMIN)
        or user.has_role(Role.SUPERVISOR)
        or is_finance(user)
    )


def can_view_reconciliation(user: Any) -> bool:
    """Return True when ``user`` may open the daily reconciliation. 中文：可否对账"""
    return is_centre_wide(user) or (
        _active(user)
        and user.department_id is not None
        and (user.has_role(Role.COUNTER_STAFF) or user.has_role(Role.DEPARTMENT_HEAD))
    )


def reconciliation_scope(user: Any) -> int | None:
    """
    Return the department ``user`` reconciles (None: every department), or
    raise 403.

    中文：对账范围
    """
    if is_centre_wide(user):
        return None
    if can_view_reconciliation(user):
        return int(user.department_id)
    raise ApplicationError(
        ErrorCode.NOT_PERMITTED,
        "收费对账仅对窗口人员、部门负责人、中心财务和中心管理员开放。",
        status=403,
    )
