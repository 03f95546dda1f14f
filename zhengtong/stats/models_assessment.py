"""
Models of stats: the monthly assessment (月度效能考核) and the reports (效能通报).

- ``AssessmentScheme`` and its ``AssessmentIndicator`` rows: the scoring
  scheme of a region as data (the six star categories' points, the
  indicators' rules and weights, star bands, 红旗窗口 and 服务明星 rules).
- ``DisciplineEntry``: what events cannot measure (政治素质, 劳动纪律 …),
  entered by an administrator with evidence; never deleted, voided.
- ``AssessmentMonth`` and ``AssessmentRevision``: a month signed off by a
  leader is frozen; its published results are the revision's snapshot, and
  a later correction is a new numbered revision with its reason.
- ``StatsReport``: an archived 效能通报 (PDF and Excel).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from zhengtong.core.models import BaseModel

__all__ = [
    "AssessmentIndicator",
    "AssessmentMonth",
    "AssessmentRevision",
    "AssessmentScheme",
    "DisciplineEntry",
    "IndicatorSource",
    "IndicatorSubject",
    "ReportKind",
    "StarCategory",
    "StatsReport",
]

USER = settings.AUTH_USER_MODEL


class StarCategory(models.TextChoices):
    """
    The six categories of 星级评定 (seed-rules.md F, source 000).

    中文：星级评定类别
    """

    POLITICAL = "political", _("政治素质")
    SKILL = "skill", _("业务技能")
    EFFICIENCY = "efficiency", _("办件规范及工作效率")
    DISCIPLINE = "discipline", _("劳动纪律")
    SERVICE = "service", _("优质服务")
    INTEGRITY = "integrity", _("廉洁自律及群众满意")


class IndicatorSource(models.TextChoices):
    """
    Where an indicator's number comes from.

    中文：考核指标来源
    """

    ON_TIME_RATE = "on_time_rate", _("按时办结率")
    OVERDUE = "overdue", _("超期件数")
    COMPLAINTS = "complaints", _("投诉属实件数")
    BAD_RATINGS = "bad_ratings", _("差评件数")
    CARDS = "cards", _("效能告诫扣分")
    ENTRIES = "entries", _("录入事项（附证据）")


class IndicatorSubject(models.TextChoices):
    """Whom an indicator scores. 中文：考核对象"""

    BOTH = "both", _("窗口和个人")
    COUNTER = "counter", _("窗口")
    STAFF = "staff", _("个人")


class AssessmentScheme(BaseModel):
    """
    The scoring scheme of a region (no region: the centre's default).

    中文：考核方案
    """

    region = models.ForeignKey(
        "catalog.Region",
        verbose_name=_("区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("名称"), max_length=100)
    # {"political": 10, "skill": 20, ...}: each category's full points
    category_points = models.JSONField(_("各类满分"), default=dict)
    # [[95, 5], [85, 4], ...]: the lowest score of each star level
    star_bands = models.JSONField(_("星级分数线"), default=list)
    red_flag_count = models.PositiveSmallIntegerField(_("红旗窗口名额"), default=3)
    red_flag_period_months = models.PositiveSmallIntegerField(
        _("红旗评比周期（月）"), default=2
    )
    red_flag_min_score = models.DecimalField(
        _("红旗窗口最低平均分"), max_digits=5, decimal_places=1, default=90
    )
    red_flag_max_overdue = models.PositiveSmallIntegerField(
        _("红旗窗口周期内最多超期件数"), default=0
    )
    star_of_month_count = models.PositiveSmallIntegerField(_("服务明星名额"), default=1)
    star_of_month_min_stars = models.PositiveSmallIntegerField(
        _("服务明星最低星级"), default=5
    )

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [
            # one scheme per region, and one default (no region)
            models.UniqueConstraint(
                Coalesce("region", Value(0)), name="stats_scheme_one_per_region"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentIndicator(models.Model):
    """
    One rule of a scheme: a number, the category it scores and its weight.

    ``on_time_rate``: ``points`` deducted per percentage point below
    ``target``; the count sources: ``points`` per unit; ``cards``: the
    measures' own assessment points times ``points``; ``entries``: the
    entries' points as entered.  ``cap`` bounds the deduction.

    中文：考核指标
    """

    scheme = models.ForeignKey(
        AssessmentScheme,
        verbose_name=_("考核方案"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    source = models.CharField(_("指标"), max_length=20, choices=IndicatorSource.choices)
    category = models.CharField(
        _("星级类别"), max_length=12, choices=StarCategory.choices
    )
    subject = models.CharField(
        _("考核对象"),
        max_length=8,
        choices=IndicatorSubject.choices,
        default=IndicatorSubject.BOTH,
    )
    points = models.DecimalField(_("每单位分值"), max_digits=5, decimal_places=2)
    target = models.DecimalField(
        _("目标值（%）"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    cap = models.DecimalField(
        _("最多扣分"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["scheme", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_source_display()}（{self.get_category_display()}）"


class DisciplineEntry(BaseModel):
    """
    Points given or deducted by an administrator, with evidence (e.g. 劳动纪律).

    中文：考核录入事项
    """

    month = models.DateField(_("考核月份"))  # first day of the month
    category = models.CharField(
        _("星级类别"), max_length=12, choices=StarCategory.choices
    )
    person = models.ForeignKey(
        USER,
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    points = models.DecimalField(
        _("分值（负数为扣分）"), max_digits=5, decimal_places=1
    )
    evidence_text = models.TextField(_("事实与证据"))
    evidence_file = models.FileField(
        _("证据附件"), upload_to="stats/evidence/", blank=True
    )
    entered_by = models.ForeignKey(
        USER,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("考核录入事项")
        verbose_name_plural = _("考核录入事项")
        ordering = ["-month", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(counter__isnull=False),
                name="stats_entry_has_subject",
            ),
            models.CheckConstraint(
                condition=~Q(points=0), name="stats_entry_points_not_zero"
            ),
        ]
        indexes = [models.Index(fields=["month"], name="stats_entry_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.get_category_display()} {self.points}"


class AssessmentMonth(BaseModel):
    """
    A month's assessment signed off by a leader (frozen).

    中文：月度考核签发
    """

    month = models.DateField(_("考核月份"))
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    revision = models.PositiveSmallIntegerField(_("当前版本"), default=1)
    signed_by = models.ForeignKey(
        USER,
        verbose_name=_("签发人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("签发时间"))

    class Meta:
        verbose_name = _("月度考核签发")
        verbose_name_plural = _("月度考核签发")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "region_code"], name="stats_assessment_month_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}效能考核"


class AssessmentRevision(models.Model):
    """
    One published version of a signed month: the results as frozen.

    中文：考核结果版本
    """

    assessment = models.ForeignKey(
        AssessmentMonth,
        verbose_name=_("月度考核"),
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    number = models.PositiveSmallIntegerField(_("版本号"))
    reason = models.CharField(_("更正理由"), max_length=300, blank=True)
    results = models.JSONField(_("考核结果"), default=dict)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核结果版本")
        verbose_name_plural = _("考核结果版本")
        ordering = ["assessment", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="stats_revision_number_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} 第{self.number}版"


class ReportKind(models.TextChoices):
    """中文：通报周期"""

    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")


class StatsReport(BaseModel):
    """
    An archived efficiency report (效能通报): PDF and Excel, as generated.

    中文：效能通报
    """

    kind = models.CharField(_("周期"), max_length=8, choices=ReportKind.choices)
    period = models.CharField(_("期间"), max_length=8)  # 2026-05 or 2026-Q2
    start = models.DateField(_("起始日"))
    end = models.DateField(_("截止日"))
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    figures = models.JSONField(_("数据"), default=dict)
    pdf = models.FileField(_("PDF"), upload_to="stats/reports/", blank=True)
    xlsx = models.FileField(_("Excel"), upload_to="stats/reports/", blank=True)
    generated_by = models.ForeignKey(
        USER,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("效能通报")
        verbose_name_plural = _("效能通报")
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["kind", "period"], name="stats_report_period")]

    def __str__(self) -> str:
        return f"{self.period} 效能通报"
