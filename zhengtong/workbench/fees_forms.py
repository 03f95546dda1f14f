"""Forms of the fee pages (shape checks only; the rules are in fees.services)."""

from django import forms

from zhengtong.fees.constants import QUANTITY_MAX
from zhengtong.fees.formulas import fen_to_yuan
from zhengtong.fees.models import PaymentMethod

YUAN_HELP = "单位：元，最多两位小数。"


class ChargeForm(forms.Form):
    fee = forms.TypedChoiceField(label="收费项目", coerce=int)
    quantity = forms.IntegerField(
        label="数量", min_value=1, max_value=QUANTITY_MAX, initial=1
    )
    amount = forms.CharField(
        label="实收金额（元）",
        required=False,
        max_length=16,
        help_text="留空按公示标准计算；低于标准须选择减免依据，不得高于标准。",
    )
    reduction_basis = forms.TypedChoiceField(
        label="减免缓依据", required=False, coerce=int, empty_value=None
    )
    note = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, fee_items=(), bases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fee"].choices = [
            (f.pk, f"{f.name}（{f.standard}）") for f in fee_items
        ]
        self.fields["reduction_basis"].choices = [("", "无（按标准收取）")] + [
            (b.pk, f"{b.name}（{b.get_kind_display()}）") for b in bases
        ]


class PaymentForm(forms.Form):
    method = forms.ChoiceField(label="缴费方式", choices=PaymentMethod.choices)
    amount = forms.CharField(label="缴费金额（元）", max_length=16, help_text=YUAN_HELP)
    receipt_number = forms.CharField(
        label="财政票据号", max_length=40, help_text="本区划内唯一。"
    )

    def __init__(self, *args, outstanding: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        if outstanding > 0:
            self.fields["amount"].initial = fen_to_yuan(outstanding)


class RefundForm(forms.Form):
    payment = forms.TypedChoiceField(label="原缴费", coerce=int)
    amount = forms.CharField(label="退费金额（元）", max_length=16, help_text=YUAN_HELP)
    reason = forms.CharField(label="退费理由", max_length=500)

    def __init__(self, *args, payments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment"].choices = [
            (p.pk, f"{p.receipt_number} · {fen_to_yuan(p.amount_fen)} 元")
            for p in payments
        ]


class VoidForm(forms.Form):
    """作废收费: a charge in force and the reason."""

    charge = forms.TypedChoiceField(label="作废的收费", coerce=int)
    reason = forms.CharField(label="作废理由", max_length=500)

    def __init__(self, *args, charges=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["charge"].choices = [
            (
                c.pk,
                f"{c.fee_item.name} × {c.quantity} · 应缴 {fen_to_yuan(c.due_fen)} 元",
            )
            for c in charges
            if c.in_force
        ]


class RefundDecisionForm(forms.Form):
    note = forms.CharField(label="审批意见", required=False, max_length=500)
