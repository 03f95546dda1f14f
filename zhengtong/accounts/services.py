"""Services of accounts: roles, users, applicant identity, staff posts."""

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.db import transaction
from django.dispatch import Signal

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_id_number, mask_name

from .constants import ROLE_GROUP_NAMES, ROLE_PERMISSIONS, Role
from .identity import IdType, SubjectKind, credit_code_is_valid, id_document_problem
from .models import AgentAuthorization, User

if TYPE_CHECKING:
    from zhengtong.catalog.models import Counter, Department

# Sent inside the transaction of staff_absence_set(user=, is_absent=, actor=).
staff_absence_changed = Signal()


def roles_bootstrap() -> list[str]:
    """
    Create the role groups; return the names that were new. Idempotent.

    中文：初始化角色
    """
    created = []
    for name in ROLE_GROUP_NAMES.values():
        _group, was_created = Group.objects.get_or_create(name=name)
        if was_created:
            created.append(name)
    _role_permissions_grant()
    return created


def _role_permissions_grant() -> None:
    """Give each role group its ``ROLE_PERMISSIONS`` (those that exist yet)."""
    from django.contrib.auth.models import Permission

    for role, names in ROLE_PERMISSIONS.items():
        pairs = [name.split(".", 1) for name in names]
        perms = Permission.objects.filter(
            content_type__app_label__in={app for app, _c in pairs},
            codename__in={code for _a, code in pairs},
        )
        group = Group.objects.get(name=ROLE_GROUP_NAMES[role])
        group.permissions.add(*perms)


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: Sequence[Role | str] = (),
    display_name: str = "",
    department: "Department | None" = None,
    phone: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    actor: User | None = None,
) -> User:
    """
    Create a user with the given roles.

    中文：创建用户
    """
    user = User(
        username=username,
        display_name=display_name,
        department=department,
        phone=phone,
        email=email,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    roles_bootstrap()
    groups = Group.objects.filter(name__in=[ROLE_GROUP_NAMES[Role(r)] for r in roles])
    user.groups.set(groups)
    audit_record(
        action="user_create", obj=user, actor=actor, details={"roles": list(roles)}
    )
    return user


def _identity_check(
    *,
    subject_kind: str,
    id_type: str,
    id_number: str,
    org_name: str,
    credit_code: str,
) -> None:
    if subject_kind not in SubjectKind.values:
        raise ApplicationError("invalid_subject_kind", "申请人类型无效。")
    if subject_kind == SubjectKind.ENTERPRISE:
        if not org_name.strip():
            raise ApplicationError("org_name_required", "请填写单位名称。")
        if not credit_code_is_valid(credit_code):
            raise ApplicationError(
                "invalid_credit_code",
                "统一社会信用代码校验不通过，请核对（18位，字母须大写）。",
            )
        if id_type or id_number:
            problem = id_document_problem(id_type, id_number)
            if problem:
                raise ApplicationError("invalid_id_number", problem)
        return
    problem = id_document_problem(id_type, id_number)
    if problem:
        raise ApplicationError("invalid_id_number", problem)


@transaction.atomic
def applicant_identity_set(
    *,
    user: User,
    subject_kind: str = SubjectKind.PERSON,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str = "",
    org_name: str = "",
    credit_code: str = "",
    actor: User | None = None,
) -> User:
    """
    Record a person's ID document or an enterprise's credit code.

    Resident ID numbers must pass the GB 11643 check; credit codes the
    GB 32100 check. Nothing is saved when a check fails.

    中文：设置申请人身份信息
    """
    id_number = (id_number or "").strip()
    credit_code = (credit_code or "").strip()
    org_name = (org_name or "").strip()
    _identity_check(
        subject_kind=subject_kind,
        id_type=id_type,
        id_number=id_number,
        org_name=org_name,
        credit_code=credit_code,
    )
    user.subject_kind = subject_kind
    user.id_type = id_type if id_number else ""
    user.id_number = id_number
    user.org_name = org_name if subject_kind == SubjectKind.ENTERPRISE else ""
    user.credit_code = credit_code if subject_kind == SubjectKind.ENTERPRISE else ""
    user.save(
        update_fields=[
            "subject_kind",
            "id_type",
            "id_number",
            "org_name",
            "credit_code",
        ]
    )
    audit_record(
        action="applicant_identity_set",
        obj=user,
        actor=actor or user,
        details={
            "subject_kind": subject_kind,
            "id_type": user.id_type,
            "id_number": mask_id_number(id_number),
            "credit_code": user.credit_code,
        },
    )
    return user


@transaction.atomic
def _walk_in_name_check(existing: User, *, display_name: str, org_name: str) -> None:
    """
    Refuse a walk-in whose ID is on record under another name.

    The counter types the name from the document in hand; an account found by
    the same ID under a different name means a typing error or someone else's
    document — never silently the stored person.
    """
    if existing.subject_kind == SubjectKind.ENTERPRISE:
        typed, stored, what = (org_name or "").strip(), existing.org_name, "单位名称"
    else:
        typed, stored, what = display_name, existing.display_name, "姓名"
    if typed and stored and typed != stored:
        shown = (
            stored
            if existing.subject_kind == SubjectKind.ENTERPRISE
            else mask_name(stored)
        )
        raise ApplicationError(
            "applicant_name_mismatch",
            f"该证件已登记，登记的{what}为“{shown}”，与填写的“{typed}”不一致，"
            "请核对证件后重新填写。",
        )


def applicant_walk_in_get_or_create(
    *,
    display_name: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str,
    phone: str = "",
    subject_kind: str = SubjectKind.PERSON,
    org_name: str = "",
    credit_code: str = "",
    actor: User | None = None,
) -> User:
    """
    Return the applicant with this ID, creating an account for a walk-in.

    Enterprises are matched by credit code, persons by ID type and number.
    A new account has no usable password: the person can claim it later.

    中文：窗口收件登记申请人
    """
    display_name = (display_name or "").strip()
    if not display_name:
        raise ApplicationError("name_required", "请填写申请人姓名。")
    id_number = (id_number or "").strip()
    credit_code = (credit_code or "").strip()
    _identity_check(
        subject_kind=subject_kind,
        id_type=id_type,
        id_number=id_number,
        org_name=org_name,
        credit_code=credit_code,
    )
    if subject_kind == SubjectKind.ENTERPRISE:
        existing = User.objects.filter(
            subject_kind=SubjectKind.ENTERPRISE, credit_code=credit_code
        ).first()
    else:
        existing = User.objects.filter(id_type=id_type, id_number=id_number).first()
    if existing is not None:
        _walk_in_name_check(existing, display_name=display_name, org_name=org_name)
        return existing
    key = credit_code if subject_kind == SubjectKind.ENTERPRISE else id_number
    username = "walkin-" + hashlib.sha256(key.encode()).hexdigest()[:16]
    user = User(
        username=username,
        display_name=display_name,
        phone=(phone or "").strip(),
        subject_kind=subject_kind,
        id_type=id_type if id_number else "",
        id_number=id_number,
        org_name=org_name.strip(),
        credit_code=credit_code,
    )
    user.set_unusable_password()
    user.save()
    roles_bootstrap()
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role.APPLICANT]))
    audit_record(
        action="applicant_walk_in_create",
        obj=user,
        actor=actor,
        details={"id_number": mask_id_number(id_number), "credit_code": credit_code},
    )
    return user


