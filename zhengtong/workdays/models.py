"""Calendar rows: special days (holidays, make-up working days) and years."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengtong.core.models import BaseModel

from .constants import DayKind, YearSource

REGION_CODE_RE = r"^([0-9]{12})?$"


class CalendarDay(BaseModel):
    """
    One date that differs from the normal Monday-to-Friday week.

    ``region_code`` is empty for the national calendar; a 12-digit region
    code makes the row a local override (e.g. an ethnic festival holiday, or
    ``regular`` to cancel a national entry in that region).  A row of a
    region replaces the national row of the same date for that region and
    every region below it.

    中文：节假日/调休日
    """

    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True)
    region_code = models.CharField(
        _("区划代码"),
        max_length=12,
        blank=True,
        default="",
        help_text=_("留空表示全国；填写 12 位区划代码表示地方调整。"),
    )
    source_notice = models.CharField(_("依据通知"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date", "region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["date", "region_code"], name="workdays_day_unique_per_region"
            ),
            models.CheckConstraint(
                condition=Q(region_code__regex=REGION_CODE_RE),
                name="workdays_day_region_code_shape",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DayKind.values), name="workdays_day_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=DayKind.REGULAR) | ~Q(region_code=""),
                name="workdays_day_regular_only_regional",
            ),
        ]
        indexes = [models.Index(fields=["region_code", "date"])]

    def __str__(self) -> str:
        where = self.region_code or "全国"
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name} ({where})"

    @property
    def is_national(self) -> bool:
        return not self.region_code


class CalendarYear(BaseModel):
    """
    A year whose holiday notice has been loaded.

    A national row makes the year "known" (even a year with no special days
    at all); dates of years without a national row cannot be computed.  A
    regional row records that the region's local days of that year were
    loaded.

    中文：已导入年度
    """

    year = models.PositiveSmallIntegerField(_("年份"))
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True, default="")
    source = models.CharField(_("数据来源"), max_length=20, choices=YearSource.choices)
    source_notice = models.CharField(_("依据通知"), max_length=200, blank=True)
    source_url = models.URLField(_("通知链接"), max_length=300, blank=True)
    loaded_at = models.DateTimeField(_("导入时间"))
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("已导入年度")
        verbose_name_plural = _("已导入年度")
        ordering = ["year", "region_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "region_code"], name="workdays_year_unique_per_region"
            ),
            models.CheckConstraint(
                condition=Q(region_code__regex=REGION_CODE_RE),
                name="workdays_year_region_code_shape",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1949) & Q(year__lte=2200),
                name="workdays_year_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} 年（{self.region_code or '全国'}）"


class CalendarRecompute(models.Model):
    """
    One correction of open deadlines after a calendar change, kept as a record.

    中文：期限校正记录
    """

    created_at = models.DateTimeField(_("时间"))
    actor_label = models.CharField(_("操作人"), max_length=100, blank=True)
    notice = models.CharField(_("依据"), max_length=200, blank=True)
    changed_days = models.JSONField(_("属性改变的日期"), default=list)
    counts = models.JSONField(_("分类统计"), default=list)
    moved = models.PositiveIntegerField(_("调整的期限数"), default=0)
    earlier = models.PositiveIntegerField(_("提前"), default=0)
    later = models.PositiveIntegerField(_("推后"), default=0)

    class Meta:
        verbose_name = _("期限校正记录")
        verbose_name_plural = _("期限校正记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.notice}（调整 {self.moved}）"
