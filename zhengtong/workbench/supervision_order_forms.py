"""Forms of the supervision order and card pages (督办单、效能告诫)."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from zhengtong.supervision import permissions
from zhengtong.supervision.models import BreachKind, MeasureKind
from zhengtong.supervision.services.breaches import EVIDENCE_KINDS

User = get_user_model()


class OrderOpenForm(forms.Form):
    reason = forms.CharField(
        label="督办事由",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明事实：哪一件、哪一环节、超期或存在什么问题。",
    )
    action = forms.CharField(
        label="督办要求",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明要求承办部门做什么，例如“立即办结并书面说明超期原因”。",
    )
    reply_days = forms.IntegerField(
        label="回复时限（工作日）",
        min_value=1,
        max_value=60,
        help_text="自签发之日起计算，签发当日不计入，节假日顺延。",
    )


class OrderReplyForm(forms.Form):
    text = forms.CharField(
        label="办理情况",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明查明的原因、已采取的措施和办理结果。",
    )
    attachment = forms.FileField(
        label="附件（可选）",
        required=False,
        help_text="PDF、OFD、图片或 Word 文件，不超过 20 MB。",
    )


class OrderVerdictForm(forms.Form):
    note = forms.CharField(
        label="审核意见",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reply_days = forms.IntegerField(
        label="重新给予回复时限（工作日，可选）",
        min_value=1,
        max_value=60,
        required=False,
        help_text="退回时不填则仍按原截止日回复。",
    )


class BreachProposeForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="失职情形", queryset=BreachKind.objects.filter(active=True)
    )
    person = forms.ModelChoiceField(label="责任人", queryset=User.objects.none())
    evidence_kind = forms.ChoiceField(
        label="证据类型", choices=list(EVIDENCE_KINDS.items())
    )
    evidence_id = forms.IntegerField(
        label="证据编号（可选）", required=False, min_value=1
    )
    case = forms.IntegerField(
        label="办件编号（内部ID，可选）", required=False, min_value=1
    )
    evidence_text = forms.CharField(
        label="事实与证据", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    measure = forms.ModelChoiceField(
        label="建议措施（不选则按情形默认）",
        queryset=MeasureKind.objects.all(),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True, is_staff=True).exclude(pk=user.pk)
        department = permissions.supervision_scope(user)
        if department is not None:
            staff = staff.filter(department_id=department)
        self.fields["person"].queryset = staff.select_related("department").order_by(
            "department_id", "display_name"
        )
        self.fields["person"].label_from_instance = lambda u: (
            f"{u.display_name or u.username}（{u.department.name if u.department else '无部门'}）"
        )


class BreachDecideForm(forms.Form):
    measure = forms.ModelChoiceField(
        label="认定措施", queryset=MeasureKind.objects.all()
    )
    reason = forms.CharField(
        label="认定理由", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class BreachReasonForm(forms.Form):
    reason = forms.CharField(
        label="不予认定的理由",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BreachStatementForm(forms.Form):
    text = forms.CharField(
        label="申辩内容", max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )
