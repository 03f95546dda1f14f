"""
The demo 联办件: one item of 区行政审批局 (not one of the ordinary demo items)
handled in parallel with 区市监局 and 区消防大队, and one case of it in
progress — 市监 has run its two steps and agreed, 消防 runs a 检验 (Art.
45) in its 承办 step, the lead branch is at 承办 of 承办 → 审核 → 批准, the
联办会议 (three windows) is still to be held.

Accounts ``joint_scj`` and ``joint_xf`` are the reviewers of the two
branches (same demo password). Idempotent.
"""

from typing import IO

from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.constants import Role
from zhengtong.accounts.models import User
from zhengtong.accounts.services import user_create
from zhengtong.catalog.constants import VersionStatus
from zhengtong.catalog.models import Department, ServiceItem
from zhengtong.core.errors import ApplicationError

from . import services
from .models import Case
from .models_joint import JointBranchTemplate, JointStepTemplate

BRANCHES = (
    # department, reviewer username, display name
    ("区市监局", "joint_scj", "吴审查（区市监局）"),
    ("区消防大队", "joint_xf", "郑审查（区消防大队）"),
)
# each branch's own line of steps (name, role, own limit); the last decides
LEAD_STEPS = (
    ("承办", Role.REVIEWER, 5),
    ("审核", Role.REVIEWER, None),
    ("批准", Role.DEPARTMENT_HEAD, None),
)
OTHER_STEPS = (("承办", Role.REVIEWER, 5), ("审核批准", Role.REVIEWER, None))
KEY = "demo-joint"


def _joint_item(department: Department, skip: list[ServiceItem], today, give):
    item = (
        ServiceItem.objects.filter(
            department=department, current_version__status=VersionStatus.PUBLISHED
        )
        .exclude(pk__in=[i.pk for i in skip])
        .order_by("item_code")
        .first()
    )
    if item is None:
        return None
    version = item.current_version
    if not (version.materials.exists() and version.statutory_days):
        give(item=item, n=1, today=today)
        item.refresh_from_db()
    return item


def seed_joint(
    *,
    demo,
    department: Department,
    password: str,
    give,
    stdout: IO | None = None,
) -> str:
    """
    Create the demo 联办件 (idempotent); return a line for the log.

    中文：演示联办件
    """
    if Case.objects.filter(idempotency_key=KEY).exists():
        return "演示联办件：已存在。"
    others = []
    for name, username, display in BRANCHES:
        dept = Department.objects.filter(name=name).first()
        if dept is None:
            return f"演示联办件：缺少部门“{name}”，跳过。"
        user = User.objects.filter(username=username).first() or user_create(
            username=username,
            password=password,
            roles=[Role.REVIEWER],
            display_name=display,
            department=dept,
            is_staff=True,
        )
        others.append((dept, user))
    # the day the demo clock shows (the caller may move it to a working day)
    item = _joint_item(department, demo.items, timezone.localdate(), give)
    if item is None:
        return "演示联办件：没有可用的事项，跳过。"
    version = item.current_version
    for order, dept in enumerate([department, *[d for d, _u in others]], start=1):
        tpl, _created = JointBranchTemplate.objects.get_or_create(
            item_version=version,
            department=dept,
            defaults={"order": order, "is_lead": order == 1, "limit_days": 20},
        )
        if not tpl.steps.exists():
            JointStepTemplate.objects.bulk_create(
                JointStepTemplate(
                    branch=tpl, order=n, name=name, role=role, limit_days=limit
                )
                for n, (name, role, limit) in enumerate(
                    LEAD_STEPS if order == 1 else OTHER_STEPS, start=1
                )
            )
    joint_demo = type(demo)([item], demo.users)
    try:
        with transaction.atomic():
            case = joint_demo.new("joint", "applicant", 0)
            Case.objects.filter(pk=case.pk).update(idempotency_key=KEY)
            case = services.case_accept(
                case=case, actor=demo.counter, note="联办件，材料齐全，予以受理。"
            )
            (scj, scj_user), (xf, xf_user) = others
            services.branch_step_complete(
                branch=case.branches.get(department=scj),
                actor=scj_user,
                opinion="主体资格已核对。",
            )
            services.branch_decide(
                branch=case.branches.get(department=scj),
                actor=scj_user,
                outcome="approve",
                opinion="同意办理。",
                internal_note="已核对市场主体登记信息。",
            )
            services.branch_suspend(
                branch=case.branches.get(department=xf),
                actor=xf_user,
                kind="inspection",
                reason="消防设施现场检验",
                expected_days=5,
            )
    except ApplicationError as exc:
        return f"演示联办件：未能创建（{exc.message}）。"
    return (
        f"演示联办件：{case.number}（{item.current_version.name}，三个部门并联办理）。"
    )
