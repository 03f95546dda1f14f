"""
Forms of the 一件事 pages, built from a bundle's definition: shape checks
only (the rules — which answers are offered, which fields and files the
chosen items need — are checked again by ``bundles.services``).

中文：一件事表单
"""

from typing import Any

from django import forms

from zhengtong.bundles.definitions import BundleDefinition, ItemRow
from zhengtong.cases.constants import DeliveryMethod
from zhengtong.cases.forms import FILE_ACCEPT

ANSWER_PREFIX = "q_"
FIELD_PREFIX = "f_"
FILE_PREFIX = "m_"


class QuestionnaireForm(forms.Form):
    """情形引导: one radio group per question."""

    def __init__(self, *args: Any, definition: BundleDefinition, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for q in definition.questions:
            self.fields[ANSWER_PREFIX + q.key] = forms.ChoiceField(
                label=q.text,
                choices=list(q.choices),
                required=q.required,
                widget=forms.RadioSelect,
                error_messages={"required": "请选择一项。"},
            )

    def answers(self) -> dict[str, str]:
        return {
            name[len(ANSWER_PREFIX) :]: value
            for name, value in self.cleaned_data.items()
            if name.startswith(ANSWER_PREFIX) and value
        }


class BundleApplyForm(forms.Form):
    """The combined form: each shared field and each shared material once."""

    delivery_method = forms.ChoiceField(
        label="结果送达方式（全部事项统一送达）",
        choices=DeliveryMethod.choices,
        initial=DeliveryMethod.COUNTER_PICKUP,
        widget=forms.RadioSelect,
    )
    delivery_address = forms.CharField(
        label="邮寄地址（选择邮寄送达时填写）", max_length=200, required=False
    )

    def __init__(
        self,
        *args: Any,
        definition: BundleDefinition,
        items: list[ItemRow],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        chosen = {row.id for row in items}
        self.shared_fields = []
        for f in definition.fields:
            if f.item_ids and not chosen.intersection(f.item_ids):
                continue
            name = FIELD_PREFIX + f.key
            self.fields[name] = forms.CharField(
                label=f.label, max_length=f.max_length, required=f.required
            )
            self.shared_fields.append(name)
        self.shared_files = []
        for m in definition.materials:
            targets = [t for t in m.targets if t.item_id in chosen]
            if not targets:
                continue
            name = FILE_PREFIX + m.key
            names = [
                row.item_name for row in items if row.id in {t.item_id for t in targets}
            ]
            self.fields[name] = forms.FileField(
                label=m.name,
                required=m.required,
                help_text="上传一次，用于：" + "、".join(names),
                widget=forms.ClearableFileInput(attrs={"accept": FILE_ACCEPT}),
                error_messages={"required": "请上传该材料。"},
            )
            self.shared_files.append(name)
        order = [*self.shared_fields, "delivery_method", "delivery_address"]
        self.order_fields([*order, *self.shared_files])

    def form_data(self) -> dict[str, str]:
        return {
            name[len(FIELD_PREFIX) :]: self.cleaned_data.get(name, "")
            for name in self.shared_fields
        }

    def files_by_key(self) -> dict[str, Any]:
        return {
            name[len(FILE_PREFIX) :]: self.cleaned_data.get(name)
            for name in self.shared_files
            if self.cleaned_data.get(name)
        }
