"""
容缺受理 follow-up: supplying the tolerated materials, the warning, expiry.

A case accepted with tolerated materials (容缺受理) carries
``tolerance_due_date`` and ``tolerance_status`` (pending → warned →
supplied | expired). The daily job ``case_tolerance_followup``:

- two working days before the deadline (``warn_working_days``) warns the
  applicant once (in-app, e-mail, SMS);
- the day after the deadline, if the tolerated materials were not supplied,
  applies the region's consequence: 视为撤回 (default; 《安阳市政务服务条例》
  Art. 24 "申请人逾期未补齐补正材料的，视为撤回申请"), 终止办理, or only
  预警 (the case goes on; applicant and handler are told). Withdrawal and
  termination close the case through the workflow (system actor) and issue
  a 容缺材料逾期未补齐告知书.

Configuration (``settings.CASES_TOLERANCE_EXPIRY``)::

    {"consequence": "withdraw" | "terminate" | "warn",
     "basis": "《…》第…条",            # the rule cited on the notice
     "warn_working_days": 2,
     "regions": {"5116": {...}, "511602": {...}}}   # overrides by code prefix

A region key is a division code (6 or 12 digits, trailing zero levels
dropped); the longest key that the case's ``region_code`` starts with wins.

Only cases accepted after this rule existed are followed up (their
acceptance notice states the deadline and the consequence, as Art. 24
requires); older cases keep ``tolerance_status`` empty.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.catalog.models import Material
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from . import clock
from .constants import (
    CLOCK_STATUSES,
    Action,
    ActorKind,
    DocumentKind,
    ErrorCode,
    ToleranceConsequence,
    ToleranceStatus,
)
from .models import Case, CaseMaterial, Notification
from .workflow import case_actor_kinds, case_transition

if TYPE_CHECKING:
    from zhengtong.workdays.calc import WorkCalendar

DEFAULT_BASIS = "《安阳市政务服务条例》第二十四条"
OPEN = (ToleranceStatus.PENDING, ToleranceStatus.WARNED)
# 仅预警: the applicant may still hand the materials in afterwards.
SUPPLIABLE = (*OPEN, ToleranceStatus.EXPIRED)
REGION_LEVELS = (2, 4, 6, 9, 12)  # 省 市 县 乡 村 (GB/T 2260 + 统计用区划代码)

CONSEQUENCE_TEXT = {
    ToleranceConsequence.WITHDRAW: "视为撤回申请",
    ToleranceConsequence.TERMINATE: "终止办理",
    ToleranceConsequence.WARN: "予以预警，办件继续办理，请尽快补齐",
}
NOTICE_TITLES = {
    ToleranceConsequence.WITHDRAW: "视为撤回申请告知书",
    ToleranceConsequence.TERMINATE: "终止办理告知书",
    ToleranceConsequence.WARN: "容缺材料逾期未补齐告知书",
}


@dataclass(frozen=True)
class ToleranceRule:
    """The consequence of an expired 容缺 deadline in one region."""

    consequence: str
    basis: str
    warn_working_days: int

    @property
    def consequence_text(self) -> str:
        return CONSEQUENCE_TEXT[ToleranceConsequence(self.consequence)]


def _cn_date(day: date | None) -> str:
    if day is None:
        return ""
    return f"{day.year}年{day.month}月{day.day}日"


def region_key(code: str) -> str:
    """Return a division code without its trailing all-zero levels."""
    code = "".join(ch for ch in str(code) if ch.isdigit())[:12].ljust(12, "0")
    end = 12
    for start, stop in reversed(
        list(zip((0, *REGION_LEVELS[:-1]), REGION_LEVELS, strict=True))
    ):
        if code[start:stop].strip("0"):
            break
        end = start
    return code[:end]


def tolerance_rule_for(region_code: str) -> ToleranceRule:
    """
    Return the 容缺 expiry rule of a region (settings, longest prefix wins).

    中文：容缺逾期处理规则
    """
    config: dict[str, Any] = dict(getattr(settings, "CASES_TOLERANCE_EXPIRY", {}) or {})
    regions = config.pop("regions", {}) or {}
    merged = {
        "consequence": ToleranceConsequence.WITHDRAW,
        "basis": DEFAULT_BASIS,
        "warn_working_days": 2,
        **config,
    }
    mine = region_key(region_code or "")
    matches = sorted(
        (
            key
            for key in (region_key(k) for k in regions)
            if key and mine.startswith(key)
        ),
        key=len,
    )
    by_key = {region_key(k): v for k, v in regions.items()}
    for key in matches:  # shorter (province) first, longer (county) last
        merged.update(by_key[key] or {})
    consequence = str(merged["consequence"])
    if consequence not in ToleranceConsequence.values:
        raise ValueError(f"CASES_TOLERANCE_EXPIRY: unknown consequence {consequence!r}")
    return ToleranceRule(
        consequence=consequence,
        basis=str(merged["basis"]),
        warn_working_days=int(merged["warn_working_days"]),
    )


def tolerance_notice_context(case: Case) -> dict[str, Any]:
    """
    Return what the acceptance notice says about the 容缺 deadline's consequence.

    Art. 24 wants the deadline and "逾期处理办法" told at acceptance.

    中文：容缺逾期处理办法（受理通知书）
    """
    if not case.tolerated_materials:
        return {}
    rule = tolerance_rule_for(case.region_code)
    return {
        "tolerance_consequence": rule.consequence,
        "tolerance_consequence_text": rule.consequence_text,
        "tolerance_basis": rule.basis,
        "tolerance_warn_days": rule.warn_working_days,
    }


def _missing(case: Case) -> list[dict[str, Any]]:
    """Return the tolerated materials that still have no file."""
    wanted = {m.get("material_id") for m in case.tolerated_materials or []}
    wanted.discard(None)
    have = set(
        CaseMaterial.objects.filter(case=case, material_id__in=wanted).values_list(
            "material_id", flat=True
        )
    )
    return [
        m for m in case.tolerated_materials or [] if m.get("material_id") not in have
    ]


# -- supplying the tolerated materials ----------------------------------------

SUPPLIERS = frozenset(
    {ActorKind.APPLICANT, ActorKind.INTAKE, ActorKind.REVIEWER, ActorKind.ADMIN}
)


def tolerance_supply_offered(*, case: Case, user: User | None) -> bool:
    """
    Return True when a page should offer ``user`` to hand in 容缺 materials.

    中文：是否显示“补齐容缺材料”
    """
    if case.status not in CLOCK_STATUSES or case.tolerance_status not in SUPPLIABLE:
        return False
    return bool(case_actor_kinds(case=case, user=user) & SUPPLIERS)


def tolerance_missing_materials(*, case: Case) -> list[Material]:
    """
    Return the checklist materials still owed after a 容缺受理.

    中文：待补齐的容缺材料
    """
    ids = [m["material_id"] for m in _missing(case) if m.get("material_id")]
    return list(Material.objects.filter(pk__in=ids).order_by("order", "id"))


@transaction.atomic
def case_tolerance_supply(
    *,
    case: Case,
    actor: User,
    files: Iterable[tuple[Material | int | None, Any]],
    note: str = "",
    now: datetime | None = None,
) -> Case:
    """
    Hand in tolerated materials after a 容缺受理 (applicant, agent or staff).

    ``files`` are (checklist material or id, upload) pairs; each material
    must be one of the tolerated ones. When none is missing any more the
    follow-up is closed (``supplied``); the deadline job then leaves the
    case alone.

    中文：补齐容缺材料
    """
    from . import services

    now, _today = services._now(now)
    case = services._lock(case)
    if not case_actor_kinds(case=case, user=actor) & SUPPLIERS:
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "您无权为该办件补齐容缺材料。", status=403
        )
    if case.status not in CLOCK_STATUSES or case.tolerance_status not in SUPPLIABLE:
        raise ApplicationError(
            ErrorCode.TOLERANCE_NOT_PENDING,
            "该办件没有待补齐的容缺材料。",
            status=409,
        )
    tolerated = {m.get("material_id") for m in case.tolerated_materials or []}
    checklist = {m.pk: m for m in Material.objects.filter(version=case.item_version_id)}
    pairs = []
    for material, upload in files:
        material_id = material.pk if isinstance(material, Material) else material
        if material_id is None or int(material_id) not in tolerated:
            raise ApplicationError(
                "invalid_material", "所交材料不在本办件的容缺材料清单中。"
            )
        pairs.append((checklist[int(material_id)], upload))
    if not pairs:
        raise ApplicationError("tolerance_no_files", "请上传需补齐的容缺材料。")
    for material, upload in pairs:
        services._material_store(
            case=case,
            actor=actor,
            file=upload,
            material=material,
            details={"tolerated": True},
        )
    missing = _missing(case)
    if missing:
        audit_record(
            action="tolerance_supply",
            obj=case,
            actor=actor,
            reason=(note or "").strip(),
            details={"missing": [m["name"] for m in missing]},
        )
        return case
    before = case.tolerance_status
    case.tolerance_status = ToleranceStatus.SUPPLIED
    case.save(update_fields=["tolerance_status", "updated_at"])
    audit_record(
        action="tolerance_supplied",
        obj=case,
        actor=actor,
        reason=(note or "").strip(),
        details={"before": before, "materials": [m.name for m, _u in pairs]},
    )
    services._notify(case, "tolerance_supplied")
    return case


# -- the daily job -------------------------------------------------------------


def _due_ids(
    today: date, cal: "WorkCalendar", horizon: int
) -> list[tuple[int, date | None]]:
    """One indexed query: open follow-ups whose deadline is near or past."""
    until = clock.add_days(cal, today, horizon)
    return list(
        Case.objects.filter(
            tolerance_status__in=OPEN,
            status__in=CLOCK_STATUSES,
            tolerance_due_date__lte=until,
        )
        .order_by("tolerance_due_date", "id")
        .values_list("pk", "tolerance_due_date")
    )


def _warn(case: Case, today: date, rule: ToleranceRule) -> bool:
    from . import services

    case.tolerance_status = ToleranceStatus.WARNED
    case.save(update_fields=["tolerance_status", "updated_at"])
    missing = [m["name"] for m in _missing(case)]
    audit_record(
        action="tolerance_warn",
        obj=case,
        actor="系统",
        reason=f"容缺材料补齐期限为{_cn_date(case.tolerance_due_date)}，"
        f"逾期未补齐将{rule.consequence_text}。",
        details={"due": case.tolerance_due_date, "missing": missing},
    )
    services._notify(
        case,
        "tolerance_warning",
        tolerance_due=_cn_date(case.tolerance_due_date),
        materials="、".join(missing),
        consequence=rule.consequence_text,
    )
    return True


def _staff_alert(case: Case, text: str) -> None:
    """Tell the handler in-app (no e-mail, no SMS) when only a warning applies."""
    if case.current_assignee_id:
        Notification.objects.create(
            user_id=case.current_assignee_id,
            case=case,
            event="tolerance_expired_staff",
            title="容缺材料逾期未补齐",
            text=text,
        )


def _expire(case: Case, today: date, rule: ToleranceRule) -> str:
    """Apply the consequence to one locked case; return what was done."""
    from . import services

    missing = _missing(case)
    if not missing:  # handed in by a path that did not close the follow-up
        case.tolerance_status = ToleranceStatus.SUPPLIED
        case.save(update_fields=["tolerance_status", "updated_at"])
        audit_record(
            action="tolerance_supplied", obj=case, actor="系统", details={"late": False}
        )
        return "supplied"
    names = "、".join(m["name"] for m in missing)
    due = _cn_date(case.tolerance_due_date)
    reason = (
        f"申请人未在容缺受理承诺的期限（{due}）内补齐容缺材料（{names}），"
        f"依据{rule.basis}，{rule.consequence_text}。"
    )
    details = {
        "due": case.tolerance_due_date,
        "missing": [m["name"] for m in missing],
        "consequence": rule.consequence,
        "basis": rule.basis,
    }
    case.tolerance_status = ToleranceStatus.EXPIRED
    consequence = ToleranceConsequence(rule.consequence)
    if consequence == ToleranceConsequence.WARN:
        case.save(update_fields=["tolerance_status", "updated_at"])
        audit_record(
            action="tolerance_expired",
            obj=case,
            actor="系统",
            reason=reason,
            details=details,
        )
        _staff_alert(case, f"办件 {case.number}：{reason}")
        event = "tolerance_overdue"
    else:
        action = (
            Action.DEEM_WITHDRAW
            if consequence == ToleranceConsequence.WITHDRAW
            else Action.TERMINATE
        )
        services._stop_everything(case, today)
        case.closing_reason = reason
        case_transition(
            case=case,
            action=action,
            actor=None,
            reason=reason,
            details=details,
            update_fields=[
                "closing_reason",
                "lamp",
                "current_assignee",
                "tolerance_status",
            ],
        )
        event = f"tolerance_{consequence}"
    services._issue(
        case,
        DocumentKind.TOLERANCE_EXPIRED,
        None,
        today,
        title=NOTICE_TITLES[consequence],
        consequence=rule.consequence,
        consequence_text=rule.consequence_text,
        basis=rule.basis,
        missing=[m["name"] for m in missing],
        tolerance_due_date=case.tolerance_due_date,
        closing_reason=reason,
    )
    services._notify(case, event, materials=names, tolerance_due=due)
    return consequence


def _warn_days_max() -> int:
    """Return the longest warning window of any region (the query's horizon)."""
    regions = (getattr(settings, "CASES_TOLERANCE_EXPIRY", {}) or {}).get("regions")
    days = [tolerance_rule_for("").warn_working_days]
    days += [
        int((v or {}).get("warn_working_days", 0)) for v in (regions or {}).values()
    ]
    return max(days)


def case_tolerance_followup(*, now: datetime | None = None) -> dict[str, int]:
    """
    Warn before, and act after, the 容缺 deadlines (the daily job).

    One indexed query finds the open follow-ups whose deadline is within
    the warning window or past; each case is then locked, re-checked and
    handled in its own transaction. Running it twice the same day changes
    nothing the second time (the status records what was done).

    中文：容缺受理到期处理
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    cal = clock.calendar()
    counts = {"warned": 0, "withdraw": 0, "terminate": 0, "warn": 0, "supplied": 0}
    horizon = _warn_days_max()
    for case_id, _due in _due_ids(today, cal, horizon):
        done = _followup_one(case_id, today, cal)
        if done:
            counts[done] += 1
    return counts


def _followup_one(case_id: int, today: date, cal: "WorkCalendar") -> str:
    from . import services

    with transaction.atomic():
        case = services._lock(Case(pk=case_id))
        if case.status not in CLOCK_STATUSES or case.tolerance_status not in OPEN:
            return ""  # handled meanwhile
        due = case.tolerance_due_date
        if due is None:
            return ""
        rule = tolerance_rule_for(case.region_code)
        if today > due:
            return _expire(case, today, rule)
        warn_until = clock.add_days(cal, today, rule.warn_working_days)
        if case.tolerance_status == ToleranceStatus.PENDING and due <= warn_until:
            _warn(case, today, rule)
            return "warned"
        return ""
