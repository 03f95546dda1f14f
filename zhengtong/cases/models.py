"""Cases (办件): the application, its materials, clocks, steps and notices."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengtong.accounts.constants import Role
from zhengtong.catalog.constants import DayUnit
from zhengtong.core.models import BaseModel

from .constants import (
    CLOCK_STATUSES,
    Channel,
    DeliveryMethod,
    DocumentKind,
    ExtensionStatus,
    Lamp,
    Outcome,
    Status,
    StepStatus,
    SuspensionKind,
    ToleranceStatus,
)

USER = settings.AUTH_USER_MODEL


class CaseSequence(models.Model):
    """
    A counter per scope and year: case numbers and notice numbers.

    Incremented with one ``UPDATE … RETURNING`` inside the caller's
    transaction, so concurrent submissions get distinct numbers.

    中文：编号序列
    """

    scope = models.CharField(_("范围"), max_length=60)
    year = models.PositiveIntegerField(_("年度"))
    last = models.PositiveIntegerField(_("当前序号"), default=0)

    class Meta:
        verbose_name = _("编号序列")
        verbose_name_plural = _("编号序列")
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="case_seq_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.scope}/{self.year}: {self.last}"


class Case(BaseModel):
    """
    One application for a service item, from submission to conclusion.

    The version of the item is pinned; clock results (due dates, lamp) are
    stored and indexed and recomputed on every clock event.

    中文：办件
    """

    # No index on the creation time (BaseModel has one): lists and
    # statistics use the id and the submission and decision dates.
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # Unique through Meta.constraints: a unique=True field would also get a
    # LIKE index on PostgreSQL, which no query uses (numbers match exactly).
    number = models.CharField(_("办件编号"), max_length=40)
    query_code = models.CharField(_("查询码"), max_length=8)
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("事项"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    item_version = models.ForeignKey(
        "catalog.ServiceItemVersion",
        verbose_name=_("事项版本"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("受理部门"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    applicant = models.ForeignKey(
        USER,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    agent = models.ForeignKey(
        USER,
        verbose_name=_("代理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agent_cases",
        db_index=False,  # partial index case_agent in Meta: most cases have none
    )
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    applicant_name = models.CharField(_("申请人名称"), max_length=200, blank=True)
    applicant_id_type = models.CharField(_("证件类型"), max_length=20, blank=True)
    applicant_id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    applicant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    channel = models.CharField(
        _("申请渠道"), max_length=10, choices=Channel.choices, default=Channel.ONLINE
    )
    form_data = models.JSONField(_("申请表内容"), default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=24, choices=Status.choices, default=Status.DRAFT
    )
    previous_status = models.CharField(_("暂停前状态"), max_length=24, blank=True)
    handling_mode = models.CharField(_("办件类型"), max_length=12, blank=True)
    # 联办件 (并联审批): branches in models_joint.CaseBranch, joint clock of
    # 行政许可法第四十二条第二款 (45 + 15 working days).
    is_joint = models.BooleanField(_("联办件"), default=False, db_default=False)
    # 上报件 (Art. 35, 43): reported to the upper organ (models_joint.CaseReport).
    reported_up = models.BooleanField(_("上报件"), default=False, db_default=False)
    # Intake (Art. 32)
    submitted_at = models.DateTimeField(_("收件时间"), null=True, blank=True)
    received_date = models.DateField(_("收件日期"), null=True, blank=True)
    intake_due_date = models.DateField(_("受理决定截止日"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_date = models.DateField(_("受理日期"), null=True, blank=True)
    deemed_accepted = models.BooleanField(_("视为受理"), default=False)
    tolerated_materials = models.JSONField(_("容缺材料"), default=list, blank=True)
    tolerance_due_date = models.DateField(_("容缺补齐期限"), null=True, blank=True)
    tolerance_status = models.CharField(
        _("容缺补齐情况"),
        max_length=10,
        choices=ToleranceStatus.choices,
        default=ToleranceStatus.NONE,
        blank=True,
    )
    # Clocks (design.md "Clocks")
    promised_days = models.PositiveIntegerField(_("承诺时限"), null=True, blank=True)
    statutory_days = models.PositiveIntegerField(_("法定时限"), null=True, blank=True)
    promised_unit = models.CharField(
        _("承诺时限单位"),
        max_length=10,
        choices=DayUnit.choices,
        default=DayUnit.WORKING,
    )
    statutory_unit = models.CharField(
        _("法定时限单位"),
        max_length=10,
        choices=DayUnit.choices,
        default=DayUnit.WORKING,
    )
    suspended_days = models.PositiveIntegerField(_("暂停工作日数"), default=0)
    extension_days = models.PositiveIntegerField(_("延期工作日数"), default=0)
    # The part of extension_days that also moves the promised date (only when
    # the region's promise says so, rules.extension_moves_promised_date).
    promised_extension_days = models.PositiveIntegerField(
        _("计入承诺时限的延期工作日数"), default=0, db_default=0
    )
    due_date = models.DateField(_("承诺办结日"), null=True, blank=True)
    statutory_due_date = models.DateField(_("法定办结日"), null=True, blank=True)
    due_date_provisional = models.BooleanField(
        _("期限推定"),
        default=False,
        help_text=_(
            "办件的期限（受理决定、容缺补齐、承诺、法定、发证）跨过尚未公布放假安排的"
            "年份，按法定节假日推定；国务院通知导入后自动校正。"
        ),
    )
    lamp = models.CharField(
        _("亮灯"), max_length=8, choices=Lamp.choices, default=Lamp.NONE, blank=True
    )
    current_assignee = models.ForeignKey(
        USER,
        verbose_name=_("当前承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # Decision and after
    outcome = models.CharField(
        _("决定结果"), max_length=8, choices=Outcome.choices, blank=True
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.TextField(_("决定理由"), blank=True)
    result_number = models.CharField(_("证件（批文）编号"), max_length=100, blank=True)
    result_valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    certificate_due_date = models.DateField(_("发证截止日"), null=True, blank=True)
    certificate_issued_at = models.DateTimeField(_("发证时间"), null=True, blank=True)
    delivery_method = models.CharField(
        _("送达方式"), max_length=16, choices=DeliveryMethod.choices, blank=True
    )
    delivery_tracking = models.CharField(_("快递单号"), max_length=60, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    delivered_on = models.DateField(_("送达日期"), null=True, blank=True)
    delivery_recipient = models.CharField(
        _("受送达人"), max_length=100, blank=True, default="", db_default=""
    )
    delivery_not_needed_reason = models.TextField(
        _("无需送达的理由"), blank=True, default="", db_default=""
    )
    concluded_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closing_reason = models.TextField(_("不予受理／撤回／终止理由"), blank=True)
    referral_authority = models.CharField(_("告知申请机关"), max_length=200, blank=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=80, blank=True)
    idempotency_fingerprint = models.CharField(
        _("幂等请求摘要"),
        max_length=64,
        blank=True,
        default="",
        db_default="",
        help_text=_("首次请求内容的 SHA-256；同一幂等键换了内容即拒绝。"),
    )

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-id"]
        permissions = [
            ("approve_extension", "可批准延期（行政许可法第四十二条）"),
            ("convert_instant", "可将即办件转为承诺件（须说明理由）"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], name="case_number_uniq"),
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="case_idempotency_uniq",
            ),
        ]
        indexes = [
            models.Index(
                fields=["department", "status", "-id"], name="case_dept_status"
            ),
            # Indexes that a new submission does not match (no lamp, no
            # assignee, no agent) are partial, so a submission skips them.
            models.Index(
                fields=["department", "lamp", "-id"],
                condition=Q(lamp__in=(Lamp.YELLOW, Lamp.RED)),
                name="case_dept_lamp_due",
            ),
            models.Index(
                fields=["agent"],
                condition=Q(agent__isnull=False),
                name="case_agent",
            ),
            models.Index(fields=["applicant", "-id"], name="case_applicant"),
            models.Index(
                fields=["current_assignee", "status", "-id"],
                condition=Q(current_assignee__isnull=False),
                name="case_assignee_set",
            ),
            # 我的待办: newest first straight from the index (the one above
            # reads every running case of the assignee, then sorts).
            models.Index(
                fields=["current_assignee", "-id"],
                condition=Q(status__in=CLOCK_STATUSES),
                name="case_assignee_running",
            ),
            models.Index(
                fields=["intake_due_date"],
                condition=Q(status="submitted"),
                name="case_intake_due",
            ),
            models.Index(
                fields=["due_date"],
                condition=Q(status__in=CLOCK_STATUSES),
                name="case_running_due",
            ),
            # The daily 容缺 job: open follow-ups of running cases, by deadline.
            models.Index(
                fields=["tolerance_due_date"],
                condition=Q(
                    tolerance_status__in=(
                        ToleranceStatus.PENDING,
                        ToleranceStatus.WARNED,
                    ),
                    status__in=CLOCK_STATUSES,
                ),
                name="case_tolerance_due",
            ),
            # Recompute after a holiday notice reads only provisional cases.
            models.Index(
                fields=["id"],
                condition=Q(due_date_provisional=True),
                name="case_due_provisional",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_closed(self) -> bool:
        """Return True for statuses with no further work."""
        from .constants import FINAL_STATUSES

        return self.status in FINAL_STATUSES


def case_material_path(instance: "CaseMaterial", filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}.{ext}"


class CaseMaterial(models.Model):
    """
    One uploaded file of a case; supplements add rows, nothing is replaced.

    中文：办件材料
    """

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="materials"
    )
    material = models.ForeignKey(
        "catalog.Material",
        verbose_name=_("清单材料"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    name = models.CharField(_("材料名称"), max_length=500)
    file = models.FileField(_("文件"), upload_to=case_material_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=255)
    content_type = models.CharField(_("文件类型"), max_length=60)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    round = models.PositiveSmallIntegerField(_("补正轮次"), default=0)
    # A file handed in to answer a 补正 notice names the line it answers:
    # the request and the line's index in its ``items``.
    supplement_request = models.ForeignKey(
        "SupplementRequest",
        verbose_name=_("所答补正告知"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="answer_files",
        db_index=False,  # read with the case's files, never on its own
    )
    supplement_line = models.PositiveSmallIntegerField(
        _("所答补正事项序号"), null=True, blank=True
    )
    uploaded_by = models.ForeignKey(
        USER,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("办件材料")
        verbose_name_plural = _("办件材料")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return self.name


class SupplementRequest(models.Model):
    """
    One 补正 notice listing every missing or defective material at once.

    中文：补正告知
    """

    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="supplement_requests",
    )
    items = models.JSONField(_("补正清单"), default=list)
    reason = models.TextField(_("说明"), blank=True)
    requested_by = models.ForeignKey(
        USER,
        verbose_name=_("告知人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("告知时间"), auto_now_add=True)
    answered_at = models.DateTimeField(_("补正时间"), null=True, blank=True)
    answer_note = models.TextField(_("补正说明"), blank=True)

    class Meta:
        verbose_name = _("补正告知")
        verbose_name_plural = _("补正告知")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case} 补正 {timezone.localtime(self.requested_at):%Y-%m-%d}"


class CaseSuspension(models.Model):
    """
    One interval of an Art. 45 procedure; its working days are not counted.

    中文：特别程序（暂停计时）
    """

    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="suspensions",
    )
    kind = models.CharField(
        _("特别程序"), max_length=16, choices=SuspensionKind.choices
    )
    reason = models.TextField(_("理由"))
    expected_days = models.PositiveIntegerField(
        _("预计所需时间（工作日）"), null=True, blank=True
    )
    started_on = models.DateField(_("开始日期"))
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    working_days = models.PositiveIntegerField(_("不计入的工作日数"), default=0)
    # A 联办件's branch that runs the procedure (None: the whole case).
    branch = models.ForeignKey(
        "cases.CaseBranch",
        verbose_name=_("联办分支"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suspensions",
    )
    started_by = models.ForeignKey(
        USER,
        verbose_name=_("决定人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ended_by = models.ForeignKey(
        USER,
        verbose_name=_("恢复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("特别程序")
        verbose_name_plural = _("特别程序")
        ordering = ["case", "started_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_on}–{self.ended_on or ''}"


class CaseExtension(models.Model):
    """
    An extension of the decision limit (Art. 42: at most 10 working days).

    中文：延期
    """

    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="extensions",
    )
    days = models.PositiveIntegerField(_("延长工作日数"))
    reason = models.TextField(_("理由"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ExtensionStatus.choices,
        default=ExtensionStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        USER,
        verbose_name=_("申请人（承办人）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), null=True, blank=True)
    # The approver, or the one who turned the request down (status says which).
    approved_by = models.ForeignKey(
        USER,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准（驳回）时间"), null=True, blank=True)
    decision_note = models.TextField(_("批准意见或驳回理由"), blank=True)
    # A 联办件's branch that asked (None: the whole case).
    branch = models.ForeignKey(
        "cases.CaseBranch",
        verbose_name=_("联办分支"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="extensions",
    )

    class Meta:
        verbose_name = _("延期")
        verbose_name_plural = _("延期")
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"{self.case} +{self.days}"


class StepTemplate(models.Model):
    """
    One ordered step of an item (承办 → 审核 → 批准), with a role and limit.

    Steps of an item version win over steps of the item; with none, the
    default three steps apply (see services.DEFAULT_STEPS).

    中文：办理环节模板
    """

    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="step_templates",
    )
    item_version = models.ForeignKey(
        "catalog.ServiceItemVersion",
        verbose_name=_("事项版本"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="step_templates",
    )
    order = models.PositiveIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=60)
    role = models.CharField(_("办理角色"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("办理部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    limit_days = models.PositiveIntegerField(
        _("环节时限（工作日）"), null=True, blank=True
    )
    decides = models.BooleanField(
        _("决定环节"),
        default=False,
        help_text=_(
            "在此环节作出准予或不予许可的决定（批准）。每个事项恰有一个；"
            "只有一个环节的事项也须勾选。都未勾选时，最后一个环节为决定环节。"
        ),
    )

    class Meta:
        verbose_name = _("办理环节模板")
        verbose_name_plural = _("办理环节模板")
        ordering = ["item", "item_version", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(item__isnull=False) | Q(item_version__isnull=False),
                name="step_template_has_owner",
            )
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class CaseStep(models.Model):
    """
    One step of a case's review, assigned to a person, on its own clock.

    中文：办理环节
    """

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=60)
    role = models.CharField(_("办理角色"), max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("办理部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=StepStatus.choices, default=StepStatus.PENDING
    )
    assignee = models.ForeignKey(
        USER,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="case_steps",
    )
    limit_days = models.PositiveIntegerField(
        _("环节时限（工作日）"), null=True, blank=True
    )
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    due_date = models.DateField(_("环节截止日"), null=True, blank=True)
    due_date_provisional = models.BooleanField(_("期限推定"), default=False)
    lamp = models.CharField(_("亮灯"), max_length=8, choices=Lamp.choices, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    completed_by = models.ForeignKey(
        USER,
        verbose_name=_("完成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opinion = models.TextField(_("办理意见"), blank=True)
    decides = models.BooleanField(_("决定环节"), default=False, db_default=False)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["case", "order", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.order}. {self.name}"


def case_document_path(instance: "CaseDocument", filename: str) -> str:
    return f"cases/{instance.case_id}/notices/{uuid.uuid4().hex}.pdf"


class CaseDocument(models.Model):
    """
    A numbered notice handed to the applicant, rendered to PDF.

    The number and the rendering context are fixed when the notice is
    issued; the PDF is rendered after commit (or on first download).

    中文：文书
    """

    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("文书类型"), max_length=20, choices=DocumentKind.choices)
    number = models.CharField(_("文号"), max_length=80)
    issued_on = models.DateField(_("日期"))
    dates_provisional = models.BooleanField(
        _("所列期限推定"),
        default=False,
        help_text=_("文书中的期限按法定节假日推定（次年放假安排尚未公布）。"),
    )
    context = models.JSONField(_("文书内容"), default=dict)
    file = models.FileField(
        _("PDF"), upload_to=case_document_path, blank=True, max_length=200
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("出具人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("出具时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文书")
        verbose_name_plural = _("文书")
        ordering = ["case", "id"]
        indexes = [models.Index(fields=["number"], name="case_document_number")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Notification(models.Model):
    """
    An in-app message to a user about one of their cases.

    中文：消息通知
    """

    user = models.ForeignKey(
        USER,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    case = models.ForeignKey(
        Case,
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    event = models.CharField(_("事件"), max_length=30)
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("内容"))
    email_sent = models.BooleanField(_("已发邮件"), default=False)
    sms_sent = models.BooleanField(_("已发短信"), default=False)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("消息通知")
        verbose_name_plural = _("消息通知")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["user", "read_at", "-id"], name="notif_user_unread")
        ]

    def __str__(self) -> str:
        return self.title


from .models_joint import (  # noqa: E402, F401  (one models module for Django)
    BranchStep,
    BranchSupplementAsk,
    CaseBranch,
    CaseReferral,
    CaseReport,
    JointBranchTemplate,
    JointCoordination,
    JointCoordinationRule,
    JointStepTemplate,
    PackageReceipt,
)
