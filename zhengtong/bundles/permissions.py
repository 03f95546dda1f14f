"""
Who may do what with bundle applications (一件事申请).

The applicant (or their agent) sees the whole application; centre-wide
users (superusers, centre administrators, supervisors) see every one; a
member of a department's staff sees the application only through their own
department's sub-case, and of its sub-cases only those that
``cases.permissions.case_visibility_q`` lets them see.

中文：一件事权限
"""

from typing import Any

from django.db.models import Q

from zhengtong.cases.permissions import (
    can_submit,
    case_visibility_q,
    case_visibility_terms,
)

NOT_VISIBLE = "一件事申请不存在或无权查看。"


def can_apply(*, user: Any) -> bool:
    """
    Return True when ``user`` may submit a bundle application (an applicant).

    中文：可否申请一件事
    """
    return can_submit(user=user)


def application_visibility_q(user: Any) -> Q | None:
    """
    Return the filter of bundle applications ``user`` may see (None: all).

    The one definition: the applicant's or agent's own, plus those with a
    sub-case the user may see.

    中文：一件事申请可见范围
    """
    if case_visibility_terms(user).sees_all:
        return None
    cases_q = case_visibility_q(user)
    if cases_q is None:  # pragma: no cover - sees_all answered above
        return None
    if not getattr(user, "pk", None):
        return Q(pk__in=[])
    own = Q(applicant_id=user.pk) | Q(agent_id=user.pk)
    through = {
        f"sub_cases__case__{column}": value
        for column, value in case_visibility_terms(user).terms
        if column not in ("applicant_id", "agent_id")
    }
    q = own
    for column, value in through.items():
        q |= Q(**{column: value})
    return q


def is_owner(*, user: Any, application: Any) -> bool:
    """
    Return True for the application's applicant or agent.

    中文：是否为一件事申请人
    """
    pk = getattr(user, "pk", None)
    return pk is not None and pk in (application.applicant_id, application.agent_id)
