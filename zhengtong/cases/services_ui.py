"""
Small compositions of the cases services and selectors for the web pages.

Nothing here changes a case by itself: every write goes through
``zhengtong.cases.services`` (which checks the transition and writes the
audit event). These helpers only bundle several of those calls into one
transaction, so a page either does everything or nothing.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from zhengtong.accounts.constants import ROLE_GROUP_NAMES, Role
from zhengtong.accounts.models import User
from zhengtong.accounts.services import applicant_walk_in_get_or_create
from zhengtong.catalog.models import ServiceItem

from . import services
from .constants import Channel, Status
from .models import Case
from .selectors import case_list_for_user


def case_list_mine(*, user: User) -> QuerySet[Case]:
    """
    Return the cases the user filed as applicant or agent, newest first.

    中文：我的办件
    """
    return (
        case_list_for_user(user=user)
        .filter(Q(applicant=user) | Q(agent=user))
        .select_related(None)
        .select_related("item_version")
    )


def staff_list_for_department(*, department_id: int) -> QuerySet[User]:
    """
    Return the active members of staff of a department (for reassignment).

    中文：部门在岗人员
    """
    return (
        User.objects.filter(
            is_active=True,
            department_id=department_id,
            groups__name__in=[
                ROLE_GROUP_NAMES[Role.COUNTER_STAFF],
                ROLE_GROUP_NAMES[Role.REVIEWER],
            ],
        )
        .distinct()
        .order_by("display_name", "username")
    )


def case_draft_find(*, user: User, item: ServiceItem) -> Case | None:
    """
    Return the user's newest draft for ``item`` (to resume it), or None.

    中文：查找申请草稿
    """
    return (
        case_list_for_user(user=user, status=Status.DRAFT)
        .filter(applicant=user, item=item)
        .first()
    )


@transaction.atomic
def case_draft_save(
    *,
    applicant: User,
    item: ServiceItem,
    case: Case | None,
    form_data: dict[str, Any],
    files: Iterable[tuple[int | None, Any]] = (),
    submit: bool = False,
    channel: str = Channel.ONLINE,
) -> Case:
    """
    Create or update an online draft, attach files and optionally submit.

    All in one transaction: a rejected file leaves the draft as it was.

    中文：保存申请（草稿或提交）
    """
    if case is None:
        case = services.case_create(
            applicant=applicant,
            item=item,
            actor=applicant,
            channel=channel,
            form_data=form_data,
            submit=False,
        )
    else:
        case = services.case_draft_update(
            case=case, actor=applicant, form_data=form_data
        )
    for material, upload in files:
        services.case_material_add(
            case=case, actor=applicant, file=upload, material=material
        )
    if submit:
        case = services.case_submit(case=case, actor=applicant)
    return case


@transaction.atomic
def case_counter_intake_walk_in(
    *,
    actor: User,
    item: ServiceItem,
    display_name: str,
    id_type: str,
    id_number: str,
    phone: str = "",
    form_data: dict[str, Any] | None = None,
    files: Iterable[tuple[int | None, Any]] = (),
) -> Case:
    """
    Register a walk-in applicant and their case at the counter, all or nothing.

    中文：窗口代为收件（登记申请人并创建办件）
    """
    applicant = applicant_walk_in_get_or_create(
        display_name=display_name,
        id_type=id_type,
        id_number=id_number,
        phone=phone,
        actor=actor,
    )
    return services.case_counter_intake(
        actor=actor,
        applicant=applicant,
        item=item,
        form_data=form_data,
        files=list(files),
    )
