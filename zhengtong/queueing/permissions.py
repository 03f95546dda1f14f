"""
Who may do what with the queue: every rule written once.

Selectors and services call the ``check_*`` functions (they raise the
refusal); pages and APIs ask the ``can_*`` functions (menus, buttons, which
channel a ticket is issued through).

- **Calling tickets** (叫号): counter staff (窗口人员) and superusers; at a
  counter only when the duty roster assigns them to it (the roster is data,
  read by ``selectors.counter_get_for_staff`` and ``ticket_get_for_staff``).
- **Booking an appointment** (预约) and **taking a ticket from a phone**
  (手机取号): an applicant account (申请人).
- **Daily queue figures** (排队日统计): centre administrators, supervisors,
  counter staff and superusers.
"""

from typing import Any

from zhengtong.accounts.constants import Role
from zhengtong.core.errors import PermissionDeniedError


def _active(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def can_call_tickets(*, user: Any) -> bool:
    """
    Return True when ``user`` may call and handle tickets at a counter.

    中文：可否叫号
    """
    return _active(user) and (user.is_superuser or user.has_role(Role.COUNTER_STAFF))


def check_call_tickets(*, user: Any) -> None:
    """
    Raise PermissionDeniedError (403) unless ``user`` may call tickets.

    中文：检查叫号权限
    """
    if not can_call_tickets(user=user):
        raise PermissionDeniedError("只有窗口人员可以操作排队号。")


def can_book_appointment(*, user: Any) -> bool:
    """
    Return True when ``user`` may book an appointment (an applicant account).

    中文：可否预约
    """
    return _active(user) and user.has_role(Role.APPLICANT)


def check_book_appointment(*, user: Any) -> None:
    """
    Raise PermissionDeniedError (403) unless ``user`` may book.

    中文：检查预约权限
    """
    if not can_book_appointment(user=user):
        raise PermissionDeniedError("请使用申请人账号预约。")


def can_take_remote_ticket(*, user: Any) -> bool:
    """
    Return True when ``user`` takes a ticket from a phone (手机取号): an
    applicant account, as for booking. Staff issue tickets at the kiosk.

    中文：可否手机取号
    """
    return can_book_appointment(user=user)


def can_see_queue_stats(*, user: Any) -> bool:
    """
    Return True when ``user`` may read the daily queue figures.

    中文：可否查看排队统计
    """
    return _active(user) and (
        user.is_superuser
        or any(
            user.has_role(role)
            for role in (Role.CENTRE_ADMIN, Role.SUPERVISOR, Role.COUNTER_STAFF)
        )
    )
