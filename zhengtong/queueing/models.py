"""
Queue tickets, counters' categories, opening hours and appointments.

A ticket is numbered per category and day (A001 …); counters call tickets of
the categories they serve in a configured order. Every state change goes
through ``services.py`` and writes an audit event.
"""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zhengtong.core.models import BaseModel


def ticket_token_new() -> str:
    """Return an unguessable token for following a ticket on a phone."""
    return secrets.token_urlsafe(16)


def appointment_code_new() -> str:
    """Return an 8-digit check-in code for an appointment."""
    return f"{secrets.randbelow(10**8):08d}"


class Category(BaseModel):
    """
    A business category with its ticket prefix (A, B, …) in one hall.

    中文：业务类别
    """

    hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("大厅"),
        on_delete=models.PROTECT,
        related_name="queue_categories",
    )
    code = models.SlugField(_("类别代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    prefix = models.CharField(
        _("号码前缀"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("前缀须为1–2个大写字母。"))],
    )
    description = models.CharField(_("说明"), max_length=300, blank=True)
    departments = models.ManyToManyField(
        "catalog.Department",
        verbose_name=_("部门"),
        blank=True,
        related_name="queue_categories",
    )
    items = models.ManyToManyField(
        "catalog.ServiceItem",
        verbose_name=_("事项"),
        blank=True,
        related_name="queue_categories",
    )
    daily_cap = models.PositiveIntegerField(
        _("每日放号上限"), default=0, help_text=_("0 表示不限。")
    )
    warning_threshold = models.PositiveIntegerField(
        _("等候预警人数"),
        default=0,
        help_text=_("等候人数达到该值时提示；0 表示不提示。"),
    )
    minutes_per_service = models.PositiveIntegerField(
        _("每件平均办理分钟"), default=10, validators=[MinValueValidator(1)]
    )
    order = models.PositiveIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("业务类别")
        verbose_name_plural = _("业务类别")
        ordering = ["hall", "order", "prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "prefix"], name="queue_category_hall_prefix_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.name}"


