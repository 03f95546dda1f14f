"""
Models of stats: facts (事实表) and daily rollups (日汇总) kept from the audit events.

One fact row per source object (a case, a ticket) holds its dimensions and
states, recomputed from the object's own row whenever an event of it is
seen; each daily rollup row holds the sums of the facts' contributions to
one day × department × counter × staff × item × channel.  A fact that
changes old → new subtracts the old contribution and adds the new one in
the same transaction (services/rollup.py), so re-reading an event changes
nothing.  Absent dimensions are 0 / "" (never NULL), so the rollup key is
a plain unique key that ``ON CONFLICT`` can match on SQLite and PostgreSQL.
A new source (ratings, complaints, orders, cards, fees) is one more fact
model, one more rollup model and one ``FactSource`` (services/facts.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["CaseDaily", "CaseFact", "StatsCursor", "TicketDaily", "TicketFact"]

DIMS = ("day", "department_id", "counter_id", "staff_id", "item_id", "channel")
# A rollup row is a day ("d"), a week ("w", day = its Monday) or a calendar
# month ("m", day = the 1st): every contribution is added to all three, so a
# range is read from whole months, then whole weeks, then the days left at
# its ends (selectors.grain_filter).
GRAINS = (("d", "日"), ("w", "周"), ("m", "月"))


class StatsCursor(models.Model):
    """
    The last audit event id a source's facts have seen (resumable).

    中文：统计游标
    """

    source = models.CharField(_("来源"), max_length=40, unique=True)
    last_event_id = models.BigIntegerField(_("最后事件号"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("统计游标")
        verbose_name_plural = _("统计游标")

    def __str__(self) -> str:
        return f"{self.source}@{self.last_event_id}"


class _Dims(models.Model):
    department_id = models.BigIntegerField(_("部门"), default=0)
    counter_id = models.BigIntegerField(_("窗口"), default=0)
    staff_id = models.BigIntegerField(_("工作人员"), default=0)
    item_id = models.BigIntegerField(_("事项"), default=0)
    channel = models.CharField(_("渠道"), max_length=20, blank=True, default="")

    class Meta:
        abstract = True


class CaseFact(_Dims):
    """
    One case's statistical facts, recomputed from the case row (idempotent).

    Dates are local dates; ``working_days`` is 办理时长 in working days
    (acceptance → conclusion, suspended days excluded); ``compression_bp``
    is 1 − promised/statutory in basis points (承诺时限压缩).

    中文：办件事实
    """

    case_id = models.BigIntegerField(_("办件"), primary_key=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    received_on = models.DateField(_("收件日期"), null=True, blank=True)
    accepted_on = models.DateField(_("受理日期"), null=True, blank=True)
    refused_on = models.DateField(_("不予受理日期"), null=True, blank=True)
    concluded_on = models.DateField(_("办结日期"), null=True, blank=True)
    supplemented = models.BooleanField(_("曾补正"), default=False)
    suspended = models.BooleanField(_("曾暂停"), default=False)
    extended = models.BooleanField(_("曾延期"), default=False)
    instant = models.BooleanField(_("即办件"), default=False)
    online = models.BooleanField(_("网上申请"), default=False)
    on_time = models.BooleanField(_("按时办结"), default=False)
    early = models.BooleanField(_("提前办结"), default=False)
    overdue = models.BooleanField(_("超期办结"), default=False)
    working_days = models.IntegerField(_("办理工作日"), null=True, blank=True)
    compression_bp = models.IntegerField(_("时限压缩（万分比）"), null=True, blank=True)

    class Meta:
        verbose_name = _("办件事实")
        verbose_name_plural = _("办件事实")

    def __str__(self) -> str:
        return f"case {self.case_id}"


class CaseDaily(_Dims):
    """
    The sums of the case facts' contributions to one day and dimension key.

    ``grain`` "d": one day; "w": the week starting on ``day`` (a Monday);
    "m": the month starting on ``day``.
    ``received``/``supplemented``/``online`` count on the receipt day,
    ``accepted`` on the acceptance day, ``refused`` on the refusal day, the
    rest on the conclusion day (docs/stats.md).

    中文：办件日汇总
    """

    grain = models.CharField(_("粒度"), max_length=1, choices=GRAINS, default="d")
    day = models.DateField(_("日期"))
    received = models.IntegerField(_("收件"), default=0)
    accepted = models.IntegerField(_("受理"), default=0)
    supplemented = models.IntegerField(_("补正"), default=0)
    refused = models.IntegerField(_("不予受理"), default=0)
    online = models.IntegerField(_("网上申请"), default=0)
    concluded = models.IntegerField(_("办结"), default=0)
    on_time = models.IntegerField(_("按时办结"), default=0)
    early = models.IntegerField(_("提前办结"), default=0)
    overdue = models.IntegerField(_("超期办结"), default=0)
    suspended = models.IntegerField(_("暂停"), default=0)
    extended = models.IntegerField(_("延期"), default=0)
    instant = models.IntegerField(_("即办"), default=0)
    one_visit = models.IntegerField(_("一次办好"), default=0)
    working_days_sum = models.BigIntegerField(_("办理工作日合计"), default=0)
    working_days_n = models.IntegerField(_("计时件数"), default=0)
    compression_sum_bp = models.BigIntegerField(_("压缩率合计（万分比）"), default=0)
    compression_n = models.IntegerField(_("有法定时限件数"), default=0)

    class Meta:
        verbose_name = _("办件日汇总")
        verbose_name_plural = _("办件日汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", *DIMS], name="stats_casedaily_grain_key"
            ),
        ]
        indexes = [
            models.Index(
                fields=["grain", "department_id", "day"], name="stats_cd_dept_day"
            ),
            models.Index(fields=["grain", "item_id", "day"], name="stats_cd_item_day"),
            models.Index(
                fields=["grain", "counter_id", "day"], name="stats_cd_counter_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} d{self.department_id} i{self.item_id}"


class TicketFact(_Dims):
    """
    One ticket's statistical facts (取号、办理、过号、等候与办理时长).

    中文：排队号事实
    """

    ticket_id = models.BigIntegerField(_("排队号"), primary_key=True)
    day = models.DateField(_("日期"))
    hour = models.PositiveSmallIntegerField(_("到达时段"), default=0)
    served = models.BooleanField(_("已办理"), default=False)
    no_show = models.BooleanField(_("过号"), default=False)
    wait_seconds = models.IntegerField(_("等候秒数"), null=True, blank=True)
    service_seconds = models.IntegerField(_("办理秒数"), null=True, blank=True)

    class Meta:
        verbose_name = _("排队号事实")
        verbose_name_plural = _("排队号事实")

    def __str__(self) -> str:
        return f"ticket {self.ticket_id}"


class TicketDaily(_Dims):
    """
    The sums of the ticket facts per day, arrival hour and dimension key.

    ``wait_hist`` buckets are whole minutes (ceil of the wait, capped at
    ``WAIT_BUCKETS``); one row per bucket keeps every count additive, so
    the p90 wait is exact to the minute (docs/stats.md).

    中文：排队日汇总
    """

    grain = models.CharField(_("粒度"), max_length=1, choices=GRAINS, default="d")
    day = models.DateField(_("日期"))
    hour = models.PositiveSmallIntegerField(_("到达时段"), default=0)
    wait_minute = models.PositiveSmallIntegerField(_("等候分钟档"), default=0)
    issued = models.IntegerField(_("取号"), default=0)
    served = models.IntegerField(_("办理"), default=0)
    no_show = models.IntegerField(_("过号"), default=0)
    wait_n = models.IntegerField(_("已呼叫"), default=0)
    wait_sum_s = models.BigIntegerField(_("等候秒数合计"), default=0)
    service_n = models.IntegerField(_("已办完"), default=0)
    service_sum_s = models.BigIntegerField(_("办理秒数合计"), default=0)

    class Meta:
        verbose_name = _("排队日汇总")
        verbose_name_plural = _("排队日汇总")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", *DIMS, "hour", "wait_minute"],
                name="stats_ticketdaily_grain_key",
            ),
        ]
        indexes = [
            models.Index(
                fields=["grain", "department_id", "day"], name="stats_td_dept_day"
            ),
            models.Index(
                fields=["grain", "counter_id", "day"], name="stats_td_counter_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} h{self.hour} c{self.counter_id}"
