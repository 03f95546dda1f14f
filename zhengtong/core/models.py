"""Shared base model and the append-only, hash-chained audit log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """
    Abstract base with creation and update times.

    中文：基础模型
    """

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """
    One append-only audit record; records of a stream form a hash chain.

    A stream is one audited object ("cases.case:42") or one concern
    ("catalog.import"). Each record stores the hash of the previous record in
    its stream, so an edited or removed record is detectable
    (``manage.py verify_audit_chain``).

    中文：审计事件（防篡改链）
    """

    stream = models.CharField(_("链"), max_length=80)
    seq = models.PositiveIntegerField(_("序号"))
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人名称"), max_length=100, blank=True)
    action = models.CharField(_("动作"), max_length=60)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    from_state = models.CharField(_("原状态"), max_length=40, blank=True)
    to_state = models.CharField(_("新状态"), max_length=40, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    prev_hash = models.CharField(_("前一哈希"), max_length=64, blank=True)
    hash = models.CharField(_("哈希"), max_length=64)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        ordering = ["stream", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["stream", "seq"], name="audit_stream_seq_uniq"
            )
        ]
        # No index on (object_type, object_id): readers go by stream, which
        # names the object ("cases.case:42"), and every new event skips it.

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.action}"


class OutboxJob(models.Model):
    """
    One background job requested by a state change (transactional outbox).

    Written in the same transaction as the change it belongs to, so a job
    exists if and only if the change committed. The worker claims it with a
    lease, runs it and marks it done in one transaction; a job whose worker
    died is claimed again when its lease runs out (``zhengtong/core/outbox.py``).

    中文：后台任务发件箱
    """

    class State(models.TextChoices):
        PENDING = "pending", _("待执行")
        RUNNING = "running", _("执行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    job = models.CharField(_("任务"), max_length=120)
    args = models.JSONField(_("参数"), default=dict)
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    created_at = models.DateTimeField(_("创建时间"))
    # when the job was last handed to the worker queue (huey); the relay hands
    # it again when it is still pending a while after that
    dispatched_at = models.DateTimeField(_("派发时间"))
    # a claim: the token of the run that holds it and until when
    token = models.CharField(_("执行令牌"), max_length=32, blank=True)
    lease_until = models.DateTimeField(_("租约到期"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    last_error = models.TextField(_("最近错误"), blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        indexes = [
            # the relay's scan: only jobs not done, by when they were handed out
            models.Index(
                fields=["dispatched_at"],
                name="outbox_open_idx",
                condition=models.Q(state__in=["pending", "running"]),
            )
        ]

    def __str__(self) -> str:
        return f"{self.job}#{self.pk} {self.state}"
