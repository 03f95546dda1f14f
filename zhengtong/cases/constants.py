"""Choices of the cases app: statuses, actions, channels, kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已收件（待受理）")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("补正中")
    ACCEPTED = "accepted", _("已受理")
    UNDER_REVIEW = "under_review", _("审查中")
    SUSPENDED = "suspended", _("特别程序（暂停计时）")
    DECIDED_APPROVED = "decided_approved", _("准予许可")
    DECIDED_DENIED = "decided_denied", _("不予许可")
    CONCLUDED = "concluded", _("已办结")
    REJECTED_AT_INTAKE = "rejected_at_intake", _("不予受理")
    NOT_REQUIRED = "not_required", _("不需要许可（已告知）")
    REFERRED = "referred", _("不属于本机关职权（已告知）")
    WITHDRAWN = "withdrawn", _("已撤回")
    TERMINATED = "terminated", _("已终止")


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.SUPPLEMENT_REQUESTED,
    Status.ACCEPTED,
    Status.UNDER_REVIEW,
    Status.SUSPENDED,
    Status.DECIDED_APPROVED,
    Status.DECIDED_DENIED,
)
# Statuses in which the decision clock runs (or is paused).
CLOCK_STATUSES = (Status.ACCEPTED, Status.UNDER_REVIEW, Status.SUSPENDED)
FINAL_STATUSES = (
    Status.CONCLUDED,
    Status.REJECTED_AT_INTAKE,
    Status.NOT_REQUIRED,
    Status.REFERRED,
    Status.WITHDRAWN,
    Status.TERMINATED,
)


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交申请")
    ACCEPT = "accept", _("受理")
    DEEM_ACCEPT = "deem_accept", _("视为受理")
    REQUEST_SUPPLEMENT = "request_supplement", _("一次性告知补正")
    SUPPLEMENT = "supplement", _("提交补正材料")
    REFUSE = "refuse", _("不予受理")
    MARK_NOT_REQUIRED = "mark_not_required", _("告知不需要许可")
    REFER = "refer", _("告知向有关机关申请")
    STEP_COMPLETE = "step_complete", _("办理环节完成")
    STEP_RETURN = "step_return", _("退回上一环节")
    STEP_REASSIGN = "step_reassign", _("改派承办人")
    SUSPEND = "suspend", _("特别程序（暂停计时）")
    RESUME = "resume", _("恢复计时")
    EXTEND_REQUEST = "extend_request", _("申请延期")
    EXTEND = "extend", _("批准延期")
    EXTEND_REJECT = "extend_reject", _("驳回延期申请")
    APPROVE = "approve", _("准予许可")
    DENY = "deny", _("不予许可")
    ISSUE_CERTIFICATE = "issue_certificate", _("颁发证件")
    DELIVER = "deliver", _("送达")
    DELIVERY_NOT_NEEDED = "delivery_not_needed", _("登记无需送达")
    CONCLUDE = "conclude", _("办结")
    WITHDRAW = "withdraw", _("撤回申请")
    DEEM_WITHDRAW = "deem_withdraw", _("逾期未补齐容缺材料，视为撤回")
    TERMINATE = "terminate", _("终止办理")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    COUNTER = "counter", _("窗口申请")
    MOBILE = "mobile", _("移动端申请")
    KIOSK = "kiosk", _("自助终端申请")


class Lamp(models.TextChoices):
    NONE = "", _("未计时")
    GREEN = "green", _("绿灯（正常）")
    YELLOW = "yellow", _("黄灯（即将到期）")
    RED = "red", _("红灯（已超期）")


class SuspensionKind(models.TextChoices):
    """The eight procedures of 行政许可法 Art. 45, not counted in the limit."""

    HEARING = "hearing", _("听证")
    TENDER = "tender", _("招标")
    AUCTION = "auction", _("拍卖")
    INSPECTION = "inspection", _("检验")
    TESTING = "testing", _("检测")
    QUARANTINE = "quarantine", _("检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")


class Outcome(models.TextChoices):
    APPROVE = "approve", _("准予许可")
    DENY = "deny", _("不予许可")


class DeliveryMethod(models.TextChoices):
    COUNTER_PICKUP = "counter_pickup", _("窗口领取")
    MAIL = "mail", _("邮寄送达")
    DOWNLOAD = "download", _("网上下载")


class ExtensionStatus(models.TextChoices):
    """Where an extension (Art. 42) stands: requested, then approved or not."""

    REQUESTED = "requested", _("待批准")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class DocumentKind(models.TextChoices):
    ACCEPTANCE = "acceptance", _("受理通知书")
    SUPPLEMENT = "supplement", _("补正材料通知书")
    REFUSAL = "refusal", _("不予受理决定书")
    SPECIAL_PROCEDURE = "special_procedure", _("特别程序告知书")
    EXTENSION = "extension", _("延期通知书")
    APPROVAL = "approval", _("准予行政许可决定书")
    DENIAL = "denial", _("不予行政许可决定书")
    RECEIPT = "receipt", _("收件凭证")
    TOLERANCE_EXPIRED = "tolerance_expired", _("容缺材料逾期未补齐告知书")
    JOINT_NOTICE = "joint_notice", _("联办件通知书")
    JOINT_DECISION = "joint_decision", _("联办件办理结果通知书")
    UPPER_DECISION = "upper_decision", _("上级机关决定书")


class ToleranceStatus(models.TextChoices):
    """Where the follow-up of a 容缺受理 stands (the daily job reads it)."""

    NONE = "", _("无容缺")
    PENDING = "pending", _("待补齐")
    WARNED = "warned", _("已提醒")
    SUPPLIED = "supplied", _("已补齐")
    EXPIRED = "expired", _("逾期未补齐（已处理）")


class ToleranceConsequence(models.TextChoices):
    """What happens when tolerated materials are not supplied in time."""

    WITHDRAW = "withdraw", _("视为撤回申请")
    TERMINATE = "terminate", _("终止办理")
    WARN = "warn", _("仅预警")


class StepStatus(models.TextChoices):
    PENDING = "pending", _("未开始")
    ACTIVE = "active", _("办理中")
    DONE = "done", _("已完成")
    RETURNED = "returned", _("已退回")
    CLOSED = "closed", _("已关闭")


class ActorKind(models.TextChoices):
    """Who may perform a transition (see workflow.TRANSITIONS)."""

    APPLICANT = "applicant", _("申请人本人或代理人")
    INTAKE = "intake", _("窗口受理人员")
    REVIEWER = "reviewer", _("审批人员")
    EXTENSION_APPROVER = "extension_approver", _("延期批准人")
    ASSIGNEE = "assignee", _("当前环节承办人")
    ADMIN = "admin", _("中心管理员")
    SYSTEM = "system", _("系统")


class ErrorCode(models.TextChoices):
    INVALID_TRANSITION = "invalid_transition", _("当前状态不能执行该操作")
    NOT_PERMITTED = "not_permitted", _("无权执行该操作")
    NOT_ASSIGNEE = "not_assignee", _("不是当前承办人")
    NOT_FOUND = "not_found", _("办件不存在或无权查看")
    MATERIALS_INCOMPLETE = "materials_incomplete", _("材料不齐全")
    TOLERANCE_NOT_ALLOWED = "tolerance_not_allowed", _("该材料不可容缺")
    SUPPLEMENT_EMPTY = "supplement_empty", _("补正清单为空")
    REASON_REQUIRED = "reason_required", _("须说明理由")
    INVALID_SUSPENSION_KIND = "invalid_suspension_kind", _("特别程序类型无效")
    EXTENSION_LIMIT = "extension_limit", _("延期超过上限")
    INVALID_DAYS = "invalid_days", _("天数无效")
    ITEM_NOT_AVAILABLE = "item_not_available", _("事项不可申请")
    FILE_EMPTY = "file_empty", _("文件为空")
    FILE_TOO_LARGE = "file_too_large", _("文件过大")
    FILE_TYPE_MISMATCH = "file_type_mismatch", _("文件内容与类型不符")
    FILE_TYPE_NOT_ALLOWED = "file_type_not_allowed", _("不支持的文件类型")
    AGENT_NOT_AUTHORISED = "agent_not_authorised", _("代理人未获授权")
    INVALID_OUTCOME = "invalid_outcome", _("决定结果无效")
    INVALID_DELIVERY = "invalid_delivery", _("送达方式无效")
    TRACKING_REQUIRED = "tracking_required", _("须填写快递单号")
    NOT_IMMEDIATE_ITEM = "not_immediate_item", _("非即办件")
    INSTANT_CONVERSION_FORBIDDEN = (
        "instant_conversion_forbidden",
        _("无权将即办件转为承诺件"),
    )
    TOLERANCE_NOT_PENDING = "tolerance_not_pending", _("没有待补齐的容缺材料")
    CALENDAR_YEAR_MISSING = "calendar_year_missing", _("缺少工作日历")
    STEP_NOT_DECIDING = "step_not_deciding", _("当前环节不能作出决定")
    STEP_IS_DECIDING = "step_is_deciding", _("决定环节须作出决定")
    STEPS_INCOMPLETE = "steps_incomplete", _("前序环节未办理完成")
    NOT_ENTITLED = "not_entitled", _("不具备该环节的办理角色")
    SEPARATION_OF_DUTIES = "separation_of_duties", _("承办人不得批准同一办件")
    EXTENSION_TOO_LATE = "extension_too_late", _("法定期限已届满，不能延期")
    EXTENSION_PENDING = "extension_pending", _("已有待批准的延期申请")
    EXTENSION_NOT_PENDING = "extension_not_pending", _("没有待批准的延期申请")
    EXTENSION_SELF_APPROVAL = "extension_self_approval", _("不得批准本人的延期申请")
    DELIVERY_MISSING = "delivery_missing", _("未登记送达")
    DELIVERY_RECORDED = "delivery_recorded", _("已登记送达")
    INVALID_DELIVERY_DATE = "invalid_delivery_date", _("送达日期无效")
