"""Kinds, states and error codes of supervision (电子监察)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClockKind(models.TextChoices):
    """Every clock the system keeps, as supervision sees it."""

    CASE = "case", _("办件承诺时限")
    CASE_STATUTORY = "case_statutory", _("办件法定时限")
    STEP = "step", _("审批环节")
    SUPPLEMENT = "supplement", _("补正答复")
    CERTIFICATE = "certificate", _("发证（第四十四条）")
    INTAKE = "intake", _("受理决定（第三十二条）")
    ORDER = "order", _("督办回复")
    COMPLAINT_PROPOSAL = "complaint_proposal", _("投诉拟办意见")
    COMPLAINT_REPLY = "complaint_reply", _("投诉答复")
    FIRST_QUESTION = "fq_handover", _("首问转交确认")
    RECTIFICATION = "rectification", _("差评整改")
    BRANCH = "branch", _("联办分支时限")
    # Later areas add theirs here.


class ClockState(models.TextChoices):
    RUNNING = "running", _("计时中")
    SUSPENDED = "suspended", _("暂停计时")
    CLOSED = "closed", _("已结束")


class Lamp(models.TextChoices):
    GREEN = "green", _("绿灯")
    YELLOW = "yellow", _("黄灯")
    RED = "red", _("红灯")


LAMP_RANK = {Lamp.GREEN: 0, Lamp.YELLOW: 1, Lamp.RED: 2}


class AlertLevel(models.TextChoices):
    YELLOW = "yellow", _("预警")
    RED = "red", _("超期")
    ESCALATED = "escalated", _("升级督办")
    ORDER = "order", _("督办单")
    CARD = "card", _("效能告诫")


class OrderTarget(models.TextChoices):
    CASE = "case", _("办件")
    STEP = "step", _("审批环节")
    DEPARTMENT = "department", _("部门")
    PERSON = "person", _("个人")


class OrderState(models.TextChoices):
    DRAFT = "draft", _("待签发")  # drafted by the escalation rule
    OPEN = "open", _("待回复")
    REPLIED = "replied", _("已回复")
    ACCEPTED = "accepted", _("已办结")
    RETURNED = "returned", _("已退回")  # back to the addressee: reply again
    CANCELLED = "cancelled", _("已撤销")


class BreachState(models.TextChoices):
    PROPOSED = "proposed", _("待认定")
    DECIDED = "decided", _("已认定")
    DISMISSED = "dismissed", _("不予认定")


class ErrorCode(models.TextChoices):
    NOT_PERMITTED = "not_permitted", _("无权操作")
    NOT_FOUND = "not_found", _("不存在")
    INVALID_STATE = "invalid_state", _("状态不允许")
    INVALID_INPUT = "invalid_input", _("输入有误")
