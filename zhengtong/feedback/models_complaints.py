"""
Models of feedback: complaints (投诉), the first-question register (首问登记)
and what the displays show of the staff on duty (挂牌上岗).

Rules in docs/feedback.md "投诉" and "首问登记"; the sources are
seed-rules.md A and B (the county complaint rules 第二–六条, 首问负责制).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengtong.core.models import BaseModel

USER = settings.AUTH_USER_MODEL


class ComplaintChannel(models.TextChoices):
    """How a complaint came in. 中文：投诉渠道"""

    ONSITE = "onsite", _("现场")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("书面信件")
    ONLINE = "online", _("网上")
    HOTLINE = "hotline", _("12345转办")


# Channels whose complaint is written (a written reply is due, 第六条(三)).
WRITTEN_CHANNELS = (
    ComplaintChannel.LETTER,
    ComplaintChannel.ONLINE,
    ComplaintChannel.HOTLINE,
)


class ComplaintState(models.TextChoices):
    """Where a complaint stands. 中文：投诉状态"""

    RECEIVED = "received", _("已登记")
    PROPOSED = "proposed", _("拟办待批")
    HANDLING = "handling", _("中心办理中")
    APPROVED_TRANSFER = "to_transfer", _("待转办")
    TRANSFERRED = "transferred", _("已转办")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已回访办结")


class ComplaintRoute(models.TextChoices):
    """Where the proposal sends a complaint (第五条). 中文：办理方式"""

    CENTRE = "centre", _("中心办理")
    TRANSFER = "transfer", _("转责任部门办理")


class ReplyMode(models.TextChoices):
    """中文：答复方式"""

    ORAL = "oral", _("口头答复")
    WRITTEN = "written", _("书面答复")


class RevisitResult(models.TextChoices):
    """中文：回访结果"""

    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    UNREACHABLE = "unreachable", _("未能联系")


class ComplaintCategory(models.Model):
    """
    A complaint category or sub-item (the county rules' five categories and
    the 12345 hotline request types), seeded from ``catalogue.py``.

    中文：投诉类别
    """

    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    hotline = models.BooleanField(_("12345诉求类型"), default=False)
    integrity = models.BooleanField(_("廉洁类（纪检受理）"), default=False)
    position = models.PositiveIntegerField(_("顺序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("投诉类别")
        verbose_name_plural = _("投诉类别")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Complaint(BaseModel):
    """
    One complaint, from registration to its reply and revisit.

    中文：投诉
    """

    number = models.CharField(_("投诉编号"), max_length=30, unique=True)
    channel = models.CharField(
        _("投诉渠道"), max_length=10, choices=ComplaintChannel.choices
    )
    hotline_number = models.CharField(_("12345工单号"), max_length=40, blank=True)
    hotline_type = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("12345诉求类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("投诉类别"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subcategory = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("具体情形"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    integrity = models.BooleanField(_("廉洁类（纪检受理）"), default=False)
    written = models.BooleanField(_("书面投诉"), default=False)
    content = models.TextField(_("投诉内容"))
    # who complains (投诉人): an applicant account or a name and phone
    complainant = models.ForeignKey(
        USER,
        verbose_name=_("投诉人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    complainant_name = models.CharField(_("投诉人"), max_length=100, blank=True)
    complainant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    # what and whom it is about (被投诉对象)
    hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("大厅"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("被投诉窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        USER,
        verbose_name=_("被投诉人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("相关办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name=_("相关取号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("责任部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    received_on = models.DateField(_("受理日期"))
    registered_by = models.ForeignKey(
        USER,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=ComplaintState.choices,
        default=ComplaintState.RECEIVED,
    )
    proposal_due = models.DateField(_("拟办期限"))
    reply_due = models.DateField(_("答复期限"))
    # 拟办意见 and its approval (第五条(二))
    route = models.CharField(
        _("办理方式"), max_length=10, choices=ComplaintRoute.choices, blank=True
    )
    proposal = models.TextField(_("拟办意见"), blank=True)
    proposed_by = models.ForeignKey(
        USER,
        verbose_name=_("拟办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("拟办时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        USER,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approval_note = models.CharField(_("批示"), max_length=1000, blank=True)
    transfer_department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("转办部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    transferred_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    # the reply (答复, 第六条)
    reply_mode = models.CharField(
        _("答复方式"), max_length=10, choices=ReplyMode.choices, blank=True
    )
    reply_text = models.TextField(_("答复内容"), blank=True)
    on_the_spot = models.BooleanField(_("当场答复"), default=False)
    late_reason = models.TextField(_("逾期说明"), blank=True)
    verified = models.BooleanField(_("经核实属实"), null=True, blank=True)
    replied_by = models.ForeignKey(
        USER,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_on = models.DateField(_("答复日期"), null=True, blank=True)
    breach_id = models.BigIntegerField(_("效能告诫记录"), null=True, blank=True)
    # the revisit (回访, 第五条(五))
    revisit_result = models.CharField(
        _("回访结果"), max_length=12, choices=RevisitResult.choices, blank=True
    )
    revisit_text = models.TextField(_("回访记录"), blank=True)
    revisited_by = models.ForeignKey(
        USER,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revisited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("投诉")
        verbose_name_plural = _("投诉")
        ordering = ["-id"]
        permissions = [("handle_integrity_complaint", "办理廉洁类投诉（纪检）")]
        indexes = [
            models.Index(
                fields=["integrity", "state", "id"], name="complaint_queue_idx"
            ),
            models.Index(fields=["received_on"], name="complaint_received_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class FirstQuestionChannel(models.TextChoices):
    """中文：首问渠道"""

    ONSITE = "onsite", _("现场")
    PHONE = "phone", _("电话")
    ONLINE = "online", _("网络")


class FirstQuestionOutcome(models.TextChoices):
    """How a first question ended (seed-rules A, routing). 中文：首问结果"""

    ANSWERED = "answered", _("当场解答")
    HANDLED = "handled", _("本人受理办理")
    HANDOVER = "handover", _("转交承接")
    REFERRED = "referred", _("告知外部主管机关")
    COMPLAINT = "complaint", _("转投诉")


class FirstQuestion(BaseModel):
    """
    One entry of the first-question register (首问登记台账).

    中文：首问登记
    """

    number = models.CharField(_("登记编号"), max_length=30, unique=True)
    channel = models.CharField(
        _("渠道"), max_length=10, choices=FirstQuestionChannel.choices
    )
    asker_name = models.CharField(_("来访人"), max_length=100, blank=True)
    asker_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    asker_unit = models.CharField(_("单位"), max_length=200, blank=True)
    question = models.TextField(_("事项"))
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("涉及事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(
        _("办理结果"), max_length=10, choices=FirstQuestionOutcome.choices
    )
    result = models.TextField(_("答复情况"), blank=True)
    responsible = models.ForeignKey(
        USER,
        verbose_name=_("首问责任人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name=_("取号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("后续办件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    asked_on = models.DateField(_("登记日期"))
    # the handover (转交) and its confirmation by the receiver (承接人)
    handover_to = models.ForeignKey(
        USER,
        verbose_name=_("承接人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handover_counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("承接窗口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    handover_department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("承接部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handover_on = models.DateField(_("转交日期"), null=True, blank=True)
    handover_due = models.DateField(_("确认期限"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    confirm_note = models.CharField(_("承接说明"), max_length=1000, blank=True)
    breach_id = models.BigIntegerField(_("效能告诫记录"), null=True, blank=True)

    class Meta:
        verbose_name = _("首问登记")
        verbose_name_plural = _("首问登记")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["asked_on"], name="first_question_day_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def handover_pending(self) -> bool:
        return self.handover_to_id is not None and self.confirmed_at is None


class ComplaintContact(BaseModel):
    """
    The complaint phones shown on the displays (挂牌上岗): the centre's
    complaint phone and the 行政效能投诉 phone, per hall or per region
    (a row with neither is the default).

    中文：投诉电话
    """

    hall = models.OneToOneField(
        "catalog.Hall",
        verbose_name=_("大厅"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    centre_phone = models.CharField(_("中心投诉电话"), max_length=60)
    efficiency_phone = models.CharField(_("效能投诉电话"), max_length=60, blank=True)
    note = models.CharField(_("其他投诉方式"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("投诉电话")
        verbose_name_plural = _("投诉电话")

    def __str__(self) -> str:
        return self.centre_phone


class StaffBadge(BaseModel):
    """
    What a counter's display shows of one member of staff (工作牌):
    staff number, position and scope of business.

    中文：挂牌信息
    """

    user = models.OneToOneField(
        USER,
        verbose_name=_("工作人员"),
        on_delete=models.CASCADE,
        related_name="staff_badge",
    )
    staff_number = models.CharField(_("工号"), max_length=30)
    title = models.CharField(_("职务／岗位"), max_length=60, blank=True)
    scope = models.CharField(_("业务范围"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("挂牌信息")
        verbose_name_plural = _("挂牌信息")

    def __str__(self) -> str:
        return self.staff_number


__all__ = [
    "WRITTEN_CHANNELS",
    "Complaint",
    "ComplaintCategory",
    "ComplaintChannel",
    "ComplaintContact",
    "ComplaintRoute",
    "ComplaintState",
    "FirstQuestion",
    "FirstQuestionChannel",
    "FirstQuestionOutcome",
    "ReplyMode",
    "RevisitResult",
    "StaffBadge",
]
