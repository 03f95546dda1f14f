"""
Reads of supervision orders and breaches, scoped by ``permissions``.

- Supervisors and centre administrators see every order and breach; a
  department head those of their department (another one's: 404).
- Any other staff member sees the orders addressed to them and the
  breaches naming them; applicants are refused (403).

中文：督办单与效能告诫查询
"""

from typing import Any

from django.db.models import Q, QuerySet

from zhengtong.cases.permissions import is_staff_member
from zhengtong.core.errors import ApplicationError, NotFoundError

from . import permissions
from .constants import ErrorCode
from .models import Breach, MeasureKind, SupervisionOrder

NOT_STAFF = "督办单和效能告诫记录仅对工作人员开放。"


def _own_filter(user: Any, field: str) -> Q:
    """Return what ``user`` may list: their scope, or the rows naming them."""
    if permissions.can_view_desk(user):
        department = permissions.supervision_scope(user)
        if department is None:  # the whole centre (Q() | … would narrow it)
            return Q()
        return Q(department_id=department) | Q(**{field: user.pk})
    if is_staff_member(user):
        return Q(**{field: user.pk})
    raise ApplicationError(ErrorCode.NOT_PERMITTED, NOT_STAFF, status=403)


def order_list_for_user(*, user: Any, state: str | None = None) -> QuerySet:
    """
    Return the orders ``user`` may see, newest first (optionally of one state).

    中文：督办单列表
    """
    qs = SupervisionOrder.objects.filter(_own_filter(user, "person_id"))
    if state:
        qs = qs.filter(state=state)
    return qs.select_related("department", "person").order_by("-id")


def order_get_for_user(*, user: Any, order_id: int) -> SupervisionOrder:
    """
    Return one order ``user`` may see (403 for applicants, 404 otherwise).

    中文：督办单详情
    """
    if not is_staff_member(user):
        raise ApplicationError(ErrorCode.NOT_PERMITTED, NOT_STAFF, status=403)
    order = (
        SupervisionOrder.objects.select_related("department", "person", "created_by")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFoundError()
    permissions.check_see_order(user, order)
    return order


def order_replies(order: SupervisionOrder) -> list:
    """Return the replies of ``order``, oldest first, with their people."""
    return list(order.replies.select_related("replied_by", "verdict_by").order_by("id"))


def breach_list_for_user(*, user: Any, state: str | None = None) -> QuerySet:
    """
    Return the breaches ``user`` may see, newest first (optionally of one state).

    中文：效能告诫列表
    """
    qs = Breach.objects.filter(_own_filter(user, "person_id"))
    if state:
        qs = qs.filter(state=state)
    return qs.select_related(
        "kind", "person", "department", "counter", "proposed_measure", "measure"
    ).order_by("-id")


def breach_get_for_user(*, user: Any, breach_id: int) -> Breach:
    """
    Return one breach ``user`` may see (403 for applicants, 404 otherwise).

    中文：效能告诫详情
    """
    if not is_staff_member(user):
        raise ApplicationError(ErrorCode.NOT_PERMITTED, NOT_STAFF, status=403)
    breach = (
        Breach.objects.select_related(
            "kind",
            "person",
            "department",
            "counter",
            "proposed_measure",
            "measure",
            "proposed_by",
            "decided_by",
        )
        .filter(pk=breach_id)
        .first()
    )
    if breach is None:
        raise NotFoundError()
    permissions.check_see_breach(user, breach)
    return breach


def measure_choices() -> list[tuple[str, str]]:
    """Return (code, name) of the measures, lightest first."""
    return list(
        MeasureKind.objects.order_by("severity", "code").values_list("code", "name")
    )