class CounterCategory(models.Model):
    """
    A category served at a counter, with its rank (1 = called first).

    中文：窗口业务类别
    """

    counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("窗口"),
        on_delete=models.CASCADE,
        related_name="queue_categories",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("业务类别"),
        on_delete=models.CASCADE,
        related_name="counter_links",
    )
    rank = models.PositiveIntegerField(_("优先顺序"), default=1)

    class Meta:
        verbose_name = _("窗口业务类别")
        verbose_name_plural = _("窗口业务类别")
        ordering = ["counter", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["counter", "category"], name="queue_counter_category_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.counter} · {self.category}（{self.rank}）"


class StaffCounterAssignment(BaseModel):
    """
    A member of staff allowed to call tickets at a counter.

    中文：窗口人员排班
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        on_delete=models.CASCADE,
        related_name="counter_assignments",
    )
    counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("窗口"),
        on_delete=models.CASCADE,
        related_name="staff_assignments",
    )

    class Meta:
        verbose_name = _("窗口人员")
        verbose_name_plural = _("窗口人员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "counter"], name="queue_staff_counter_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.counter}"


class OpeningHours(models.Model):
    """
    Morning and afternoon sessions of a hall on one weekday (0 = Monday).

    Applies on working days of the calendar (holidays closed, 调休 open).

    中文：办公时间
    """

    class Weekday(models.IntegerChoices):
        MON = 0, _("星期一")
        TUE = 1, _("星期二")
        WED = 2, _("星期三")
        THU = 3, _("星期四")
        FRI = 4, _("星期五")
        SAT = 5, _("星期六")
        SUN = 6, _("星期日")

    hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("大厅"),
        on_delete=models.CASCADE,
        related_name="opening_hours",
    )
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices)
    morning_start = models.TimeField(_("上午开始"), null=True, blank=True)
    morning_end = models.TimeField(_("上午结束"), null=True, blank=True)
    afternoon_start = models.TimeField(_("下午开始"), null=True, blank=True)
    afternoon_end = models.TimeField(_("下午结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("办公时间")
        verbose_name_plural = _("办公时间")
        ordering = ["hall", "weekday"]
        constraints = [
            models.UniqueConstraint(
                fields=["hall", "weekday"], name="queue_opening_hall_weekday_uniq"
            ),
            models.CheckConstraint(
                condition=Q(morning_start__isnull=True)
                | Q(morning_end__gt=models.F("morning_start")),
                name="queue_opening_morning_order",
            ),
            models.CheckConstraint(
                condition=Q(afternoon_start__isnull=True)
                | Q(afternoon_end__gt=models.F("afternoon_start")),
                name="queue_opening_afternoon_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hall} {self.get_weekday_display()}"


class ExtraServiceDay(models.Model):
    """
    An extra session on one date: 延时服务 after hours, or a weekend day.

    The dated addition to the rules (``ServiceRule``): "this Sunday extra".
    It opens even on a holiday, since an administrator chose the date.

    中文：单日加开服务（延时服务/预约服务日）
    """

    class Kind(models.TextChoices):
        EXTENDED = "extended", _("延时服务")
        WEEKEND = "weekend", _("周末预约服务日")

    hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("大厅"),
        on_delete=models.CASCADE,
        related_name="extra_service_days",
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    appointments_only = models.BooleanField(
        _("仅限预约"), default=False, help_text=_("勾选后现场和手机不能取普通号。")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("单日加开服务（延时/周末）")
        verbose_name_plural = _("单日加开服务（延时/周末）")
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="queue_extra_day_order"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.date} {self.get_kind_display()} {self.start:%H:%M}-{self.end:%H:%M}"
        )


WEEKDAY_SHORT = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")


def weekdays_parse(text: str) -> tuple[int, ...]:
    """Return the weekdays (0 = Monday) of a stored list such as ``"5,6"``."""
    return tuple(sorted({int(part) for part in text.split(",") if part.strip()}))


class ServiceRule(models.Model):
    """
    Weekend or extended-hours service by rule, with validity dates.

    Opens sessions on every listed weekday (every Saturday …) or on every
    working day (延时服务 at noon or in the evening). By default not on
    statutory holidays; a 调休 make-up weekend day is a working day and keeps
    the ordinary hours instead. ``ServiceRuleSkip`` rows cancel single dates.

    中文：延时/周末服务规则
    """

    class Days(models.TextChoices):
        WEEKDAYS = "weekdays", _("按星期")
        WORKING_DAYS = "working_days", _("每个工作日（含调休上班日）")

    class Mode(models.TextChoices):
        ALL = "all", _("现场取号和预约")
        APPOINTMENTS = "appointments", _("仅限预约")
        WALK_IN = "walk_in", _("仅限现场取号")

    hall = models.ForeignKey(
        "catalog.Hall",
        verbose_name=_("大厅"),
        on_delete=models.CASCADE,
        related_name="service_rules",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("业务类别"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="service_rules",
        help_text=_("留空表示大厅全部业务类别。"),
    )
    name = models.CharField(
        _("名称"),
        max_length=100,
        help_text=_("如：周六上午预约服务、工作日午间延时服务。"),
    )
    days = models.CharField(
        _("服务日"), max_length=20, choices=Days.choices, default=Days.WEEKDAYS
    )
    weekdays = models.CharField(
        _("星期"),
        max_length=20,
        blank=True,
        validators=[RegexValidator(r"^([0-6](,[0-6])*)?$", _("星期格式不正确。"))],
        help_text=_("按星期时选择；0 = 周一 … 5 = 周六，6 = 周日。"),
    )
    start = models.TimeField(_("开始时间"))
    end = models.TimeField(_("结束时间"))
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(
        _("截止日期"), null=True, blank=True, help_text=_("含当天；留空表示长期有效。")
    )
    mode = models.CharField(
        _("服务方式"), max_length=20, choices=Mode.choices, default=Mode.ALL
    )
    on_holidays = models.BooleanField(
        _("法定节假日照常"),
        default=False,
        help_text=_(
            "默认不勾选：法定节假日（如国庆假期中的周六）不提供本服务。"
            "调休上班的周末是工作日，按正常办公时间。"
        ),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("延时/周末服务规则")
        verbose_name_plural = _("延时/周末服务规则")
        ordering = ["hall", "valid_from", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="queue_service_rule_time_order",
                violation_error_message=_("结束时间须晚于开始时间。"),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
                name="queue_service_rule_date_order",
                violation_error_message=_("截止日期不能早于生效日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.days_display} {self.start:%H:%M}-{self.end:%H:%M}）"

    @property
    def weekday_set(self) -> tuple[int, ...]:
        return weekdays_parse(self.weekdays)

    @property
    def days_display(self) -> str:
        if self.days == self.Days.WORKING_DAYS:
            return "每个工作日"
        return "、".join(WEEKDAY_SHORT[d] for d in self.weekday_set) or "未选星期"

    def valid_on(self, day) -> bool:
        """Return whether ``day`` lies in the validity period (both ends in)."""
        return self.valid_from <= day and (
            self.valid_until is None or day <= self.valid_until
        )


class ServiceRuleSkip(models.Model):
    """
    A date on which a service rule does not open ("this Saturday not").

    中文：服务规则例外日期（本日不开放）
    """

    rule = models.ForeignKey(
        ServiceRule,
        verbose_name=_("服务规则"),
        on_delete=models.CASCADE,
        related_name="skips",
    )
    date = models.DateField(_("日期"))
    note = models.CharField(_("原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("例外日期（本日不开放）")
        verbose_name_plural = _("例外日期（本日不开放）")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "date"],
                name="queue_service_rule_skip_uniq",
                violation_error_message=_("该日期已设为例外。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} 不开放"


class QueuePolicy(models.Model):
    """
    Queue rules of a hall: recalls, aging, the appointment no-show policy.

    中文：排队规则
    """

    hall = models.OneToOneField(
        "catalog.Hall",
        verbose_name=_("大厅"),
        on_delete=models.CASCADE,
        related_name="queue_policy",
    )
    max_recalls = models.PositiveIntegerField(
        _("过号前最多重呼次数"), default=2, validators=[MinValueValidator(0)]
    )
    aging_minutes = models.PositiveIntegerField(
        _("防饿死等候分钟"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_(
            "普通号等候超过该分钟数后，不再受窗口类别顺序限制，按取号先后优先呼叫。"
        ),
    )
    no_show_limit = models.PositiveIntegerField(
        _("爽约次数上限"), default=3, validators=[MinValueValidator(1)]
    )
    no_show_window_days = models.PositiveIntegerField(
        _("爽约统计天数"), default=30, validators=[MinValueValidator(1)]
    )
    block_days = models.PositiveIntegerField(
        _("限制预约天数"), default=30, validators=[MinValueValidator(1)]
    )
    booking_horizon_days = models.PositiveIntegerField(
        _("可预约天数"), default=14, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("排队规则")
        verbose_name_plural = _("排队规则")

    def __str__(self) -> str:
        return f"{self.hall} 排队规则"


class DailySequence(models.Model):
    """
    The last number issued in a category on one day (row-locked counter).

    中文：每日号码序列
    """

    category = models.ForeignKey(Category, on_delete=models.CASCADE)
    service_date = models.DateField()
    last_seq = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["category", "service_date"], name="queue_daily_seq_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category_id}:{self.service_date}:{self.last_seq}"


class ConfigVersion(models.Model):
    """
    One row whose token changes with every change of the queue configuration.

    Processes compare it to know when their cached categories, opening
    sessions and counter ranks are out of date (``queueing.cache``).

    中文：排队配置版本
    """

    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("排队配置版本")
        verbose_name_plural = _("排队配置版本")

    def __str__(self) -> str:
        return str(self.token)


class Appointment(BaseModel):
    """
    A booked slot in a category; checking in issues a priority ticket.

    中文：预约
    """

    class Status(models.TextChoices):
        BOOKED = "booked", _("已预约")
        CANCELLED = "cancelled", _("已取消")
        CHECKED_IN = "checked_in", _("已签到")
        NO_SHOW = "no_show", _("爽约")

    category = models.ForeignKey(
        Category,
        verbose_name=_("业务类别"),
        on_delete=models.PROTECT,
        related_name="appointments",
    )
    date = models.DateField(_("预约日期"))
    slot_start = models.DateTimeField(_("时段开始"))
    slot_end = models.DateTimeField(_("时段结束"))
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="queue_appointments",
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.BOOKED
    )
    code = models.CharField(
        _("签到码"), max_length=8, unique=True, default=appointment_code_new
    )
    reminded_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["slot_start"]
        indexes = [
            models.Index(fields=["category", "date", "status"]),
            models.Index(fields=["applicant", "status"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.category.name} {timezone.localtime(self.slot_start):%Y-%m-%d %H:%M}"
        )


class Ticket(BaseModel):
    """
    A queue ticket (排队号) numbered per category and day.

    ``arrival_at`` is kept on transfer; waiting time is ``called_at −
    arrival_at`` and service time ``finished_at − served_at``.

    中文：排队号
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("等候中")
        CALLED = "called", _("已呼叫")
        SERVING = "serving", _("办理中")
        HELD = "held", _("暂停")
        FINISHED = "finished", _("已办结")
        NO_SHOW = "no_show", _("过号")
        CANCELLED = "cancelled", _("已取消")

    class Priority(models.TextChoices):
        NONE = "none", _("普通")
        ELDERLY = "elderly", _("老年人")
        DISABLED = "disabled", _("残疾人")
        PREGNANT = "pregnant", _("孕妇")
        MILITARY = "military", _("军人")

    class Channel(models.TextChoices):
        KIOSK = "kiosk", _("现场取号机")
        MOBILE = "mobile", _("手机取号")
        STAFF = "staff", _("工作人员代取")
        APPOINTMENT = "appointment", _("预约签到")

    hall = models.ForeignKey(
        "catalog.Hall", verbose_name=_("大厅"), on_delete=models.PROTECT
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("业务类别"),
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    issued_category = models.ForeignKey(
        Category,
        verbose_name=_("取号类别"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    service_date = models.DateField(_("日期"))
    seq = models.PositiveIntegerField(_("序号"))
    number = models.CharField(_("号码"), max_length=10)
    token = models.CharField(
        _("查询令牌"), max_length=32, unique=True, default=ticket_token_new
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    priority = models.CharField(
        _("优先群体"), max_length=20, choices=Priority.choices, default=Priority.NONE
    )
    priority_class = models.PositiveSmallIntegerField(
        _("呼叫级别"), default=1, help_text=_("0 = 绿色通道/预约，1 = 普通。")
    )
    channel = models.CharField(_("取号渠道"), max_length=20, choices=Channel.choices)
    appointment = models.OneToOneField(
        Appointment,
        verbose_name=_("预约"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ticket",
    )
    appointment_at = models.DateTimeField(_("预约时段"), null=True, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="queue_tickets",
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    arrival_at = models.DateTimeField(_("到达时间"))
    called_at = models.DateTimeField(_("首次呼叫时间"), null=True, blank=True)
    last_called_at = models.DateTimeField(_("最近呼叫时间"), null=True, blank=True)
    served_at = models.DateTimeField(_("开始办理时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="queue_tickets",
    )
    target_counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("指定窗口"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("转到指定窗口时只有该窗口可以呼叫。"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("工作人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="served_tickets",
    )
    recall_count = models.PositiveIntegerField(_("重呼次数"), default=0)
    transfer_count = models.PositiveIntegerField(_("转移次数"), default=0)
    matter = models.CharField(_("办理事项"), max_length=300, blank=True)
    service_item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    case_id = models.BigIntegerField(_("关联办件"), null=True, blank=True)

    # waiting ahead of a new ticket, kept from its issue broadcast
    # (services._broadcast) for the API answer; not a column
    _ahead: int

    class Meta:
        verbose_name = _("排队号")
        verbose_name_plural = _("排队号")
        ordering = ["-service_date", "arrival_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["issued_category", "service_date", "seq"],
                name="queue_ticket_number_uniq",
            ),
        ]
        indexes = [
            # Covers the "waiting ahead" count shown with every new ticket
            # (selectors.ticket_waiting_ahead): the order columns are in the
            # index, so the count reads no table rows.
            models.Index(
                fields=[
                    "status",
                    "category",
                    "service_date",
                    "priority_class",
                    "arrival_at",
                    "id",
                ],
                name="queue_ticket_waiting_ahead_idx",
            ),
            models.Index(fields=["hall", "service_date", "status"]),
            models.Index(fields=["counter", "status"]),
            # the counter a case was received at (supervision, statistics)
            models.Index(
                fields=["case_id"],
                condition=Q(case_id__isnull=False),
                name="ticket_case",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in (
            self.Status.WAITING,
            self.Status.CALLED,
            self.Status.SERVING,
            self.Status.HELD,
        )
