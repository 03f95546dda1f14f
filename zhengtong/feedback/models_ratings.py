"""
Models of feedback: ratings (好差评), their rectification (差评整改), the
public-results rollup and the counter rater devices (评价器).

Rules (docs/feedback.md "Ratings"): one rating per service event, enforced
by the unique key (``event_kind``, ``event_id``); a rating is never edited
or deleted (no update path, read-only admin), only appealed; a bad rating
(levels 1–2) opens exactly one rectification (one-to-one).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengtong.core.models import BaseModel


class EventKind(models.TextChoices):
    """The service events that can be rated. 中文：评价对象（服务事件）"""

    TICKET = "ticket", _("现场服务（排队号）")
    INTAKE = "intake", _("受理决定")
    CASE = "case", _("办结")
    ONLINE = "online", _("网上办事")


class RatingChannel(models.TextChoices):
    """Where a rating came from. 中文：评价渠道"""

    DEVICE = "device", _("窗口评价器")
    ONLINE = "online", _("网上评价")
    DEFAULT = "default", _("默认评价")


class Level(models.IntegerChoices):
    """The five national levels; 1–2 are a bad rating (差评). 中文：评价等级"""

    VERY_DISSATISFIED = 1, _("非常不满意")
    DISSATISFIED = 2, _("不满意")
    BASIC = 3, _("基本满意")
    SATISFIED = 4, _("满意")
    VERY_SATISFIED = 5, _("非常满意")


BAD_LEVELS = (Level.VERY_DISSATISFIED, Level.DISSATISFIED)
DEFAULT_LEVEL = Level.BASIC


class RatingPolicy(BaseModel):
    """
    The rating rules of a region (blank region code: everywhere else).

    Guangdong: a service left unrated for 7 natural days counts as 基本满意;
    real-name bad ratings are contacted within 1 working day (安阳 Art. 52);
    a complex case is rectified within 5 (德州) or 15 (四川) working days.

    中文：好差评规则（按地区）
    """

    region_code = models.CharField(
        _("区划代码"), max_length=12, blank=True, unique=True
    )
    default_after_days = models.PositiveSmallIntegerField(
        _("默认评价期限（自然日）"), default=7
    )
    verify_days = models.PositiveSmallIntegerField(_("核实期限（工作日）"), default=1)
    immediate_days = models.PositiveSmallIntegerField(
        _("立即整改期限（工作日）"), default=1
    )
    limited_days = models.PositiveSmallIntegerField(
        _("限期整改期限（工作日）"), default=15
    )
    reply_days = models.PositiveSmallIntegerField(_("反馈期限（工作日）"), default=1)
    revisit_days = models.PositiveSmallIntegerField(_("回访期限（工作日）"), default=3)
    appeal_days = models.PositiveSmallIntegerField(
        _("申诉复核期限（工作日）"), default=3
    )

    class Meta:
        verbose_name = _("好差评规则")
        verbose_name_plural = _("好差评规则")

    def __str__(self) -> str:
        return self.region_code or "默认"


class Rating(models.Model):
    """
    One rating of one service event (一次一评、一事一评).

    The serving department, counter, item and person are copied from the
    event when it is rated, so the rollup and public results never join the
    event tables.  ``excluded`` is set once, by an upheld appeal.

    中文：好差评
    """

    event_kind = models.CharField(_("评价对象"), max_length=10, choices=EventKind)
    event_id = models.BigIntegerField(_("对象编号"))
    ticket = models.ForeignKey(
        "queueing.Ticket",
        verbose_name=_("排队号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("办件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.PositiveSmallIntegerField(_("评价等级"), choices=Level)
    indicators = models.JSONField(_("评价指标"), default=dict, blank=True)
    comment = models.TextField(_("评价内容"), blank=True)
    channel = models.CharField(_("评价渠道"), max_length=10, choices=RatingChannel)
    is_default = models.BooleanField(_("默认评价"), default=False)
    real_name = models.BooleanField(_("实名评价"), default=False)
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人账号"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rater_name = models.CharField(_("评价人"), max_length=100, blank=True)
    rater_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("服务部门"),
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
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("服务人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    served_at = models.DateTimeField(_("服务时间"))
    rated_at = models.DateTimeField(_("评价时间"))
    month = models.DateField(_("统计月份"))
    excluded = models.BooleanField(_("申诉成立（不计入统计）"), default=False)

    class Meta:
        verbose_name = _("好差评")
        verbose_name_plural = _("好差评")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_kind", "event_id"], name="feedback_rating_one_per_event"
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="feedback_rating_level"
            ),
        ]
        indexes = [
            models.Index(fields=["rater", "rated_at"], name="feedback_rating_rater"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_kind_display()} {self.event_id}：{self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        """Return True for 不满意 and 非常不满意 (差评)."""
        return self.level in BAD_LEVELS


class Classification(models.TextChoices):
    """How a verified bad rating is handled. 中文：整改分类"""

    IMMEDIATE = "immediate", _("情况清楚、诉求合理：立即整改")
    LIMITED = "limited", _("情况复杂：限期整改")
    EXPLAIN = "explain", _("缺乏法定依据：解释说明")


class RectificationState(models.TextChoices):
    """The steps of the bad-rating loop. 中文：整改状态"""

    VERIFYING = "verifying", _("待核实")
    RECTIFYING = "rectifying", _("整改中")
    REPLYING = "replying", _("待反馈")
    REVISITING = "revisiting", _("待回访")
    APPEALED = "appealed", _("申诉复核中")
    CLOSED = "closed", _("已办结")
    EXCLUDED = "excluded", _("申诉成立")


RECTIFICATION_OPEN = (
    RectificationState.VERIFYING,
    RectificationState.RECTIFYING,
    RectificationState.REPLYING,
    RectificationState.REVISITING,
    RectificationState.APPEALED,
)


class Rectification(BaseModel):
    """
    The rectification order (差评整改单) a bad rating opens on its department.

    ``due_date`` is the working-day deadline of the current step (核实, 整改,
    反馈, 回访, 申诉复核), started on ``step_started_on``; supervision reads
    it as the ``rectification`` clock.

    中文：差评整改
    """

    rating = models.OneToOneField(
        Rating,
        verbose_name=_("差评"),
        on_delete=models.PROTECT,
        related_name="rectification",
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("整改部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=RectificationState,
        default=RectificationState.VERIFYING,
    )
    step_started_on = models.DateField(_("本环节开始日"))
    due_date = models.DateField(_("本环节截止日"))
    opened_on = models.DateField(_("生成日期"))
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    contacted = models.BooleanField(_("已联系评价人"), default=False)
    finding = models.TextField(_("核实情况"), blank=True)
    classification = models.CharField(
        _("整改分类"), max_length=10, choices=Classification, blank=True
    )
    rectified_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    rectification_text = models.TextField(_("整改情况"), blank=True)
    replied_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    reply_text = models.TextField(_("反馈内容"), blank=True)
    revisited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    revisit_response = models.TextField(_("回访情况"), blank=True)
    revisit_satisfied = models.BooleanField(_("回访满意"), null=True, blank=True)
    appealed_at = models.DateTimeField(_("申诉时间"), null=True, blank=True)
    appealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申诉人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appeal_reason = models.TextField(_("申诉理由"), blank=True)
    appeal_evidence = models.FileField(
        _("申诉证据"), upload_to="feedback/appeals/%Y/%m/", max_length=200, blank=True
    )
    appeal_state_before = models.CharField(
        _("申诉前状态"), max_length=12, choices=RectificationState, blank=True
    )
    appeal_due_before = models.DateField(_("申诉前截止日"), null=True, blank=True)
    appeal_decided_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    appeal_upheld = models.BooleanField(_("申诉成立"), null=True, blank=True)
    appeal_decision = models.TextField(_("复核意见"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("差评整改")
        verbose_name_plural = _("差评整改")
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(
                fields=["department", "state", "due_date"],
                name="feedback_rect_queue",
            ),
            # the public results: the loops closed in a month
            models.Index(fields=["state", "closed_at"], name="feedback_rect_closed"),
        ]

    def __str__(self) -> str:
        return f"差评整改 {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state in RECTIFICATION_OPEN


class RollupGrain(models.TextChoices):
    """What one rollup row counts by. 中文：统计口径"""

    DEPARTMENT = "department", _("部门")
    COUNTER = "counter", _("窗口")
    ITEM = "item", _("事项")
    STAFF = "staff", _("工作人员")


class RatingRollup(models.Model):
    """
    The counts of one month for one department and one key (窗口, 事项, 人员).

    Kept exact: every rating, upheld appeal and closed rectification adds
    its delta in the same transaction (``services/ratings_rollup.py``).
    For the department grain ``key_id`` is the department itself.

    中文：好差评统计（月度预汇总）
    """

    grain = models.CharField(_("口径"), max_length=10, choices=RollupGrain)
    month = models.DateField(_("月份"))
    department_id = models.BigIntegerField(_("部门"))
    key_id = models.BigIntegerField(_("对象"))
    ratings = models.IntegerField(_("评价数"), default=0)
    satisfied = models.IntegerField(_("满意数"), default=0)
    dissatisfied = models.IntegerField(_("差评数"), default=0)
    defaults = models.IntegerField(_("默认评价数"), default=0)
    excluded = models.IntegerField(_("申诉成立数"), default=0)
    rectified = models.IntegerField(_("差评已整改数"), default=0)

    class Meta:
        verbose_name = _("好差评月度统计")
        verbose_name_plural = _("好差评月度统计")
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "month", "department_id", "key_id"],
                name="feedback_rollup_key",
            ),
        ]
        indexes = [
            models.Index(fields=["grain", "department_id", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.key_id} {self.month:%Y-%m}"


class RaterDevice(BaseModel):
    """
    A tablet bound to a counter as its rater (评价器).

    The device holds ``token`` in a cookie; a rating from the device must
    carry it, and is only accepted for the ticket last finished at that
    counter.  A staff session can never submit through it.

    中文：评价器
    """

    counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("窗口"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("名称"), max_length=100, blank=True)
    token = models.CharField(_("设备令牌"), max_length=64, unique=True)
    bound_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("绑定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("评价器")
        verbose_name_plural = _("评价器")

    def __str__(self) -> str:
        return self.name or f"评价器 {self.pk}"
