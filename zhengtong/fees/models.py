"""
Fees (收费公开与收费): published fee items, charges, reductions, payments,
refunds and the region's list of reduction bases.

Every amount is an integer number of fen (分): never a float. How an amount
follows from a fee item and a quantity is ``formulas.fee_amount`` (the one
definition); services write every row (``services.py``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zhengtong.core.models import BaseModel


class FeeMethod(models.TextChoices):
    """How the amount of a fee item is computed. 中文：计费方式"""

    FIXED = "fixed", _("定额")
    PER_UNIT = "per_unit", _("按件（单位）计")
    TIERED = "tiered", _("分档累进")


class ReductionKind(models.TextChoices):
    """减、免、缓. 中文：减免缓类型"""

    REDUCE = "reduce", _("减收")
    EXEMPT = "exempt", _("免收")
    DEFER = "defer", _("缓收")


class PaymentMethod(models.TextChoices):
    """中文：缴费方式"""

    CASH = "cash", _("现金")
    CARD = "card", _("刷卡")
    TRANSFER = "transfer", _("转账")


class RefundState(models.TextChoices):
    """中文：退费状态"""

    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准退费")
    REJECTED = "rejected", _("不予退费")


class FeeItem(BaseModel):
    """
    A published fee of an item version: name, legal basis, standard, and
    the amount (fixed) or formula (per unit, tiered).

    ``tiers`` (tiered only) is a list of brackets
    ``[{"up_to": 10, "unit_fen": 500}, {"up_to": null, "unit_fen": 300}]``:
    the units up to ``up_to`` cost ``unit_fen`` each, the rest fall into the
    next bracket (累进). ``cap_fen`` caps the total when set.

    中文：收费项目（收费公开）
    """

    version = models.ForeignKey(
        "catalog.ServiceItemVersion",
        verbose_name=_("事项版本"),
        on_delete=models.CASCADE,
        related_name="fee_items",
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("收费项目"), max_length=200)
    legal_basis = models.TextField(_("收费依据"))
    standard = models.CharField(_("收费标准"), max_length=500)
    method = models.CharField(
        _("计费方式"), max_length=10, choices=FeeMethod.choices, default=FeeMethod.FIXED
    )
    amount_fen = models.PositiveBigIntegerField(
        _("定额（分）"),
        null=True,
        blank=True,
        help_text=_("定额收费的金额，单位：分。"),
    )
    unit_fen = models.PositiveBigIntegerField(
        _("单价（分）"),
        null=True,
        blank=True,
        help_text=_("按件计费的单价，单位：分。"),
    )
    unit_name = models.CharField(_("计费单位"), max_length=20, default="件")
    tiers = models.JSONField(_("分档"), default=list, blank=True)
    cap_fen = models.PositiveBigIntegerField(_("封顶（分）"), null=True, blank=True)
    is_published = models.BooleanField(_("已公示"), default=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    settle_before_delivery = models.BooleanField(
        _("须缴清费用方可办结/出件"),
        default=False,
        help_text=_(
            "勾选后，该事项版本的办件有未缴费用时不能送达（出件）或办结（收费办结）。"
        ),
    )

    class Meta:
        verbose_name = _("收费项目")
        verbose_name_plural = _("收费项目")
        ordering = ["version", "order", "id"]

    def __str__(self) -> str:
        return self.name


class ReductionBasis(BaseModel):
    """
    A ground on which a region lets a fee be reduced, waived or deferred
    (减免缓依据): the list is data, per region.

    中文：减免缓依据
    """

    region = models.ForeignKey(
        "catalog.Region",
        verbose_name=_("区划"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(_("代码"), max_length=40)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10, choices=ReductionKind.choices)
    percent = models.PositiveSmallIntegerField(
        _("减收比例（%）"), default=100, help_text=_("减收时减去的百分比；免收为100。")
    )
    legal_basis = models.TextField(_("政策依据"))
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("减免缓依据")
        verbose_name_plural = _("减免缓依据")
        ordering = ["region", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "code"], name="fees_basis_region_code_uniq"
            ),
            models.CheckConstraint(
                condition=Q(percent__lte=100), name="fees_basis_percent_lte_100"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChargeQuerySet(models.QuerySet):
    def in_force(self) -> "ChargeQuerySet":
        """The charges not voided (作废): the only ones sums count."""
        return self.filter(voided_at__isnull=True)


class Charge(models.Model):
    """
    A fee charged on a case from a published fee item (应收).

    ``standard_fen`` is what the published standard gives for the quantity,
    ``amount_fen`` what was charged (never above the standard),
    ``reduction_fen`` what a reduction or exemption took off and ``due_fen``
    what is left to pay. A deferred charge (缓收) keeps its due amount.

    中文：收费记录（应收）
    """

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+"
    )
    fee_item = models.ForeignKey(
        FeeItem, verbose_name=_("收费项目"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("部门"),
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
    quantity = models.PositiveIntegerField(_("数量"))
    standard_fen = models.PositiveBigIntegerField(_("标准金额（分）"))
    amount_fen = models.PositiveBigIntegerField(_("应收金额（分）"))
    reduction_basis = models.ForeignKey(
        ReductionBasis,
        verbose_name=_("减免缓依据"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reduction_fen = models.PositiveBigIntegerField(_("减免金额（分）"), default=0)
    due_fen = models.PositiveBigIntegerField(_("实收应缴（分）"))
    deferred = models.BooleanField(_("缓收"), default=False)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    charged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    charged_at = models.DateTimeField(_("收费登记时间"))
    charged_on = models.DateField(_("收费登记日期"))
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("作废人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.CharField(_("作废理由"), max_length=500, blank=True)

    objects = ChargeQuerySet.as_manager()

    class Meta:
        verbose_name = _("收费记录")
        verbose_name_plural = _("收费记录")
        ordering = ["case", "id"]
        indexes = [
            models.Index(fields=["charged_on", "department"], name="fees_charge_day"),
            models.Index(fields=["case"], name="fees_charge_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__lte=models.F("standard_fen")),
                name="fees_charge_not_above_standard",
            ),
            models.CheckConstraint(
                condition=Q(due_fen=models.F("amount_fen") - models.F("reduction_fen")),
                name="fees_charge_due_is_amount_less_reduction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fee_item} × {self.quantity}"

    @property
    def in_force(self) -> bool:
        """Not voided (the row-level twin of ``ChargeQuerySet.in_force``)."""
        return self.voided_at is None


class PaymentNotice(models.Model):
    """
    A numbered payment notice (缴费通知书) issued on a case before payment:
    the charges due at issue (``lines``, a snapshot so a reprint of the
    number shows what was notified), the amount due and how to pay.

    中文：缴费通知书
    """

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("通知书编号"), max_length=40, unique=True)
    due_fen = models.PositiveBigIntegerField(_("应缴金额（分）"))
    lines = models.JSONField(_("收费明细"), default=list)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("开具人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("开具时间"))

    class Meta:
        verbose_name = _("缴费通知书")
        verbose_name_plural = _("缴费通知书")
        ordering = ["case", "-id"]
        indexes = [models.Index(fields=["case"], name="fees_notice_case")]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    """
    Money received for a case, with the fiscal receipt (财政票据) number:
    unique per region.

    中文：缴费记录
    """

    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("部门"),
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
    region_code = models.CharField(_("区划代码"), max_length=12)
    method = models.CharField(
        _("缴费方式"), max_length=10, choices=PaymentMethod.choices
    )
    amount_fen = models.PositiveBigIntegerField(_("金额（分）"))
    receipt_number = models.CharField(_("财政票据号"), max_length=40)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收款人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    paid_at = models.DateTimeField(_("缴费时间"))
    paid_on = models.DateField(_("缴费日期"))

    class Meta:
        verbose_name = _("缴费记录")
        verbose_name_plural = _("缴费记录")
        ordering = ["case", "id"]
        indexes = [
            models.Index(fields=["paid_on", "department"], name="fees_payment_day"),
            models.Index(fields=["case"], name="fees_payment_case"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "receipt_number"],
                name="fees_payment_receipt_uniq",
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="fees_payment_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number


class Refund(models.Model):
    """
    Money returned from a payment, once approved by someone other than the
    requester (部门负责人 of the case's department, or the centre's finance
    role: permission ``fees.approve_refund``).

    中文：退费
    """

    payment = models.ForeignKey(
        Payment, verbose_name=_("原缴费"), on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("部门"),
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
    amount_fen = models.PositiveBigIntegerField(_("退费金额（分）"))
    reason = models.CharField(_("退费理由"), max_length=500)
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=RefundState.choices,
        default=RefundState.REQUESTED,
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decided_on = models.DateField(_("审批日期"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("退费")
        verbose_name_plural = _("退费")
        ordering = ["-id"]
        permissions = [("approve_refund", _("审批退费（中心财务）"))]
        indexes = [
            models.Index(fields=["decided_on", "department"], name="fees_refund_day"),
            models.Index(fields=["case"], name="fees_refund_case"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="fees_refund_amount_positive"
            ),
            models.CheckConstraint(
                condition=~Q(decided_by=models.F("requested_by")),
                name="fees_refund_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment} −{self.amount_fen}"
