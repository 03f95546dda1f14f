"""Services of accounts: role groups and user creation."""

from django.contrib.auth.models import Group
from django.db import transaction

from zhengtong.core.audit import audit_record

from .constants import ROLE_GROUP_NAMES, Role
from .models import User


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
    return created


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    roles: list[Role | str] = (),
    display_name: str = "",
    department=None,
    phone: str = "",
    email: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    actor=None,
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
