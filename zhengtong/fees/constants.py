"""Stable error codes and limits of fees (收费)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# A quantity above this is refused as a typing error (no fee counts more).
QUANTITY_MAX = 100_000
# No single amount above 1 亿元 (in fen): beyond it is a typing error.
AMOUNT_MAX_FEN = 10_000_000_000


class ErrorCode(models.TextChoices):
    NOT_PERMITTED = "not_permitted", _("无权操作")
    NOT_FOUND = "not_found", _("不存在")
    INVALID_INPUT = "invalid_input", _("输入有误")
    INVALID_STATE = "invalid_state", _("状态不允许")
    FEE_NOT_PUBLISHED = "fee_not_published", _("不是本事项公示的收费项目")
    FEE_ABOVE_STANDARD = "fee_above_standard", _("超过公示标准")
    REDUCTION_BASIS_REQUIRED = "reduction_basis_required", _("减免缺少依据")
    REDUCTION_BASIS_UNKNOWN = "reduction_basis_unknown", _("减免依据不在本区划目录中")
    PAYMENT_ABOVE_OUTSTANDING = "payment_above_outstanding", _("超过未缴金额")
    RECEIPT_DUPLICATE = "receipt_duplicate", _("财政票据号重复")
    REFUND_ABOVE_PAID = "refund_above_paid", _("超过已缴金额")
    REFUND_SELF_APPROVAL = "refund_self_approval", _("不得审批本人申请的退费")
    CHARGE_PAID = "charge_paid", _("收费已有缴费，不能作废")
    CHARGE_VOIDED = "charge_voided", _("收费已作废")
    NOTHING_DUE = "nothing_due", _("没有未缴费用")
    FEES_OUTSTANDING = "fees_outstanding", _("尚有未缴费用")
