"""
Supervision (电子监察): one registry of clocks, warnings, supervision orders,
failures of duty (效能告诫/责任追究), anomaly hits and monthly bulletins.

The registry (``Clock``) is the one indexed shape in which every clock of the
system — a case's promised and statutory limit, a step, a 补正 answer, a
certificate, a deemed acceptance, a supervision order's reply — is visible
to supervision.  Source apps keep their own dates; ``sources.py`` copies
them here and ``sweep.py`` moves the lamps in one set-based pass.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengtong.core.models import BaseModel

from .constants import (
    AlertLevel,
    BreachState,
    ClockKind,
    ClockState,
    Lamp,
    OrderState,
    OrderTarget,
)

USER = settings.AUTH_USER_MODEL


class SupervisionPolicy(BaseModel):
    """
    The region's warning and escalation rules (empty region code: default).

    A clock turns yellow when at most ``yellow_days_left`` working days are
    left, or (when set) once ``yellow_share_used`` of its working days are
    used, whichever comes first; red when its due date is past.  After
    ``escalate_after_red_days`` working days red a supervision order is
    drafted.

    中文：监察规则（预警与升级）
    """

    region_code = models.CharField(
        _("区划代码"), max_length=12, blank=True, default="", unique=True
    )
    yellow_days_left = models.PositiveSmallIntegerField(
        _("剩余工作日数预警"),
        null=True,
        blank=True,
        help_text=_(
            "剩余不超过该工作日数即亮黄灯；留空则与办件页面的亮灯一致"
            "（CASES_WARNING_WORKING_DAYS，默认 2）。"
        ),
    )
    yellow_share_used = models.DecimalField(
        _("已用时限比例预警"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("例如 0.80：已用 80% 的工作日即亮黄灯；留空不按比例预警。"),
    )
    notify_handler_on_yellow = models.BooleanField(_("黄灯通知承办人"), default=True)
    notify_heads_on_red = models.BooleanField(
        _("红灯通知部门负责人和监察人员"), default=True
    )
    escalate_after_red_days = models.PositiveSmallIntegerField(
        _("红灯持续几个工作日自动拟督办单"), default=3
    )
    order_reply_days = models.PositiveSmallIntegerField(
        _("督办单默认回复时限（工作日）"), default=3
    )
    supplement_answer_days = models.PositiveSmallIntegerField(
        _("补正答复跟踪时限（工作日）"),
        default=10,
        help_text=_("一次性告知后等待申请人补正的跟踪期限；0 表示不跟踪。"),
    )
    late_breach_kind = models.ForeignKey(
        "BreachKind",
        verbose_name=_("超期办结拟认定的失职类型"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    late_breach_min_days = models.PositiveSmallIntegerField(
        _("超期几个工作日起拟效能告诫"), default=1
    )
    reassign_limit = models.PositiveSmallIntegerField(
        _("环节改派次数上限（监察规则）"), default=3
    )
    refusal_limit = models.PositiveSmallIntegerField(
        _("同一申请人同一事项退件次数上限（30日内）"), default=2
    )
    offbook_minutes = models.PositiveIntegerField(
        _("叫号办理后多少分钟内须登记办件（体外循环）"), default=120
    )

    class Meta:
        verbose_name = _("监察规则")
        verbose_name_plural = _("监察规则")
        ordering = ["region_code"]

    def __str__(self) -> str:
        return f"监察规则（{self.region_code or '默认'}）"


class Clock(models.Model):
    """
    One clock of the system as supervision sees it (one row per kind and object).

    中文：监察时钟
    """

    kind = models.CharField(_("类型"), max_length=20, choices=ClockKind.choices)
    object_id = models.BigIntegerField(_("对象编号"))
    number = models.CharField(_("编号"), max_length=40, blank=True)
    title = models.CharField(_("事项"), max_length=200, blank=True)
    case_id = models.BigIntegerField(_("办件"), null=True, blank=True)
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("责任部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    counter = models.ForeignKey(
        "catalog.Counter",
        verbose_name=_("窗口"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    owner = models.ForeignKey(
        USER,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    due_date = models.DateField(_("截止日期"))
    warn_on = models.DateField(_("预警日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=ClockState.choices, default=ClockState.RUNNING
    )
    lamp = models.CharField(_("亮灯"), max_length=8, choices=Lamp.choices)
    lamp_since = models.DateField(_("亮灯日期"), null=True, blank=True)
    red_since = models.DateField(_("红灯起始日"), null=True, blank=True)
    escalated_on = models.DateField(_("拟督办日期"), null=True, blank=True)
    provisional = models.BooleanField(_("期限推定"), default=False)
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)
    closed_late = models.BooleanField(_("超期结束"), default=False)
    updated_at = models.DateTimeField(_("同步时间"), auto_now=True)

    class Meta:
        verbose_name = _("监察时钟")
        verbose_name_plural = _("监察时钟")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="supervision_clock_kind_object"
            )
        ]
        indexes = [
            # The sweep: running clocks whose lamp may change today.
            models.Index(
                fields=["lamp", "warn_on"],
                condition=Q(state="running"),
                name="clock_running_warn",
            ),
            models.Index(
                fields=["lamp", "due_date"],
                condition=Q(state="running"),
                name="clock_running_due",
            ),
            # The desk: counts and lists per department and lamp.
            models.Index(
                fields=["department", "lamp", "due_date", "id"],
                condition=Q(state__in=["running", "suspended"]),
                name="clock_open_dept_lamp",
            ),
            models.Index(
                fields=["lamp", "due_date", "id"],
                condition=Q(state__in=["running", "suspended"]),
                name="clock_open_lamp",
            ),
            models.Index(
                fields=["owner", "lamp"],
                condition=Q(state__in=["running", "suspended"]),
                name="clock_open_owner",
            ),
            # Escalation: red clocks not yet escalated, by how long red.
            models.Index(
                fields=["red_since"],
                condition=Q(state="running", lamp="red", escalated_on__isnull=True),
                name="clock_red_not_escalated",
            ),
            models.Index(fields=["case_id"], name="clock_case"),
            models.Index(
                fields=["closed_on"],
                condition=Q(state="closed"),
                name="clock_closed_on",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class SweepCursor(models.Model):
    """
    How far the clock registry has read the audit events (resumable).

    中文：同步进度
    """

    name = models.CharField(_("名称"), max_length=40, unique=True)
    last_event_id = models.BigIntegerField(_("最后事件"), default=0)
    swept_on = models.DateField(_("最近一次扫描日"), null=True, blank=True)
    # "registry": renewed whenever the sweep wrote clocks, so reads of the
    # whole registry may be kept per token (the registry changes only there)
    token = models.CharField(_("版本令牌"), max_length=32, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("同步进度")
        verbose_name_plural = _("同步进度")

    def __str__(self) -> str:
        return f"{self.name}@{self.last_event_id}"


class Alert(models.Model):
    """
    A warning to one person about one clock transition (in-app; sent once).

    中文：预警消息
    """

    recipient = models.ForeignKey(
        USER, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="+"
    )
    clock = models.ForeignKey(
        Clock,
        verbose_name=_("时钟"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    order = models.ForeignKey(
        "SupervisionOrder",
        verbose_name=_("督办单"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
    )
    level = models.CharField(_("级别"), max_length=10, choices=AlertLevel.choices)
    day = models.DateField(_("日期"))
    text = models.CharField(_("内容"), max_length=300)
    sent = models.BooleanField(_("已推送"), default=False)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("预警消息")
        verbose_name_plural = _("预警消息")
        ordering = ["-id"]
        constraints = [
            # once per transition: one alert per person, clock, level and day
            models.UniqueConstraint(
                fields=["recipient", "clock", "level", "day"],
                condition=Q(clock__isnull=False),
                name="supervision_alert_once",
            ),
            models.UniqueConstraint(
                fields=["recipient", "order", "level", "day"],
                condition=Q(order__isnull=False),
                name="supervision_alert_order_once",
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-id"],
                condition=Q(read_at__isnull=True),
                name="alert_unread",
            ),
            models.Index(fields=["sent"], condition=Q(sent=False), name="alert_unsent"),
        ]

    def __str__(self) -> str:
        return self.text


class SupervisionOrder(BaseModel):
    """
    A supervision order (督办单) on a case, a step, a department or a person.

    中文：督办单
    """

    number = models.CharField(_("督办单编号"), max_length=30, unique=True)
    target = models.CharField(_("督办对象"), max_length=12, choices=OrderTarget.choices)
    case_id = models.BigIntegerField(_("办件"), null=True, blank=True)
    step_id = models.BigIntegerField(_("环节"), null=True, blank=True)
    clock = models.ForeignKey(
        Clock,
        verbose_name=_("所涉时钟"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("承办部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        USER,
        verbose_name=_("责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("督办事由"))
    action = models.TextField(_("督办要求"))
    reply_days = models.PositiveSmallIntegerField(_("回复时限（工作日）"))
    issued_on = models.DateField(_("签发日期"), null=True, blank=True)
    due_date = models.DateField(_("回复截止日"), null=True, blank=True)
    due_date_provisional = models.BooleanField(_("期限推定"), default=False)
    state = models.CharField(
        _("状态"), max_length=10, choices=OrderState.choices, default=OrderState.OPEN
    )
    level = models.PositiveSmallIntegerField(_("督办级别"), default=1)
    auto = models.BooleanField(_("系统拟稿"), default=False)
    created_by = models.ForeignKey(
        USER,
        verbose_name=_("督办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-id"]
        constraints = [
            # the escalation rule drafts at most one order per clock
            models.UniqueConstraint(
                fields=["clock"],
                condition=Q(auto=True),
                name="supervision_order_auto_once",
            )
        ]
        indexes = [
            models.Index(fields=["department", "state", "-id"], name="order_dept"),
            models.Index(fields=["state", "due_date"], name="order_state_due"),
            models.Index(fields=["case_id"], name="order_case"),
        ]

    def __str__(self) -> str:
        return self.number


class OrderReply(models.Model):
    """
    The addressee's reply to an order, and the supervisor's verdict on it.

    中文：督办回复
    """

    order = models.ForeignKey(
        SupervisionOrder,
        verbose_name=_("督办单"),
        on_delete=models.CASCADE,
        related_name="replies",
    )
    text = models.TextField(_("办理情况"))
    attachment = models.FileField(
        _("附件"), upload_to="supervision/replies/%Y/%m/", blank=True
    )
    attachment_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    replied_by = models.ForeignKey(
        USER,
        verbose_name=_("回复人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    replied_at = models.DateTimeField(_("回复时间"), auto_now_add=True)
    verdict = models.CharField(
        _("审核结果"),
        max_length=10,
        blank=True,
        choices=[("accepted", _("通过")), ("returned", _("退回"))],
    )
    verdict_note = models.TextField(_("审核意见"), blank=True)
    verdict_by = models.ForeignKey(
        USER,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verdict_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("督办回复")
        verbose_name_plural = _("督办回复")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order} 回复"


class BreachKind(models.Model):
    """
    A kind of failure of duty under one of the six service systems (configurable).

    中文：失职情形（六项制度）
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    system = models.CharField(
        _("所属制度"),
        max_length=16,
        choices=[
            ("first_question", _("首问负责制")),
            ("one_notice", _("一次性告知制")),
            ("promise", _("服务承诺制")),
            ("time_limit", _("限时办结制")),
            ("ab_post", _("AB岗工作制")),
            ("post_duty", _("岗位责任制")),
        ],
    )
    name = models.CharField(_("情形"), max_length=120)
    default_measure = models.ForeignKey(
        "MeasureKind",
        verbose_name=_("建议措施"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("失职情形")
        verbose_name_plural = _("失职情形")
        ordering = ["system", "code"]

    def __str__(self) -> str:
        return self.name


class MeasureKind(models.Model):
    """
    A measure that may be decided (提醒、批评教育、黄牌、红牌 … configurable).

    中文：问责措施
    """

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    severity = models.PositiveSmallIntegerField(_("轻重（1 最轻）"), default=1)
    assessment_points = models.DecimalField(
        _("月度考核扣分"), max_digits=5, decimal_places=1, default=0
    )

    class Meta:
        verbose_name = _("问责措施")
        verbose_name_plural = _("问责措施")
        ordering = ["severity", "code"]

    def __str__(self) -> str:
        return self.name


class Breach(BaseModel):
    """
    One failure of duty on record, tied to its evidence; a human decides.

    中文：效能告诫与责任追究记录
    """

    number = models.CharField(_("编号"), max_length=30, unique=True)
    kind = models.ForeignKey(
        BreachKind,
        verbose_name=_("失职情形"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    person = models.ForeignKey(
        USER,
        verbose_name=_("责任人"),
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
        on_delete=models.SET_NULL,
        related_name="+",
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # evidence (证据): what shows the failure
    evidence_kind = models.CharField(_("证据类型"), max_length=20)
    evidence_id = models.BigIntegerField(_("证据对象"), null=True, blank=True)
    case_id = models.BigIntegerField(_("办件"), null=True, blank=True)
    evidence_text = models.TextField(_("事实与证据"))
    rule_code = models.CharField(_("拟定规则"), max_length=40, blank=True)
    proposed_measure = models.ForeignKey(
        MeasureKind,
        verbose_name=_("建议措施"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_by = models.ForeignKey(
        USER,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=BreachState.choices,
        default=BreachState.PROPOSED,
    )
    measure = models.ForeignKey(
        MeasureKind,
        verbose_name=_("认定措施"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(_("认定理由"), blank=True)
    decided_by = models.ForeignKey(
        USER,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    statement = models.TextField(_("本人申辩"), blank=True)
    statement_at = models.DateTimeField(_("申辩时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("效能告诫／责任追究")
        verbose_name_plural = _("效能告诫／责任追究")
        ordering = ["-id"]
        permissions = [("decide_breach", _("可认定效能告诫与责任追究"))]
        constraints = [
            # a rule proposes a breach once per evidence and person
            models.UniqueConstraint(
                fields=["rule_code", "evidence_kind", "evidence_id", "person"],
                condition=~Q(rule_code=""),
                name="supervision_breach_rule_once",
            )
        ]
        indexes = [
            models.Index(fields=["department", "state", "-id"], name="breach_dept"),
            models.Index(fields=["person", "state"], name="breach_person"),
        ]

    def __str__(self) -> str:
        return self.number


class AnomalyHit(models.Model):
    """
    One hit of an anomaly rule (电子监察规则), found by a set-based query.

    中文：异常监察记录
    """

    rule = models.CharField(_("规则"), max_length=40)
    object_kind = models.CharField(_("对象类型"), max_length=20)
    object_id = models.BigIntegerField(_("对象"))
    case_id = models.BigIntegerField(_("办件"), null=True, blank=True)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    person = models.ForeignKey(
        USER,
        verbose_name=_("相关人员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    detail = models.CharField(_("说明"), max_length=300)
    found_on = models.DateField(_("发现日期"))
    resolved = models.BooleanField(_("已处理"), default=False)
    resolved_note = models.TextField(_("处理说明"), blank=True)
    resolved_by = models.ForeignKey(
        USER,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异常监察记录")
        verbose_name_plural = _("异常监察记录")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "object_kind", "object_id"],
                name="supervision_anomaly_once",
            )
        ]
        indexes = [
            models.Index(fields=["department", "resolved", "-id"], name="anomaly_dept")
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.object_kind}:{self.object_id}"


class Bulletin(BaseModel):
    """
    The monthly supervision bulletin (督查通报), archived with its figures and PDF.

    中文：督查通报
    """

    month = models.DateField(_("月份"))  # first day of the month
    region_code = models.CharField(_("区划代码"), max_length=12, blank=True)
    figures = models.JSONField(_("数据"), default=dict)
    text = models.TextField(_("通报正文"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to="supervision/bulletins/", blank=True)
    generated_by = models.ForeignKey(
        USER,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("督查通报")
        verbose_name_plural = _("督查通报")
        ordering = ["-month", "-id"]
        indexes = [models.Index(fields=["month", "region_code"], name="bulletin_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}督查通报"
