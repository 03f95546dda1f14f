"""
Tell applicants about key events: in-app, e-mail and SMS.

Run by the background worker as an outbox job requested in the
transaction of the event (``zhengtong/core/outbox.py``: exactly once for
the in-app notification, at least once for e-mail and SMS across a crash
between the send and the commit); the SMS backend is ``core.sms`` (console by
default).
"""

import logging
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from zhengtong.core.outbox import outbox_job
from zhengtong.core.sms import sms_send

from .models import Case, Notification

logger = logging.getLogger("zhengtong.cases")

MESSAGES: dict[str, tuple[str, str]] = {
    # event: (title, text); {number} {item} {due_date} {extra...}
    "submitted": ("申请已提交", "您的办件 {number}（{item}）已提交，等待受理。"),
    "supplemented": ("补正材料已提交", "您的办件 {number} 补正材料已提交，等待受理。"),
    "supplement_requested": (
        "请补正材料",
        "您的办件 {number}（{item}）需要补正材料，请查看补正材料通知书并一次性补齐后提交。",
    ),
    "accepted": (
        "申请已受理",
        "您的办件 {number}（{item}）已受理，承诺办结日 {due_date}。",
    ),
    "deemed_accepted": (
        "申请视为受理",
        "您的办件 {number} 收件后五个工作日内未作出受理决定，依法视为受理，承诺办结日 {due_date}。",
    ),
    "refuse": (
        "申请不予受理",
        "您的办件 {number} 不予受理，请查看不予受理决定书（含理由和救济途径）。",
    ),
    "mark_not_required": (
        "无需申请许可",
        "您的办件 {number} 所申请事项依法不需要取得行政许可，请查看告知书。",
    ),
    "refer": (
        "请向有关机关申请",
        "您的办件 {number} 不属于本机关职权范围，请查看告知书并向有关机关申请。",
    ),
    "referred_internal": (
        "办件已转办",
        "您的办件 {number}（{item}）已转由承办部门办理，办理时限不变，承诺办结日 {due_date}。",
    ),
    "reported_up": (
        "办件已上报上级机关",
        "您的办件 {number}（{item}）已经本机关审查，报{authority}决定，可在办件详情查看进度。",
    ),
    "report_returned": (
        "上级机关已反馈",
        "您的办件 {number}（{item}）上级机关已反馈意见，本机关将依法办理。",
    ),
    "suspended": (
        "办件进入特别程序",
        "您的办件 {number} 进入{kind}程序，所需时间不计入办理时限，请查看特别程序告知书。",
    ),
    "resumed": (
        "办件恢复计时",
        "您的办件 {number} 特别程序结束，恢复计时，承诺办结日 {due_date}。",
    ),
    "extended": (
        "办理期限延长",
        "您的办件 {number} 办理期限延长{days}个工作日，新的办结日 {due_date}，请查看延期通知书。",
    ),
    "approve": (
        "准予许可",
        "您的办件 {number}（{item}）已作出准予许可决定，请查看决定书。",
    ),
    "deny": (
        "不予许可",
        "您的办件 {number}（{item}）已作出不予许可决定，请查看决定书（含理由和救济途径）。",
    ),
    "certificate_issued": ("证件已制发", "您的办件 {number} 证件已制发。"),
    "delivered": ("结果已送达", "您的办件 {number} 办理结果已送达。"),
    # 统一出件 of a 一件事 application: one message for all its sub-cases
    "bundle_delivered": (
        "一件事结果已统一送达",
        "您的一件事申请 {bundle_number} 的办理结果已统一送达，共{count}项：{numbers}。",
    ),
    "result_ready": (
        "办理结果可以领取",
        "您的办件 {number}（{item}）办理结果已出，请携带身份证件到{place}统一出件窗口领取。",
    ),
    "concluded": ("办件已办结", "您的办件 {number}（{item}）已办结，感谢您的评价。"),
    "withdrawn": ("申请已撤回", "您的办件 {number} 已撤回。"),
    "terminated": ("办理终止", "您的办件 {number} 已终止办理。"),
    "instant_converted": (
        "即办件转为承诺件",
        "您的办件 {number}（{item}）不能当场办结，已转为承诺件办理，承诺办结日 {due_date}。理由：{reason}",
    ),
    "tolerance_warning": (
        "请按期补齐容缺材料",
        "您的办件 {number} 容缺受理的材料（{materials}）须于 {tolerance_due} 前补齐，逾期未补齐将{consequence}。",
    ),
    "tolerance_supplied": ("容缺材料已补齐", "您的办件 {number} 容缺材料已补齐。"),
    "tolerance_withdraw": (
        "申请视为撤回",
        "您的办件 {number} 未在 {tolerance_due} 前补齐容缺材料（{materials}），依规定视为撤回申请，请查看告知书。",
    ),
    "tolerance_terminate": (
        "办理终止",
        "您的办件 {number} 未在 {tolerance_due} 前补齐容缺材料（{materials}），依规定终止办理，请查看告知书。",
    ),
    "tolerance_overdue": (
        "容缺材料逾期未补齐",
        "您的办件 {number} 容缺材料（{materials}）补齐期限 {tolerance_due} 已过，请尽快补齐，请查看告知书。",
    ),
}


@outbox_job
def notification_send(
    *, case_id: int, event: str, extra: dict[str, Any] | None = None
) -> list[Notification]:
    """
    Create in-app notifications and send e-mail and SMS for one event.

    Recipients are the applicant and the agent. A failing e-mail or SMS is
    logged and does not stop the others.

    中文：发送办件通知
    """
    if event not in MESSAGES:
        return []
    case = (
        Case.objects.select_related("applicant", "agent", "item_version")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        return []
    title, template = MESSAGES[event]
    values = {
        "number": case.number,
        "item": case.item_version.name,
        "due_date": case.due_date.isoformat() if case.due_date else "—",
        "kind": "",
        "days": "",
        **(extra or {}),
    }
    text = template.format(**values)
    created = []
    for user in {
        u.pk: u for u in (case.applicant, case.agent) if u is not None
    }.values():
        note = Notification.objects.create(
            user=user, case=case, event=event, title=title, text=text
        )
        if user.email:
            try:
                send_mail(
                    f"【{settings.SITE_NAME}】{title}",
                    text,
                    settings.DEFAULT_FROM_EMAIL,
                    [user.email],
                )
                note.email_sent = True
            except Exception:
                logger.exception("e-mail for case %s failed", case.number)
        phone = user.phone or (
            case.applicant_phone if user.pk == case.applicant_id else ""
        )
        if phone:
            try:
                sms_send(phone, f"【{settings.SITE_NAME}】{text}")
                note.sms_sent = True
            except Exception:
                logger.exception("SMS for case %s failed", case.number)
        note.save(update_fields=["email_sent", "sms_sent"])
        created.append(note)
    return created
