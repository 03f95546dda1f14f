"""
Counter intake for walk-in applicants (窗口收件): find the item, register the
applicant (a person, or an enterprise with its 统一社会信用代码, 法定代表人 and
经办人) and the scans, create the case through the one walk-in service.

Only intake staff of the item's department; a case taken in for a called
queue ticket (``?ticket=``) is linked to it.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.cases import permissions, services
from zhengtong.cases.forms import IntakeApplicantForm, material_field_name
from zhengtong.cases.views import error_status
from zhengtong.catalog.selectors import item_get_public, item_list_public
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.queueing import selectors as queue_selectors
from zhengtong.queueing import services as queue_services

from .views import TEMPLATES, StaffRequiredMixin


def _intake_ticket(request: HttpRequest):
    """Return the queue ticket this intake serves (``?ticket=``), if it is the user's."""
    ticket_id = request.GET.get("ticket") or request.POST.get("ticket")
    if not ticket_id:
        return None
    try:
        return queue_selectors.ticket_get_for_staff(
            user=request.user, ticket_id=ticket_id
        )
    except ApplicationError:
        return None


class WorkbenchIntakeView(StaffRequiredMixin, View):
    """Counter intake, step 1: find the item the walk-in applicant wants."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not permissions.can_intake(user=request.user):
            return render(request, "workbench/forbidden.html", status=403)
        q = (request.GET.get("q") or "").strip()[:60]
        # 综合窗口 (无差别受理): the departments placed under the user's
        # integrated counters too, own department first
        departments = [
            permissions.intake_department_id(request.user),
            *sorted(permissions.integrated_department_ids(request.user)),
        ]
        items: list = []
        for department_id in departments:
            if len(items) >= 50:
                break
            items += list(
                item_list_public(q=q or None, department_id=department_id)[
                    : 50 - len(items)
                ]
            )
        return render(
            request,
            TEMPLATES + "intake_items.html",
            {"items": items, "q": q, "ticket": _intake_ticket(request)},
        )


class WorkbenchIntakeItemView(StaffRequiredMixin, View):
    """Counter intake, step 2: the applicant, the scans, create the case."""

    def _item(self, item_id):
        try:
            return item_get_public(item_id=item_id)
        except NotFoundError:
            raise Http404("事项不存在或未公开。") from None

    def _render(self, request, item, form, error="", status=200):
        materials = list(item.current_version.materials.order_by("order", "id"))
        rows = [
            {"material": m, "field": form[material_field_name(m.pk)]} for m in materials
        ]
        return render(
            request,
            TEMPLATES + "intake_form.html",
            {
                "item": item,
                "version": item.current_version,
                "form": form,
                "rows": rows,
                "error": error,
                "ticket": _intake_ticket(request),
            },
            status=status,
        )

    def get(self, request: HttpRequest, item_id: int) -> HttpResponse:
        if not permissions.can_intake(user=request.user):
            return render(request, "workbench/forbidden.html", status=403)
        item = self._item(item_id)
        if not permissions.can_intake_item(user=request.user, item=item):
            return render(request, "workbench/forbidden.html", status=403)
        materials = item.current_version.materials.order_by("order", "id")
        return self._render(request, item, IntakeApplicantForm(materials=materials))

    def post(self, request: HttpRequest, item_id: int) -> HttpResponse:
        if not permissions.can_intake(user=request.user):
            return render(request, "workbench/forbidden.html", status=403)
        item = self._item(item_id)
        if not permissions.can_intake_item(user=request.user, item=item):
            return render(request, "workbench/forbidden.html", status=403)
        materials = item.current_version.materials.order_by("order", "id")
        form = IntakeApplicantForm(request.POST, request.FILES, materials=materials)
        if not form.is_valid():
            return self._render(request, item, form, status=400)
        data = form.cleaned_data
        try:
            case = services.case_counter_intake_walk_in(
                actor=request.user,
                item=item,
                form_data={"matter": data.get("matter", "")},
                files=form.material_files(),
                **form.service_kwargs(),
            )
        except ApplicationError as exc:
            return self._render(
                request, item, form, error=exc.message, status=error_status(exc)
            )
        ticket = _intake_ticket(request)
        if ticket is not None:
            try:
                queue_services.ticket_link_case(
                    ticket=ticket, case_id=case.pk, actor=request.user
                )
            except ApplicationError as exc:
                messages.warning(request, exc.message)
        messages.success(
            request,
            f"已收件，办件编号 {case.number}，查询码 {case.query_code}。"
            "已出具收件凭证，请打印交申请人；并当场作出受理或一次性告知补正。",
        )
        return redirect("workbench:case-detail", case_id=case.pk)
