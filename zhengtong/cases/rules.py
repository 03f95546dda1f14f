"""
Region rules of the legal workflow (docs/cases.md "Decision, extension, delivery").

Configuration (``settings.CASES_WORKFLOW_RULES``)::

    {"separation_of_duties": True,             # 承办 and 批准 not one person
     "extension_approver_role": "department_head",  # who approves 延期
     "extension_moves_promised_date": False,   # does 延期 move the 承诺 date
     "regions": {"5116": {...}, "511602": {...}}}   # overrides by code prefix

A region key is a division code (trailing zero levels dropped); every key
the case's ``region_code`` starts with applies, the longest last (the same
rule as ``CASES_TOLERANCE_EXPIRY``).

- ``separation_of_duties``: whoever completed the first step (承办) of a case
  may not hold or take its deciding step (批准).
- ``extension_approver_role``: the role whose holders approve an extension
  (行政许可法第四十二条 "经本机关负责人批准"). A department role
  (``department_head``, ``reviewer``) approves for its own department's
  cases only; ``centre_admin`` approves centre-wide. Superusers hold no role
  by being superusers.
- ``extension_moves_promised_date``: an extension always moves the statutory
  date (法定办结日); the promised date (承诺办结日) moves only when the
  promise says so (this flag), otherwise the centre keeps its promise.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from zhengtong.accounts.constants import Role

DEFAULTS: dict[str, Any] = {
    "separation_of_duties": True,
    "extension_approver_role": Role.DEPARTMENT_HEAD.value,
    "extension_moves_promised_date": False,
}
CENTRE_WIDE_ROLES = frozenset({Role.CENTRE_ADMIN.value, Role.SUPERVISOR.value})


@dataclass(frozen=True)
class WorkflowRules:
    """
    The workflow rules that apply to one region.

    中文：办理流程规则
    """

    separation_of_duties: bool
    extension_approver_role: str
    extension_moves_promised_date: bool

    @property
    def extension_approver_label(self) -> str:
        return str(Role(self.extension_approver_role).label)

    @property
    def extension_approver_centre_wide(self) -> bool:
        return self.extension_approver_role in CENTRE_WIDE_ROLES


def workflow_rules_for(region_code: str) -> WorkflowRules:
    """
    Return the workflow rules of a region (settings, longest prefix wins).

    中文：区域办理流程规则
    """
    from .services_tolerance import region_key

    config: dict[str, Any] = dict(getattr(settings, "CASES_WORKFLOW_RULES", {}) or {})
    regions = config.pop("regions", {}) or {}
    merged = {**DEFAULTS, **config}
    mine = region_key(region_code or "") if region_code else ""
    by_key = {region_key(k): v for k, v in regions.items()}
    for key in sorted((k for k in by_key if k and mine.startswith(k)), key=len):
        merged.update(by_key[key] or {})
    role = str(merged["extension_approver_role"])
    if role not in Role.values or role == Role.APPLICANT:
        raise ValueError(f"CASES_WORKFLOW_RULES: unknown approver role {role!r}")
    return WorkflowRules(
        separation_of_duties=bool(merged["separation_of_duties"]),
        extension_approver_role=role,
        extension_moves_promised_date=bool(merged["extension_moves_promised_date"]),
    )


def case_rules(case: Any) -> WorkflowRules:
    """Return the workflow rules of ``case``'s region."""
    return workflow_rules_for(getattr(case, "region_code", "") or "")
