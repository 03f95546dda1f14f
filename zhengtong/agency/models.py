"""Agency (代办/帮办), major projects (四办) and green channel (绿色通道) marks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengtong.core.models import BaseModel

from .constants import (
    AssignmentKind,
    AssignmentStatus,
    ConsentMethod,
    HandoverMethod,
    IdentityCheck,
    MarkKind,
    ProjectStage,
    Sector,
)

USER = settings.AUTH_USER_MODEL


class AgencyOfficer(BaseModel):
    """
    A centre officer qualified to handle cases for applicants, free of charge.

    中文：代办员
    """

    user = models.OneToOneField(
        USER,
        verbose_name=_("工作人员"),
        on_delete=models.PROTECT,
        related_name="agency_officer",
    )
    qualification = models.CharField(_("资格说明"), max_length=200)
    certificate_number = models.CharField(_("资格证书编号"), max_length=60)
    qualified_on = models.DateField(_("资格取得日期"))
    valid_until = models.DateField(_("资格有效期至"), null=True, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("代办员")
        verbose_name_plural = _("代办员")

    def __str__(self) -> str:
        return str(self.user)


class AgencyAssignment(BaseModel):
    """
    A case handled for the applicant by a centre officer (全程代办) or with
    help for special needs (帮办), with the applicant's authorisation.

    Distinct from the applicant's own agent (代理人, Case.agent): the officer
    works for the centre and charges nothing.

    中文：代办（帮办）
    """

    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        on_delete=models.PROTECT,
        related_name="agency_assignments",
    )
    kind = models.CharField(_("类型"), max_length=10, choices=AssignmentKind.choices)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.REQUESTED,
    )
    needs = models.CharField(_("特殊需要说明"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        USER, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        AgencyOfficer,
        verbose_name=_("代办员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    assigned_by = models.ForeignKey(
        USER,
        verbose_name=_("指派人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent_method = models.CharField(
        _("授权方式"), max_length=10, choices=ConsentMethod.choices, blank=True
    )
    consent_file = models.FileField(
        _("授权委托书"), upload_to="agency/consent/%Y/%m/", blank=True
    )
    consent_note = models.CharField(_("授权说明"), max_length=300, blank=True)
    authorised_at = models.DateTimeField(_("授权时间"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("代办")
        verbose_name_plural = _("代办")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status__in=["requested", "assigned", "authorised"]),
                name="agency_one_open_assignment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class MajorProjectRule(BaseModel):
    """
    Thresholds of a major project (重大项目) for one sector, per region.

    A project is major when one amount reaches its threshold (≥). Amounts in
    万元 (registered capital, total investment) and 万美元 (paid-in foreign
    capital). A rule without region applies where the region has none.

    中文：重大项目认定标准
    """

    region = models.ForeignKey(
        "catalog.Region",
        verbose_name=_("区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.CharField(_("行业类别"), max_length=10, choices=Sector.choices)
    registered_capital_wan = models.DecimalField(
        _("注册资本（万元）≥"), max_digits=14, decimal_places=2
    )
    foreign_capital_usd_wan = models.DecimalField(
        _("实收外资（万美元）≥"), max_digits=14, decimal_places=2
    )
    total_investment_wan = models.DecimalField(
        _("投资总额（万元）≥"), max_digits=14, decimal_places=2
    )
    basis = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("重大项目认定标准")
        verbose_name_plural = _("重大项目认定标准")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "sector"], name="major_rule_region_sector_uniq"
            ),
            models.UniqueConstraint(
                fields=["sector"],
                condition=Q(region__isnull=True),
                name="major_rule_default_sector_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region or '默认'} {self.get_sector_display()}"


class MajorProject(BaseModel):
    """
    A major project on the 四办 path with a named follow-up officer.

    中文：重大项目（四办）
    """

    number = models.CharField(_("项目编号"), max_length=30, unique=True)
    name = models.CharField(_("项目名称"), max_length=200)
    enterprise = models.CharField(_("建设单位"), max_length=200)
    region = models.ForeignKey(
        "catalog.Region",
        verbose_name=_("区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sector = models.CharField(_("行业类别"), max_length=10, choices=Sector.choices)
    registered_capital_wan = models.DecimalField(
        _("注册资本（万元）"), max_digits=14, decimal_places=2, default=0
    )
    foreign_capital_usd_wan = models.DecimalField(
        _("实收外资（万美元）"), max_digits=14, decimal_places=2, default=0
    )
    total_investment_wan = models.DecimalField(
        _("投资总额（万元）"), max_digits=14, decimal_places=2, default=0
    )
    major_reasons = models.JSONField(_("认定理由"), default=list, blank=True)
    stage = models.CharField(
        _("环节"),
        max_length=10,
        choices=ProjectStage.choices,
        default=ProjectStage.RECEPTION,
    )
    follow_up_officer = models.ForeignKey(
        USER,
        verbose_name=_("跟踪责任人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    registered_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("关联办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    windows = models.PositiveSmallIntegerField(_("涉及窗口数"), default=1)

    class Meta:
        verbose_name = _("重大项目")
        verbose_name_plural = _("重大项目")

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class MajorProjectStage(models.Model):
    """
    One recorded stage of a major project (who, when, what was done).

    中文：四办环节记录
    """

    project = models.ForeignKey(
        MajorProject,
        verbose_name=_("项目"),
        on_delete=models.CASCADE,
        related_name="stages",
    )
    stage = models.CharField(_("环节"), max_length=10, choices=ProjectStage.choices)
    note = models.TextField(_("办理情况"))
    actor = models.ForeignKey(
        USER, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("四办环节记录")
        verbose_name_plural = _("四办环节记录")
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_stage_display()}：{self.note[:20]}"


class PriorityMark(BaseModel):
    """
    A green channel (绿色通道 / 特办) mark on a case or a ticket, with basis.

    中文：绿色通道标记
    """

    kind = models.CharField(_("类别"), max_length=12, choices=MarkKind.choices)
    basis = models.CharField(_("依据"), max_length=300)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="priority_marks",
    )
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name=_("排队号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="priority_marks",
    )
    marked_by = models.ForeignKey(
        USER, verbose_name=_("标记人"), on_delete=models.PROTECT, related_name="+"
    )
    marked_on = models.DateField(_("标记日期"))
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        USER,
        verbose_name=_("撤销人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    revoke_reason = models.CharField(_("撤销理由"), max_length=300, blank=True)
    ticket_priority_before = models.CharField(
        _("标记前的优先群体"),
        max_length=20,
        blank=True,
        help_text=_("排队号标记前的优先群体，撤销时恢复。"),
    )

    class Meta:
        verbose_name = _("绿色通道标记")
        verbose_name_plural = _("绿色通道标记")
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False) & Q(ticket__isnull=True))
                | (Q(case__isnull=True) & Q(ticket__isnull=False)),
                name="priority_mark_case_xor_ticket",
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(case__isnull=False, revoked_at__isnull=True),
                name="priority_mark_one_open_per_case",
            ),
            models.UniqueConstraint(
                fields=["ticket"],
                condition=Q(ticket__isnull=False, revoked_at__isnull=True),
                name="priority_mark_one_open_per_ticket",
            ),
        ]
        indexes = [models.Index(fields=["marked_on"], name="priority_mark_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.basis}"


class Handover(BaseModel):
    """
    How a case's result left the centre (统一出件): picked up at the window
    that received the case (signature or ID check), mailed with a tracking
    number, or downloaded; also the applicant's preference before that.

    The case's own delivery fields are written by cases' ``case_deliver``;
    this record adds the hall and counter, the check and who handed over.

    中文：统一出件记录
    """

    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("办件"),
        on_delete=models.PROTECT,
        related_name="handover",
    )
    preferred_method = models.CharField(
        _("希望的领取方式"), max_length=16, choices=HandoverMethod.choices, blank=True
    )
    mail_address = models.CharField(_("邮寄地址"), max_length=300, blank=True)
    preference_by = models.ForeignKey(
        USER,
        verbose_name=_("领取方式登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(
        _("出件方式"), max_length=16, choices=HandoverMethod.choices, blank=True
    )
    identity_check = models.CharField(
        _("领取核验"), max_length=10, choices=IdentityCheck.choices, blank=True
    )
    recipient = models.CharField(_("领取人"), max_length=100, blank=True)
    tracking = models.CharField(_("快递单号"), max_length=60, blank=True)
    counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("出件窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_by = models.ForeignKey(
        USER,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handed_at = models.DateTimeField(_("出件时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("统一出件记录")
        verbose_name_plural = _("统一出件记录")

    def __str__(self) -> str:
        return f"出件 #{self.case_id}"


class GuidanceRecord(models.Model):
    """
    A 导办 record: a hall guide (导办员) notes whom they guided (name and
    phone, shown masked), the need, and the counter or item they sent them
    to, with the queue ticket when one was taken.

    中文：导办记录
    """

    hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("大厅"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    guide = models.ForeignKey(
        USER, verbose_name=_("导办员"), on_delete=models.PROTECT, related_name="+"
    )
    visitor_name = models.CharField(_("来访人"), max_length=100)
    visitor_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    need = models.CharField(_("办事需求"), max_length=300)
    counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("引导至窗口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("引导办理事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name=_("排队号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    guided_at = models.DateTimeField(_("导办时间"))
    guided_on = models.DateField(_("导办日期"))

    class Meta:
        verbose_name = _("导办记录")
        verbose_name_plural = _("导办记录")
        ordering = ["-id"]
        permissions = [("record_guidance", _("登记导办（导办员）"))]
        indexes = [
            models.Index(fields=["hall", "guided_on"], name="agency_guidance_day")
        ]

    def __str__(self) -> str:
        return f"{self.guided_on} {self.need[:20]}"