@transaction.atomic
def agent_authorize(
    *,
    principal: User,
    agent: User,
    valid_from: date,
    valid_until: date | None = None,
    scope: str = "",
    actor: User | None = None,
) -> AgentAuthorization:
    """
    Authorise ``agent`` to apply on behalf of ``principal``. A self-declared
    account (自我声明) may not be an agent.

    中文：委托代理人
    """
    if principal.pk == agent.pk:
        raise ApplicationError("agent_is_principal", "代理人不能是申请人本人。")
    if agent.is_self_declared:
        raise ApplicationError(
            "agent_unverified",
            "代理人账号尚未实名认证（自我声明），不能接受委托；请先完成实名认证或到窗口核验身份。",
        )
    if valid_until is not None and valid_until < valid_from:
        raise ApplicationError("invalid_period", "截止日期不能早于生效日期。")
    auth = AgentAuthorization.objects.create(
        principal=principal,
        agent=agent,
        valid_from=valid_from,
        valid_until=valid_until,
        scope=scope,
    )
    audit_record(
        action="agent_authorize",
        obj=principal,
        actor=actor or principal,
        details={"agent": agent.pk, "valid_until": valid_until, "scope": scope},
    )
    return auth


def agent_may_act_for(*, agent: User, principal: User, day: date) -> bool:
    """
    Return whether ``agent`` holds an authorisation from ``principal`` on ``day``.

    中文：代理授权是否有效
    """
    for auth in AgentAuthorization.objects.filter(
        principal=principal, agent=agent, revoked_at__isnull=True
    ):
        if auth.is_active_on(day):
            return True
    return False


@transaction.atomic
def staff_post_set(
    *,
    user: User,
    department: "Department | None" = None,
    counters: "Iterable[Counter] | None" = None,
    backup: User | None = None,
    actor: User | None = None,
) -> User:
    """
    Set a member of staff's department, counters and backup post (AB岗).

    中文：设置岗位（部门、窗口、AB岗）
    """
    if backup is not None and backup.pk == user.pk:
        raise ApplicationError("backup_is_self", "B岗不能是本人。")
    if (
        backup is not None
        and department is not None
        and backup.department_id != department.pk
    ):
        raise ApplicationError("backup_other_department", "B岗须为同一部门人员。")
    user.department = department
    user.backup = backup
    user.save(update_fields=["department", "backup"])
    if counters is not None:
        user.counters.set(counters)
    audit_record(
        action="staff_post_set",
        obj=user,
        actor=actor,
        details={
            "department": getattr(department, "pk", None),
            "backup": getattr(backup, "pk", None),
            "counters": [c.pk for c in counters] if counters is not None else None,
        },
    )
    return user


def staff_absence_set(
    *, user: User, is_absent: bool, note: str = "", actor: User | None = None
) -> User:
    """
    Mark a member of staff absent or back; absence hands work to the B岗.

    Receivers of ``staff_absence_changed`` (the cases app) move open work
    after the change commits.

    中文：设置在岗状态（缺岗转B岗）
    """
    with transaction.atomic():
        before = user.is_absent
        user.is_absent = is_absent
        user.absent_note = note if is_absent else ""
        user.save(update_fields=["is_absent", "absent_note"])
        audit_record(
            action="staff_absence_set",
            obj=user,
            actor=actor,
            from_state="absent" if before else "present",
            to_state="absent" if is_absent else "present",
            reason=note,
        )
        staff_absence_changed.send(
            sender=User, user=user, is_absent=is_absent, actor=actor
        )
    return user


def staff_effective_assignee(user: User | None, *, _depth: int = 0) -> User | None:
    """
    Return who does ``user``'s work now: the user, or the B岗 chain if absent.

    中文：实际承办人（AB岗）
    """
    current = user
    seen: set[int] = set()
    while current is not None and current.is_absent and current.backup_id:
        if current.pk in seen:
            break
        seen.add(current.pk)
        current = current.backup
    return current
