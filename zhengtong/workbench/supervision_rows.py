"""
Rows and Excel columns of the supervision desk's lists (监察台列表).

Each list of the desk turns its objects into plain rows here (what the page
shows and the export writes) and declares its Excel columns once, beside
the row that fills them.  Links to pages that other parts of the workbench
provide (an order's page) are only given once those pages exist.

中文：监察台列表行
"""

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from zhengtong.supervision.constants import ClockKind, Lamp
from zhengtong.supervision.services.anomalies import rule_label

from .supervision_exports import Column

LAMP_LABELS = dict(Lamp.choices)
KIND_LABELS = dict(ClockKind.choices)


def url_or_none(name: str, *args: Any) -> str | None:
    """Return the URL of ``name``, or None while that page does not exist."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def person_name(user: Any) -> str:
    if user is None:
        return ""
    return getattr(user, "display_name", "") or getattr(user, "username", "")


COUNT_COLUMNS = (
    Column("名称", lambda r: r["name"], 28),
    Column("绿灯", lambda r: r["green"], 10),
    Column("黄灯", lambda r: r["yellow"], 10),
    Column("红灯", lambda r: r["red"], 10),
    Column("合计", lambda r: r["total"], 10),
)


def clock_row(row: dict[str, Any]) -> dict[str, Any]:
    url = None
    if row["kind"] == ClockKind.ORDER:
        url = url_or_none("workbench:supervision-order-detail", row["object_id"])
    elif row["kind"] in (ClockKind.COMPLAINT_PROPOSAL, ClockKind.COMPLAINT_REPLY):
        url = url_or_none("workbench:feedback-complaint", row["object_id"])
    elif row["kind"] == ClockKind.FIRST_QUESTION:
        url = url_or_none("workbench:feedback-first-question", row["object_id"])
    elif row["case_id"]:
        url = reverse("workbench:case-detail", args=[row["case_id"]])
    return {
        **row,
        "url": url,
        "kind_label": KIND_LABELS.get(row["kind"], row["kind"]),
        "lamp_label": LAMP_LABELS.get(row["lamp"], row["lamp"]),
        "owner": row["owner__display_name"] or row["owner__username"] or "",
        "department": row["department__name"] or "未指定",
        "counter": f"{row['counter__number']} 号" if row["counter__number"] else "",
        "suspended": row["state"] == "suspended",
    }


CLOCK_COLUMNS = (
    Column("编号", lambda r: r["number"], 24),
    Column("类型", lambda r: r["kind_label"], 16),
    Column("事项", lambda r: r["title"], 36),
    Column("责任部门", lambda r: r["department"], 20),
    Column("窗口", lambda r: r["counter"], 10),
    Column("责任人", lambda r: r["owner"], 12),
    Column("开始日期", lambda r: r["started_on"], 12),
    Column("截止日期", lambda r: r["due_date"], 12),
    Column("期限推定", lambda r: r["provisional"], 10),
    Column("亮灯", lambda r: r["lamp_label"], 8),
    Column("暂停计时", lambda r: r["suspended"], 10),
)


def order_row(order: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": order.pk,
        "number": order.number,
        "target": order.get_target_display(),
        "department": order.department.name,
        "person": person_name(order.person),
        "reason": order.reason,
        "state": order.get_state_display(),
        "state_code": order.state,
        "level": order.level,
        "auto": order.auto,
        "issued_on": order.issued_on,
        "due_date": order.due_date,
        "late": bool(
            order.due_date
            and order.due_date < today
            and order.state in ("open", "returned")
        ),
        "url": url_or_none("workbench:supervision-order-detail", order.pk),
        "case_url": (
            reverse("workbench:case-detail", args=[order.case_id])
            if order.case_id
            else None
        ),
    }


def breach_row(breach: Any) -> dict[str, Any]:
    return {
        "id": breach.pk,
        "number": breach.number,
        "kind": breach.kind.name,
        "system": breach.kind.get_system_display(),
        "person": person_name(breach.person),
        "department": breach.department.name,
        "counter": f"{breach.counter.number} 号" if breach.counter_id else "",
        "measure": breach.proposed_measure.name if breach.proposed_measure else "",
        "evidence": breach.evidence_text,
        "auto": bool(breach.rule_code),
        "created": timezone.localtime(breach.created_at).date(),
        "url": url_or_none("workbench:supervision-breach-detail", breach.pk),
        "case_url": (
            reverse("workbench:case-detail", args=[breach.case_id])
            if breach.case_id
            else None
        ),
    }


def anomaly_row(hit: Any) -> dict[str, Any]:
    return {
        "id": hit.pk,
        "rule": rule_label(hit.rule),
        "rule_code": hit.rule,
        "detail": hit.detail,
        "department": hit.department.name if hit.department_id else "未指定",
        "person": person_name(hit.person),
        "found_on": hit.found_on,
        "case_url": (
            reverse("workbench:case-detail", args=[hit.case_id])
            if hit.case_id
            else None
        ),
    }


ORDER_COLUMNS = (
    Column("督办单编号", lambda r: r["number"], 20),
    Column("督办对象", lambda r: r["target"], 10),
    Column("承办部门", lambda r: r["department"], 20),
    Column("责任人", lambda r: r["person"], 12),
    Column("督办事由", lambda r: r["reason"], 40),
    Column("级别", lambda r: r["level"], 6),
    Column("签发日期", lambda r: r["issued_on"], 12),
    Column("回复截止日", lambda r: r["due_date"], 12),
    Column("状态", lambda r: r["state"], 10),
    Column("逾期", lambda r: r["late"], 6),
)
BREACH_COLUMNS = (
    Column("编号", lambda r: r["number"], 20),
    Column("所属制度", lambda r: r["system"], 14),
    Column("失职情形", lambda r: r["kind"], 30),
    Column("责任人", lambda r: r["person"], 12),
    Column("部门", lambda r: r["department"], 20),
    Column("窗口", lambda r: r["counter"], 8),
    Column("建议措施", lambda r: r["measure"], 12),
    Column("事实与证据", lambda r: r["evidence"], 50),
    Column("规则拟定", lambda r: r["auto"], 8),
    Column("提出日期", lambda r: r["created"], 12),
)
ANOMALY_COLUMNS = (
    Column("规则", lambda r: r["rule"], 30),
    Column("说明", lambda r: r["detail"], 50),
    Column("部门", lambda r: r["department"], 20),
    Column("相关人员", lambda r: r["person"], 12),
    Column("发现日期", lambda r: r["found_on"], 12),
)
