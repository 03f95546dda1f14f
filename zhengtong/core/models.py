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
