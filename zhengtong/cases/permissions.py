"""
Who may do what with cases: every rule written once.

Services call the ``check_*`` / ``access_*`` functions (they raise the
refusal); pages and APIs ask the ``can_*`` functions to show or hide a menu
entry or a button. A new door therefore cannot skip a rule: it lives in the
service. Status changes are decided by the transition table in
``workflow.py`` from the actor kinds returned by ``case_actor_kinds`` below.

The rules:

- **Intake staff** (窗口收件人员) of a department: an active member of staff
  with the 窗口人员 (counter staff) role in that department. Nobody else
  takes in a walk-in application: not reviewers, not centre administrators
  (with or without a department), not superusers; any of them who also holds
  the counter role in the department is intake staff there.
- **Submitting** (提交申请) for oneself or as agent needs an applicant account
  (申请人); intake staff submit at the counter on an applicant's behalf.
- **Visibility** (办件可见范围): applicants see their own cases and those they
  are the agent of; counter staff and reviewers see their department's cases
  and cases whose current step is theirs, and 联办件 with a branch of their
  department (the shared file; other branches' internal notes stay hidden,
  ``can_see_branch_internal``); supervisors, centre administrators
  and superusers see all. ``case_visibility_terms`` is the one definition;
  the query filter and the object check are both derived from it.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q

from zhengtong.accounts.constants import STAFF_ROLES, Role
from zhengtong.agency.acting import granted_kinds
from zhengtong.core.errors import ApplicationError, NotFoundError

from .constants import ActorKind, ErrorCode
from .rules import case_rules

K = ActorKind
NOT_VISIBLE = "办件不存在或无权查看。"


def _active(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def _department_id(department: Any) -> int | None:
    return getattr(department, "pk", department)


def is_centre_wide(user: Any) -> bool:
    """
    Return True for superusers and centre administrators (all departments).

    中文：中心管理员
    """
    return _active(user) and (user.is_superuser or user.has_role(Role.CENTRE_ADMIN))


def is_staff_member(user: Any) -> bool:
    """
    Return True for any staff role (and superusers): who works in the hall.

    中文：工作人员
    """
    return _active(user) and (
        user.is_superuser or any(user.has_role(role) for role in STAFF_ROLES)
    )


def is_department_staff(user: Any) -> bool:
    """
    Return True for counter staff, reviewers and department heads (部门负责人)
    who belong to a department.

    中文：部门工作人员
    """
    return (
        _active(user)
        and user.department_id is not None
        and (
            user.has_role(Role.COUNTER_STAFF)
            or user.has_role(Role.REVIEWER)
            or user.has_role(Role.DEPARTMENT_HEAD)
        )
    )


# -- intake -----------------------------------------------------------------


def can_intake(*, user: Any, department: Any = None) -> bool:
    """
    Return True when ``user`` is intake staff of ``department``.

    Without ``department``: whether the user takes in walk-in applications
    at all (the workbench shows 窗口收件). ``department`` may be a
    Department or its id.

    中文：可否窗口收件
    """
    if not _active(user) or user.department_id is None:
        return False
    if not user.has_role(Role.COUNTER_STAFF):
        return False
    wanted = _department_id(department)
    if wanted is None or wanted == user.department_id:
        return True
    return wanted in integrated_department_ids(user)


def integrated_department_ids(user: Any) -> frozenset[int]:
    """
    Return the other departments whose items ``user`` may take in at a
    comprehensive window (综合窗口, 无差别受理): the departments the centre
    placed under an active integrated counter the user is posted to
    (``Counter.is_integrated``, ``Counter.departments``, ``User.counters``).
    Read once per user object.

    中文：综合窗口可受理的部门
    """
    cached = getattr(user, "_integrated_department_ids", None)
    if cached is None:
        cached = frozenset(
            user.counters.filter(is_integrated=True, is_active=True)
            .values_list("departments", flat=True)
            .exclude(departments=None)
        )
        user._integrated_department_ids = cached
    return cached


def item_department_id(item: Any) -> int | None:
    """
    Return the department that takes in applications for ``item`` (its
    current version's department, else the item's).

    中文：事项受理部门
    """
    version = item.current_version
    return (version.department_id if version is not None else None) or (
        item.department_id
    )


def can_intake_item(*, user: Any, item: Any) -> bool:
    """
    Return True when ``user`` is intake staff for ``item``'s department.

    中文：可否办理该事项的窗口收件
    """
    return can_intake(user=user, department=item_department_id(item))


def check_intake(*, user: Any, department: Any) -> None:
    """
    Raise ``not_permitted`` (403) unless ``user`` is intake staff there.

    中文：检查窗口收件权限
    """
    if not can_intake(user=user, department=department):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有本部门窗口人员或可受理该部门事项的综合窗口人员可以办理该事项的收件。",
            status=403,
        )


def intake_department_id(user: Any) -> int | None:
    """
    Return the department whose items ``user`` takes in (None: none).

    中文：收件部门
    """
    return user.department_id if can_intake(user=user) else None


# -- submitting -------------------------------------------------------------


def can_submit(*, user: Any) -> bool:
    """
    Return True when ``user`` may file an application (an applicant account).

    中文：可否提交申请
    """
    return _active(user) and user.has_role(Role.APPLICANT)


def identity_allows_online_submission(*, user: Any) -> bool:
    """
    Return False for a self-declared account where the region requires
    实名认证 before online applications (``ACCOUNTS_SELF_DECLARED_MAY_SUBMIT``).

    中文：实名程度是否允许网上申请
    """
    if not getattr(user, "is_self_declared", False):
        return True
    return bool(getattr(settings, "ACCOUNTS_SELF_DECLARED_MAY_SUBMIT", True))


def check_submit(*, user: Any, department: Any = None) -> None:
    """
    Raise ``not_permitted`` (403) unless ``user`` may submit.

    An applicant account submits for itself or as agent; with
    ``department`` (the case's), intake staff of it submit at the counter.

    A self-declared account (自我声明, not 实名认证) is refused with
    ``identity_unverified`` when ``ACCOUNTS_SELF_DECLARED_MAY_SUBMIT`` is
    off; by default it submits and the case shows 身份未核验 to staff.

    中文：检查提交申请权限
    """
    if can_submit(user=user):
        if not identity_allows_online_submission(user=user):
            raise ApplicationError(
                "identity_unverified",
                "您的账号尚未实名认证（自我声明），请先完成实名认证再在线申请，"
                "或携带证件到窗口办理。",
                status=403,
            )
        return
    if department is not None and can_intake(user=user, department=department):
        return
    raise ApplicationError(
        ErrorCode.NOT_PERMITTED, "只有申请人账号可以提交申请。", status=403
    )


# -- visibility -------------------------------------------------------------


@dataclass(frozen=True)
class VisibilityTerms:
    """
    The cases a user may see: all of them, or those where one of ``terms``
    holds (a column of the case equal to a value).

    中文：办件可见条件
    """

    sees_all: bool
    terms: tuple[tuple[str, int], ...] = ()


def case_visibility_terms(user: Any) -> VisibilityTerms:
    """
    Return the one definition of which cases ``user`` may see.

    中文：办件可见范围
    """
    if not _active(user):
        return VisibilityTerms(sees_all=False)
    if (
        user.is_superuser
        or user.has_role(Role.CENTRE_ADMIN)
        or user.has_role(Role.SUPERVISOR)
    ):
        return VisibilityTerms(sees_all=True)
    terms = [("applicant_id", user.pk), ("agent_id", user.pk)]
    if is_department_staff(user):
        terms += [
            ("department_id", user.department_id),
            ("current_assignee_id", user.pk),
            # a 联办件 with a branch of the user's department (并联审批)
            (JOINT_BRANCH_TERM, user.department_id),
        ]
    return VisibilityTerms(sees_all=False, terms=tuple(terms))


# A term through the branches of a 联办件: never a join (a case has several
# branches) nor a subquery (an OR arm the planner cannot take from an index):
# the few joint case ids of the department, read first; only joint cases
# are looked up one by one.
JOINT_BRANCH_TERM = "branches__department_id"


def _term_q(column: str, value: int) -> Q:
    if column == JOINT_BRANCH_TERM:
        from .models_joint import CaseBranch

        ids = list(
            CaseBranch.objects.filter(department_id=value).values_list(
                "case_id", flat=True
            )
        )
        return Q(pk__in=ids)
    return Q(**{column: value})


def _term_holds(case: Any, column: str, value: int | None) -> bool:
    if value is None:
        return False
    if column == JOINT_BRANCH_TERM:
        if not getattr(case, "is_joint", False):
            return False
        from .models_joint import CaseBranch

        return CaseBranch.objects.filter(case_id=case.pk, department_id=value).exists()
    return bool(getattr(case, column) == value)


def case_visibility_q(user: Any) -> Q | None:
    """
    Return the filter of cases ``user`` may see (None: all of them).

    中文：办件可见范围（查询条件）
    """
    visible = case_visibility_terms(user)
    if visible.sees_all:
        return None
    q: Q | None = None
    for column, value in visible.terms:
        term = _term_q(column, value)
        q = term if q is None else q | term
    return q if q is not None else Q(pk__in=[])


def can_see_case(*, user: Any, case: Any) -> bool:
    """
    Return True when ``case_visibility_q(user)`` holds for the loaded ``case``.

    中文：办件是否可见
    """
    visible = case_visibility_terms(user)
    if visible.sees_all:
        return True
    return any(_term_holds(case, column, value) for column, value in visible.terms)


def access_case(*, user: Any, case: Any) -> Any:
    """
    Return ``case`` if ``user`` may see it, else raise NotFoundError (404).

    中文：办件访问检查
    """
    if case is None or not can_see_case(user=user, case=case):
        raise NotFoundError(NOT_VISIBLE)
    return case


# -- who the user is to a case (the transition table's actor kinds) ---------


def case_actor_kinds(*, case: Any, user: Any) -> frozenset:
    """
    Return the actor kinds ``user`` holds for ``case`` (None is the system).

    中文：操作人身份
    """
    if user is None:
        return frozenset({K.SYSTEM})
    if not _active(user):
        return frozenset()
    kinds: set[str] = set()
    if user.pk in (case.applicant_id, case.agent_id):
        kinds.add(K.APPLICANT)
    # 代办员 for the applicant, 统一出件 desk: granted by an agency service
    # after its own permission check, for that call only (no query)
    kinds |= granted_kinds(user=user, case_id=case.pk)
    if is_centre_wide(user):
        kinds.add(K.ADMIN)
    if can_intake(user=user, department=case.department_id):
        kinds.add(K.INTAKE)
    same_dept = user.department_id is not None and (
        user.department_id == case.department_id
    )
    if same_dept and user.has_role(Role.REVIEWER):
        kinds.add(K.REVIEWER)
    # 延期 is approved by the role the region names (本机关负责人, by default
    # the case department's 部门负责人); being a superuser is not that role.
    rules = case_rules(case)
    if user.has_role(rules.extension_approver_role) and (
        same_dept or rules.extension_approver_centre_wide
    ):
        kinds.add(K.EXTENSION_APPROVER)
    if case.current_assignee_id is not None and case.current_assignee_id == user.pk:
        kinds.add(K.ASSIGNEE)
    return frozenset(kinds)


# -- 联办件, 转办, 上报件 ------------------------------------------------------


def can_work_branch(*, user: Any, branch: Any) -> bool:
    """
    Return True for a reviewer or 部门负责人 of the branch's department: they
    handle and decide their department's branch of a 联办件.

    中文：可否办理联办分支
    """
    return (
        is_department_staff(user)
        and user.department_id == branch.department_id
        and (user.has_role(Role.REVIEWER) or user.has_role(Role.DEPARTMENT_HEAD))
    )


def check_work_branch(*, user: Any, branch: Any) -> None:
    """
    Raise ``not_permitted`` (403) unless ``user`` may work on ``branch``.

    中文：检查联办分支办理权限
    """
    if not can_work_branch(user=user, branch=branch):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有该分支办理部门的审批人员或部门负责人可以办理本部门的联办分支。",
            status=403,
        )


def can_see_branch_internal(*, user: Any, branch: Any) -> bool:
    """
    Return True when ``user`` may read the branch's internal note: its own
    department's staff, supervisors and centre administrators.

    中文：可否查看分支内部意见
    """
    if not _active(user):
        return False
    if case_visibility_terms(user).sees_all:
        return True
    return is_department_staff(user) and user.department_id == branch.department_id


def can_lead_window(*, user: Any, case: Any) -> bool:
    """
    Return True for intake staff of the case's (lead) department: the one
    window that speaks to the applicant (combined 补正, 转办, 上报).

    中文：可否以牵头（受理）窗口身份办理
    """
    return can_intake(user=user, department=case.department_id)


def check_lead_window(*, user: Any, case: Any, what: str) -> None:
    """
    Raise ``not_permitted`` (403) unless ``user`` is the case's window.

    中文：检查受理窗口权限
    """
    if not can_lead_window(user=user, case=case):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            f"只有受理该办件的窗口（本部门窗口人员）可以{what}。",
            status=403,
        )


def can_report_up(*, user: Any, case: Any) -> bool:
    """
    Return True for a reviewer of the case's department, or its window:
    they send a 上报件 to the upper level after the local review.

    中文：可否上报
    """
    if can_lead_window(user=user, case=case):
        return True
    return (
        is_department_staff(user)
        and user.department_id == case.department_id
        and user.has_role(Role.REVIEWER)
    )


def can_confirm_referral(*, user: Any, department: Any) -> bool:
    """
    Return True for staff of the receiving department (window, reviewer or
    head): they confirm a case referred to them (转办).

    中文：可否接收转办
    """
    return is_department_staff(user) and user.department_id == _department_id(
        department
    )
