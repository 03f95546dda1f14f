"""
Agency pages beside the desks: 导办 records of a day and hall (with the form
for hall guides and the Excel export) and the green-channel marks with
their revocation (撤销, with a reason; the history stays).

Thin: the rules are in ``zhengtong.agency`` (permissions, services,
selectors); a refusal shows its Chinese message on the same page.
"""

from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from zhengtong.agency import permissions, selectors, services
from zhengtong.catalog.models import Hall, ServiceItem
from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id
from zhengtong.queueing import selectors as queue_selectors

from .supervision_exports import Column, xlsx_response
from .views import StaffRequiredMixin

TEMPLATES = "workbench/agency/"


class GuidanceForm(forms.Form):
    hall = forms.TypedChoiceField(label="大厅", coerce=int)
    visitor_name = forms.CharField(label="来访人姓名", max_length=100)
    visitor_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    need = forms.CharField(label="办事需求", max_length=300)
    counter = forms.TypedChoiceField(
        label="引导至窗口", coerce=int, required=False, empty_value=None
    )
    item = forms.TypedChoiceField(
        label="办理事项", coerce=int, required=False, empty_value=None
    )
    ticket_number = forms.CharField(
        label="排队号（如已取号）", max_length=10, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["hall"].choices = list(
            Hall.objects.order_by("id").values_list("pk", "name")
        )
        self.fields["counter"].choices = [("", "—")] + [
            (c.pk, f"{c.hall.name} {c}") for c in queue_selectors.counter_list()
        ]
        items = ServiceItem.objects.order_by("name").values_list("pk", "name")
        self.fields["item"].choices = [("", "—"), *items[:300]]


GUIDANCE_COLUMNS = [
    Column("时间", lambda r: timezone.localtime(r["guided_at"]).strftime("%H:%M"), 8),
    Column("大厅", lambda r: r["hall"], 16),
    Column("导办员", lambda r: r["guide"], 12),
    Column("来访人", lambda r: r["visitor"], 10),
    Column("电话", lambda r: r["phone"], 14),
    Column("办事需求", lambda r: r["need"], 30),
    Column("引导至窗口", lambda r: r["counter"], 16),
    Column("办理事项", lambda r: r["item"], 24),
    Column("排队号", lambda r: r["ticket"], 8),
]


def _day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _own_hall(user: Any) -> int | None:
    """The hall of the guide's first counter (the form's default)."""
    counter = user.counters.order_by("pk").first()
    return counter.hall_id if counter is not None else None


class GuidanceView(StaffRequiredMixin, View):
    """导办记录：按日、按大厅；导办员在此登记；可导出 Excel。"""

    def _render(
        self, request: HttpRequest, form: GuidanceForm | None = None, status: int = 200
    ) -> HttpResponse:
        user = request.user
        if not permissions.can_see_guidance(user=user):
            return render(
                request,
                "workbench/forbidden.html",
                {"message": "只有导办员、中心管理员和监察人员可以查看导办记录。"},
                status=403,
            )
        day = _day(request.GET.get("day"))
        hall = int_id(request.GET.get("hall") or "")
        records = selectors.guidance_list_for_user(user=user, day=day, hall_id=hall)
        rows = [selectors.guidance_row(r) for r in records[:1000]]
        if request.GET.get("export") == "xlsx":
            return xlsx_response(
                title="导办记录",
                filename="guidance",
                columns=GUIDANCE_COLUMNS,
                rows=rows,
                note=f"{day:%Y-%m-%d}",
            )
        query = request.GET.copy()
        query["export"] = "xlsx"
        may_record = permissions.can_record_guidance(user=user)
        return render(
            request,
            TEMPLATES + "guidance.html",
            {
                "section": "guidance",
                "rows": rows,
                "day": day,
                "hall": hall,
                "halls": Hall.objects.order_by("id"),
                "export_query": query.urlencode(),
                "may_record": may_record,
                "form": (form or GuidanceForm(initial={"hall": _own_hall(user)}))
                if may_record
                else None,
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        if not permissions.can_record_guidance(user=request.user):
            return self._render(request)
        form = GuidanceForm(request.POST)
        if form.is_valid():
            v = form.cleaned_data
            try:
                services.guidance_record_create(
                    actor=request.user,
                    hall_id=v["hall"],
                    visitor_name=v["visitor_name"],
                    visitor_phone=v["visitor_phone"],
                    need=v["need"],
                    counter_id=v["counter"],
                    item_id=v["item"],
                    ticket_number=v["ticket_number"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "已登记导办记录。")
                return redirect("workbench:agency-guidance")
        return self._render(request, form=form, status=400)


class MarkListView(StaffRequiredMixin, View):
    """绿色通道标记：在用与已撤销；可撤销（写明理由）。"""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not (
            permissions.can_mark_priority(user=user)
            or permissions.can_read_all(user=user)
        ):
            return render(request, "workbench/forbidden.html", status=403)
        marks = list(selectors.mark_list()[:200])
        for mark in marks:
            mark.may_revoke = mark.revoked_at is None and permissions.can_mark_priority(
                user=user, case=mark.case
            )
        return render(
            request,
            TEMPLATES + "marks.html",
            {"section": "marks", "marks": marks},
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            mark = selectors.mark_get(mark_id=request.POST.get("mark"))
            services.priority_mark_revoke(
                mark=mark,
                actor=request.user,
                reason=(request.POST.get("reason") or "")[:300],
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已撤销绿色通道标记。")
        return redirect("workbench:agency-marks")
