"""Choices and error codes of agency (代办/帮办, 四办, 绿色通道, 统一出件)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentKind(models.TextChoices):
    """中文：代办类型"""

    AGENCY = "agency", _("全程代办")
    ASSISTED = "assisted", _("帮办（特殊需要）")


class AssignmentStatus(models.TextChoices):
    """中文：代办状态"""

    REQUESTED = "requested", _("已申请（待指派）")
    ASSIGNED = "assigned", _("已指派（待授权）")
    AUTHORISED = "authorised", _("已授权（代办中）")
    CONCLUDED = "concluded", _("已办结")
    WITHDRAWN = "withdrawn", _("已撤销")


OPEN_ASSIGNMENT = (
    AssignmentStatus.REQUESTED,
    AssignmentStatus.ASSIGNED,
    AssignmentStatus.AUTHORISED,
)


class ConsentMethod(models.TextChoices):
    """中文：授权方式"""

    SIGNED = "signed", _("当面签署授权书")
    FILE = "file", _("上传授权委托书")
    ONLINE = "online", _("网上确认授权")


class Sector(models.TextChoices):
    """中文：项目行业类别"""

    INDUSTRY = "industry", _("工业、农业项目")
    SERVICES = "services", _("第三产业（服务业）项目")


class ProjectStage(models.TextChoices):
    """The 四办 path, in order. 中文：四办环节"""

    RECEPTION = "reception", _("接待登记")
    REVIEW = "review", _("审办")
    JOINT = "joint", _("会办")
    ASSIST = "assist", _("帮办")
    SUPERVISE = "supervise", _("督办")
    CLOSED = "closed", _("办结")


STAGE_ORDER = [s.value for s in ProjectStage]


class MarkKind(models.TextChoices):
    """中文：绿色通道类别"""

    KEY_PROJECT = "key_project", _("重点项目")
    ELDERLY = "elderly", _("老年人")
    DISABLED = "disabled", _("残疾人")
    SERVICEMAN = "serviceman", _("军人")


class HandoverMethod(models.TextChoices):
    """Same values as cases' DeliveryMethod. 中文：出件方式"""

    COUNTER_PICKUP = "counter_pickup", _("窗口领取")
    MAIL = "mail", _("邮寄送达")
    DOWNLOAD = "download", _("网上下载")


class IdentityCheck(models.TextChoices):
    """How the person collecting at the window was checked. 中文：领取核验方式"""

    SIGNATURE = "signature", _("签字确认")
    ID_CHECK = "id_check", _("核验身份证件")


class ErrorCode:
    """Stable error codes of the agency APIs."""

    INVALID_INPUT = "invalid_input"
    NOT_PERMITTED = "not_permitted"
    INVALID_STATE = "invalid_state"
    OFFICER_NOT_QUALIFIED = "officer_not_qualified"
    AUTHORISATION_REQUIRED = "authorisation_required"
    ASSIGNMENT_EXISTS = "assignment_exists"
    MARK_EXISTS = "mark_exists"
    MARK_REVOKED = "mark_revoked"
    BUNDLE_PENDING = "bundle_pending"
    NOT_READY = "result_not_ready"
    NOT_AT_HALL = "not_at_this_hall"
    ID_MISMATCH = "id_mismatch"
    TRACKING_REQUIRED = "tracking_required"
    NO_RULE = "no_threshold_rule"
