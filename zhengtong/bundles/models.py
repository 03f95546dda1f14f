"""Bundles (高效办成一件事): life-event bundles, questionnaire, one combined application creating sub-cases."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengtong.core.models import BaseModel

USER = settings.AUTH_USER_MODEL


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("是／否")
    CHOICE = "choice", _("单选")


YES, NO = "yes", "no"
YES_NO_CHOICES = ((YES, "是"), (NO, "否"))


class Bundle(BaseModel):
    """
    A life event that groups several items behind one application.

    中文：一件事（主题套餐）
    """

    code = models.SlugField(_("编码"), max_length=60, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    summary = models.TextField(_("简介"), blank=True)
    source = models.CharField(
        _("依据与来源"), max_length=500, blank=True, help_text=_("公开指南或政策文件")
    )
    active = models.BooleanField(_("已上线"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("一件事")
        verbose_name_plural = _("一件事")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class BundleItem(models.Model):
    """
    One item of a bundle; ``always`` items apply whatever the answers.

    中文：一件事包含的事项
    """

    bundle = models.ForeignKey(
        Bundle, verbose_name=_("一件事"), on_delete=models.CASCADE, related_name="items"
    )
    item = models.ForeignKey(
        "catalog.ServiceItem",
        verbose_name=_("事项"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    always = models.BooleanField(
        _("必办"), default=False, help_text=_("勾选后不论情形如何都办理该事项")
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("包含事项")
        verbose_name_plural = _("包含事项")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "item"], name="bundle_item_once")
        ]

    def __str__(self) -> str:
        return str(self.item)


class BundleQuestion(models.Model):
    """
    One question of the questionnaire: yes/no, or one choice of several.

    中文：情形引导问题
    """

    bundle = models.ForeignKey(
        Bundle,
        verbose_name=_("一件事"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    key = models.SlugField(_("键"), max_length=40)
    text = models.CharField(_("问题"), max_length=300)
    kind = models.CharField(
        _("类型"),
        max_length=8,
        choices=QuestionKind.choices,
        default=QuestionKind.YES_NO,
    )
    choices = models.JSONField(
        _("选项"),
        default=list,
        blank=True,
        help_text=_('单选题的选项，如 [["local", "本地户籍"], ["other", "外地户籍"]]'),
    )
    required = models.BooleanField(_("必答"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("情形引导问题")
        verbose_name_plural = _("情形引导问题")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "key"], name="bundle_question_key"
            )
        ]

    def __str__(self) -> str:
        return self.text

    def choice_pairs(self) -> list[tuple[str, str]]:
        """Return the (value, label) pairs the question offers."""
        if self.kind == QuestionKind.YES_NO:
            return list(YES_NO_CHOICES)
        return [(str(value), str(label)) for value, label in self.choices or []]

    def clean(self) -> None:
        if self.kind == QuestionKind.CHOICE:
            pairs = self.choices
            ok = (
                isinstance(pairs, list)
                and len(pairs) >= 2
                and all(
                    isinstance(p, list | tuple)
                    and len(p) == 2
                    and all(isinstance(x, str) and x.strip() for x in p)
                    for p in pairs
                )
            )
            if not ok:
                raise ValidationError(
                    {"choices": _("单选题至少两个选项，每个为 [值, 文字]。")}
                )
            if len({p[0] for p in pairs}) != len(pairs):
                raise ValidationError({"choices": _("选项的值不能重复。")})


class BundleRule(models.Model):
    """
    An answer that selects an item: when ``question`` is answered ``value``,
    ``item`` applies.

    中文：情形规则
    """

    bundle = models.ForeignKey(
        Bundle, verbose_name=_("一件事"), on_delete=models.CASCADE, related_name="rules"
    )
    question = models.ForeignKey(
        BundleQuestion,
        verbose_name=_("问题"),
        on_delete=models.CASCADE,
        related_name="rules",
    )
    value = models.CharField(_("回答"), max_length=40)
    item = models.ForeignKey(
        BundleItem,
        verbose_name=_("办理事项"),
        on_delete=models.CASCADE,
        related_name="rules",
    )

    class Meta:
        verbose_name = _("情形规则")
        verbose_name_plural = _("情形规则")
        ordering = ["question__order", "id"]

    def __str__(self) -> str:
        return f"{self.question.key}={self.value} → {self.item}"

    def clean(self) -> None:
        if self.question_id and self.bundle_id:
            if self.question.bundle_id != self.bundle_id:
                raise ValidationError({"question": _("问题不属于该一件事。")})
            if self.value not in dict(self.question.choice_pairs()):
                raise ValidationError({"value": _("回答不是该问题的选项之一。")})
        if self.item_id and self.bundle_id and self.item.bundle_id != self.bundle_id:
            raise ValidationError({"item": _("事项不属于该一件事。")})


class BundleField(models.Model):
    """
    A field of the combined form, asked once and copied into the form of
    every item it maps to (all items when none is chosen).

    中文：共用表单字段
    """

    bundle = models.ForeignKey(
        Bundle,
        verbose_name=_("一件事"),
        on_delete=models.CASCADE,
        related_name="fields",
    )
    key = models.SlugField(_("键"), max_length=40)
    label = models.CharField(_("标签"), max_length=100)
    required = models.BooleanField(_("必填"), default=True)
    max_length = models.PositiveIntegerField(_("最大长度"), default=200)
    items = models.ManyToManyField(
        BundleItem,
        verbose_name=_("适用事项"),
        blank=True,
        related_name="fields",
        help_text=_("不选即适用于全部事项"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("共用表单字段")
        verbose_name_plural = _("共用表单字段")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bundle", "key"], name="bundle_field_key")
        ]

    def __str__(self) -> str:
        return self.label


class BundleMaterial(models.Model):
    """
    A material uploaded once for the whole application and filed with every
    sub-case whose checklist it answers (``targets``).

    中文：共用材料
    """

    bundle = models.ForeignKey(
        Bundle,
        verbose_name=_("一件事"),
        on_delete=models.CASCADE,
        related_name="materials",
    )
    key = models.SlugField(_("键"), max_length=40)
    name = models.CharField(_("材料名称"), max_length=300)
    required = models.BooleanField(_("必交"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("共用材料")
        verbose_name_plural = _("共用材料")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["bundle", "key"], name="bundle_material_key"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BundleMaterialTarget(models.Model):
    """
    Which item's checklist line a shared material answers.

    中文：共用材料对应的事项材料
    """

    shared = models.ForeignKey(
        BundleMaterial,
        verbose_name=_("共用材料"),
        on_delete=models.CASCADE,
        related_name="targets",
    )
    item = models.ForeignKey(
        BundleItem,
        verbose_name=_("事项"),
        on_delete=models.CASCADE,
        related_name="material_targets",
    )
    material = models.ForeignKey(
        "catalog.Material",
        verbose_name=_("事项材料清单中的材料"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("留空则按共用材料名称归档"),
    )

    class Meta:
        verbose_name = _("材料对应")
        verbose_name_plural = _("材料对应")
        constraints = [
            models.UniqueConstraint(
                fields=["shared", "item"], name="bundle_material_target_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shared} → {self.item}"

    def clean(self) -> None:
        if self.item_id and self.shared_id:
            if self.item.bundle_id != self.shared.bundle_id:
                raise ValidationError({"item": _("事项不属于该一件事。")})
            if self.material_id and self.material.version.item_id != self.item.item_id:
                raise ValidationError(
                    {"material": _("该材料不在所选事项的材料清单中。")}
                )


class BundleApplication(models.Model):
    """
    One application of a bundle: its number, answers, the combined form and
    the delivery preference (one for all sub-cases).

    中文：一件事申请
    """

    bundle = models.ForeignKey(
        Bundle, verbose_name=_("一件事"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("一件事编号"), max_length=40, unique=True)
    applicant = models.ForeignKey(
        USER,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="bundle_applications",
    )
    agent = models.ForeignKey(
        USER,
        verbose_name=_("代理人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answers = models.JSONField(_("情形回答"), default=dict)
    form_data = models.JSONField(_("共用表单"), default=dict)
    delivery_method = models.CharField(_("送达方式"), max_length=16, blank=True)
    delivery_address = models.CharField(_("送达地址"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    idempotency_key = models.CharField(_("幂等键"), max_length=80, blank=True)
    idempotency_fingerprint = models.CharField(
        _("幂等请求摘要"), max_length=64, blank=True
    )

    class Meta:
        verbose_name = _("一件事申请")
        verbose_name_plural = _("一件事申请")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="bundle_application_idempotency",
            )
        ]

    def __str__(self) -> str:
        return self.number


class BundleSubCase(models.Model):
    """
    One sub-case of a bundle application (one item, one department).

    中文：一件事子办件
    """

    application = models.ForeignKey(
        BundleApplication,
        verbose_name=_("一件事申请"),
        on_delete=models.CASCADE,
        related_name="sub_cases",
    )
    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("办件"),
        on_delete=models.CASCADE,
        related_name="bundle_link",
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("子办件")
        verbose_name_plural = _("子办件")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return str(self.case_id)
