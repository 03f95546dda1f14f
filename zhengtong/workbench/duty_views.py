"""
Duty and backup posts (在岗与AB岗) in the staff workbench.

Every member of staff sees their own post (department, counters, B岗 and
whom they stand in for) and can register their own absence (请假、出差、
培训 …) or return; absence hands their open steps to the B岗 at once
(``accounts.services.staff_absence_set`` → the cases app's receiver).
Colleagues of the same department are listed with their status. Centre
administrators (中心管理员) may set the status of any member of staff;
nobody else may change anyone but themselves.

中文：在岗登记与AB岗
"""

from django import forms
from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.accounts.constants import ROLE_GROUP_NAMES, STAFF_ROLES, Role
from zhengtong.accounts.models import User
from zhengtong.accounts.services import staff_absence_set
from zhengtong.catalog.models import Counter

from .views import StaffRequiredMixin

ABSENCE_KINDS = (
    ("请假", "请假"),
    ("出差", "出差"),
    ("培训", "培训"),
    ("外出办事", "外出办事"),
    ("其他", "其他"),
)


class AbsenceForm(forms.Form):
    """Register an absence or a return for one member of staff."""

    user_id = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(
        choices=(("absent", "登记不在岗"), ("present", "登记返岗"))
    )
    kind = forms.ChoiceField(label="事由", choices=ABSENCE_KINDS, required=False)
    note = forms.CharField(label="说明", max_length=150, required=False)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("action") == "absent" and not data.get("kind"):
            raise forms.ValidationError("登记不在岗须选择事由。")
        return data

    def reason(self) -> str:
        kind = self.cleaned_data.get("kind") or ""
        note = (self.cleaned_data.get("note") or "").strip()
        return f"{kind}：{note}" if note else kind


def can_manage_everyone(user: User) -> bool:
    """Centre administrators (and superusers) may set anyone's status."""
    return user.is_superuser or user.has_role(Role.CENTRE_ADMIN)


def staff_queryset() -> QuerySet[User]:
    """Active staff with what the duty page shows, joined."""
    return (
        User.objects.filter(is_active=True, groups__name__in=_staff_group_names())
        .distinct()
        .select_related("department", "backup")
        .prefetch_related(
            Prefetch("counters", queryset=Counter.objects.order_by("number"))
        )
        .order_by("department__order", "department__name", "username")
    )


def _staff_group_names() -> list[str]:
    return [ROLE_GROUP_NAMES[r] for r in STAFF_ROLES]


class DutyView(StaffRequiredMixin, View):
    """My post and my department's duty board; register absence or return."""

    template = "workbench/duty.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, AbsenceForm(initial={"user_id": request.user.pk}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = AbsenceForm(request.POST)
        if not form.is_valid():
            return self._render(request, form, status=400)
        target = staff_queryset().filter(pk=form.cleaned_data["user_id"]).first()
        if target is None:
            form.add_error(None, "没有找到这位工作人员。")
            return self._render(request, form, status=400)
        actor = request.user
        if target.pk != actor.pk and not can_manage_everyone(actor):
            form.add_error(None, "只能登记本人的在岗状态；他人请由中心管理员登记。")
            return self._render(request, form, status=403)
        absent = form.cleaned_data["action"] == "absent"
        if absent == target.is_absent:
            state = "不在岗" if absent else "在岗"
            messages.info(request, f"{target} 已是{state}状态，未作更改。")
            return redirect("workbench:duty")
        staff_absence_set(
            user=target,
            is_absent=absent,
            note=form.reason() if absent else "",
            actor=actor,
        )
        if not absent:
            messages.success(request, f"已登记 {target} 返岗。新的工作将照常分派。")
        elif target.backup_id:
            messages.success(
                request,
                f"已登记 {target} 不在岗（{form.reason()}），在办工作已转交 B岗 {target.backup}。",
            )
        else:
            messages.warning(
                request,
                f"已登记 {target} 不在岗，但尚未设置 B岗，在办工作无人接手；请中心管理员尽快设置 B岗。",
            )
        return redirect("workbench:duty")

    def _render(self, request: HttpRequest, form: AbsenceForm, status: int = 200):
        user = request.user
        me = staff_queryset().filter(pk=user.pk).first() or user
        board = staff_queryset()
        if not can_manage_everyone(user):
            board = board.filter(department_id=user.department_id)
        board = list(board) if user.department_id or can_manage_everyone(user) else []
        return render(
            request,
            self.template,
            {
                "wb_section": "duty",
                "me": me,
                "covering": list(staff_queryset().filter(backup=user)),
                "board": board,
                "manage_all": can_manage_everyone(user),
                "form": form,
                "kinds": ABSENCE_KINDS,
            },
            status=status,
        )
