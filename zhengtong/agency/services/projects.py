"""
Major projects (重大项目) and their 四办 path: the threshold check (data per
region, one function) and the recorded stages.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.cases.models import Case
from zhengtong.catalog.models import Region
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import permissions
from ..constants import STAGE_ORDER, ErrorCode, ProjectStage, Sector
from ..models import MajorProject, MajorProjectRule, MajorProjectStage

NOT_MAJOR = "not_major_project"


@dataclass(frozen=True)
class MajorVerdict:
    """
    Whether a project is major, the rule applied and the thresholds met.

    中文：重大项目认定结果
    """

    is_major: bool
    rule: MajorProjectRule
    reasons: tuple[str, ...]


def major_rule_get(*, region: Region | None, sector: str) -> MajorProjectRule:
    """
    Return the thresholds of ``sector`` for ``region``: its own rule, else
    the nearest upper region's, else the default (no region).

    中文：适用的重大项目认定标准
    """
    if sector not in Sector.values:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT,
            "行业类别须为 industry（工业、农业）或 services（第三产业）。",
        )
    rules = {r.region_id: r for r in MajorProjectRule.objects.filter(sector=sector)}
    seen: set[int] = set()
    while region is not None and region.pk not in seen:
        seen.add(region.pk)
        if region.pk in rules:
            return rules[region.pk]
        region = region.parent
    if None in rules:
        return rules[None]
    raise ApplicationError(
        ErrorCode.NO_RULE, "本区划尚未设置重大项目认定标准，请联系中心管理员。"
    )


def _amount(value: Any, label: str) -> Decimal:
    try:
        amount = Decimal(str(value if value not in (None, "") else 0))
    except ArithmeticError:
        raise ApplicationError(ErrorCode.INVALID_INPUT, f"{label}须为数字。") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
        raise ApplicationError(ErrorCode.INVALID_INPUT, f"{label}须为不小于 0 的数额。")
    return amount


def major_project_check(
    *,
    region: Region | None,
    sector: str,
    registered_capital_wan: Any = 0,
    foreign_capital_usd_wan: Any = 0,
    total_investment_wan: Any = 0,
) -> MajorVerdict:
    """
    Decide whether a project is major: one amount at or above its threshold.

    The one definition of the rule (seed-rules E, 四办 一): industry and
    agriculture 1000万元 / 100万美元 / 5000万元, services 3000万元 /
    300万美元 / 2亿元 by default; the figures are data per region.

    中文：重大项目认定
    """
    rule = major_rule_get(region=region, sector=sector)
    amounts = (
        (
            _amount(registered_capital_wan, "注册资本"),
            rule.registered_capital_wan,
            "注册资本 {0} 万元 ≥ {1} 万元",
        ),
        (
            _amount(foreign_capital_usd_wan, "实收外资"),
            rule.foreign_capital_usd_wan,
            "实收外资 {0} 万美元 ≥ {1} 万美元",
        ),
        (
            _amount(total_investment_wan, "投资总额"),
            rule.total_investment_wan,
            "投资总额 {0} 万元 ≥ {1} 万元",
        ),
    )
    reasons = tuple(
        text.format(_plain(value), _plain(threshold))
        for value, threshold, text in amounts
        if value >= threshold
    )
    return MajorVerdict(is_major=bool(reasons), rule=rule, reasons=reasons)


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _project_number() -> str:
    year = timezone.localdate().year
    count = MajorProject.objects.filter(number__startswith=f"ZD{year}").count()
    return f"ZD{year}{count + 1:04d}"


@transaction.atomic
def major_project_register(
    *,
    actor: User,
    name: str,
    enterprise: str,
    sector: str,
    follow_up_officer: User,
    region: Region | None = None,
    registered_capital_wan: Any = 0,
    foreign_capital_usd_wan: Any = 0,
    total_investment_wan: Any = 0,
    case: Case | None = None,
    windows: int = 1,
    note: str = "",
) -> MajorProject:
    """
    Register a major project at reception (接待登记) with its follow-up
    officer; a project below every threshold is refused.

    中文：重大项目接待登记
    """
    permissions.check_manage_agency(user=actor)
    name, enterprise = (name or "").strip()[:200], (enterprise or "").strip()[:200]
    if not name or not enterprise:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "请填写项目名称和建设单位。")
    if not permissions.is_staff_member(follow_up_officer):
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "跟踪责任人须为中心在岗工作人员。"
        )
    if not 1 <= int(windows) <= 50:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "涉及窗口数须在 1 到 50 之间。")
    verdict = major_project_check(
        region=region,
        sector=sector,
        registered_capital_wan=registered_capital_wan,
        foreign_capital_usd_wan=foreign_capital_usd_wan,
        total_investment_wan=total_investment_wan,
    )
    if not verdict.is_major:
        raise ApplicationError(
            NOT_MAJOR, "该项目未达到重大项目认定标准，按一般项目办理。"
        )
    project = MajorProject.objects.create(
        number=_project_number(),
        name=name,
        enterprise=enterprise,
        region=region,
        sector=sector,
        registered_capital_wan=_amount(registered_capital_wan, "注册资本"),
        foreign_capital_usd_wan=_amount(foreign_capital_usd_wan, "实收外资"),
        total_investment_wan=_amount(total_investment_wan, "投资总额"),
        major_reasons=list(verdict.reasons),
        follow_up_officer=follow_up_officer,
        registered_by=actor,
        case=case,
        windows=int(windows),
    )
    _stage_record(project, actor, (note or "").strip() or "接待登记", new=True)
    return project


def _stage_record(
    project: MajorProject, actor: User, note: str, *, new: bool = False
) -> MajorProjectStage:
    row = MajorProjectStage.objects.create(
        project=project,
        stage=project.stage,
        note=note[:4000],
        actor=actor,
        recorded_at=timezone.now(),
    )
    audit_record(
        action="major_project_stage",
        obj=project,
        actor=actor,
        to_state=project.stage,
        reason=row.note,
        new_stream=new,
    )
    return row


@transaction.atomic
def major_project_advance(
    *, project: MajorProject, actor: User, note: str
) -> MajorProject:
    """
    Record what was done and move the project to its next 四办 stage:
    接待登记 → 审办 → 会办 → 帮办 → 督办 → 办结.

    中文：推进四办环节
    """
    permissions.check_advance_project(user=actor, project=project)
    note = (note or "").strip()
    if not note:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "请填写本环节的办理情况。")
    project = MajorProject.objects.select_for_update().get(pk=project.pk)
    if project.stage == ProjectStage.CLOSED:
        raise ApplicationError(ErrorCode.INVALID_STATE, "该项目已办结。", status=409)
    project.stage = STAGE_ORDER[STAGE_ORDER.index(project.stage) + 1]
    project.save(update_fields=["stage", "updated_at"])
    _stage_record(project, actor, note)
    return project
