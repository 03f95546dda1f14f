"""
The 统一出件 desk (one window out): what is ready at the user's hall, and
the handover of one case (window pickup with signature or ID check, mail
with tracking number, download); the applicant is told by cases' own
notification when the handover is recorded, and may be told beforehand
where to collect (通知领取).

Thin: the rules are in ``zhengtong.agency`` (permissions, services,
selectors); a refusal shows its Chinese message on the same page.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.agency import permissions, selectors, services
from zhengtong.agency.constants import HandoverMethod, IdentityCheck
from zhengtong.cases.constants import Outcome
from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_address, mask_id_number, mask_name
from zhengtong.queueing.selectors import counter_list_for_staff

from .views import StaffRequiredMixin

TEMPLATES = "workbench/agency/"
PAGE = 200


class HandoverForm(forms.Form):
    method = forms.ChoiceField(
        label="出件方式",
        choices=HandoverMethod.choices,
        widget=forms.RadioSelect,
        initial=HandoverMethod.COUNTER_PICKUP,
    )
    counter = forms.TypedChoiceField(
        label="出件窗口", coerce=int, required=False, empty_value=None
    )
    identity_check = forms.ChoiceField(
        label="领取核验",
        choices=[("", "—"), *IdentityCheck.choices],
        required=False,
        initial=IdentityCheck.ID_CHECK,
    )
    id_number = forms.CharField(
        label="领取人证件号码",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    recipient = forms.CharField(
        label="领取人姓名（签字）", max_length=100, required=False
    )
    tracking = forms.CharField(label="快递单号", max_length=60, required=False)

    def __init__(self, *args: Any, counters: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counter"].choices = [
            (c.pk, f"{c.hall.name} {c}") for c in counters
        ] or [("", "（不在窗口）")]


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "workbench/forbidden.html",
        {"message": "只有窗口人员可以使用统一出件台。"},
        status=403,
    )


def desk_rows(cases: list) -> list[dict[str, Any]]:
    """Return the desk's table rows, personal data masked."""
    rows = []
    for case in cases:
        handover = getattr(case, "handover", None)
        rows.append(
            {
                "id": case.pk,
                "number": case.number,
                "item": case.item_version.name,
                "department": case.department.name,
                "applicant": mask_name(case.applicant_name),
                "id_masked": mask_id_number(case.applicant_id_number),
                "outcome": "准予许可"
                if case.outcome == Outcome.APPROVE
                else "不予许可",
                "approved": case.outcome == Outcome.APPROVE,
                "decided_at": case.decided_at,
                "preference": handover.get_preferred_method_display()
                if handover and handover.preferred_method
                else "",
                "mail_address": mask_address(handover.mail_address) if handover else "",
            }
        )
    return rows


def desk_groups(rows: list[dict[str, Any]], cases: list) -> list[dict[str, Any]]:
    """
    Return the desk rows with the sub-cases of one 一件事 application folded
    into one row (``bundle``: number, its rows, how many still pending).
    """
    out: list[dict[str, Any]] = []
    groups: dict[int, dict[str, Any]] = {}
    for row, case in zip(rows, cases, strict=True):
        link = getattr(case, "bundle_link", None)
        if link is None:
            out.append(row)
            continue
        group = groups.get(link.application_id)
        if group is None:
            group = groups[link.application_id] = {
                "bundle": link.application,
                "rows": [],
                "pending": 0,
            }
            out.append(group)
        group["rows"].append(row)
    pending = selectors.bundle_pending_counts(application_ids=set(groups))
    for app_id, group in groups.items():
        group["pending"] = pending.get(app_id, 0)
    return out


class HandoverDeskView(StaffRequiredMixin, View):
    """统一出件台：本大厅待出件的办件（各部门）。"""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not permissions.can_use_handover_desk(user=user):
            return _forbidden(request)
        counters = counter_list_for_staff(user=user)
        try:
            cases = list(
                selectors.handover_desk_list(
                    user=user, hall_id=request.GET.get("hall") or None
                )[:PAGE]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
            cases = []
        halls = sorted({c.hall.name for c in counters})
        return render(
            request,
            TEMPLATES + "handover_desk.html",
            {
                "rows": desk_groups(desk_rows(cases), cases),
                "halls": halls,
                "all_halls": permissions.can_read_all(user=user),
                "may_hand_over": permissions.can_hand_over(user=user),
                "page_size": PAGE,
                "section": "handover",
            },
        )


class HandoverCaseView(StaffRequiredMixin, View):
    """办理出件：核验领取人并登记出件方式。"""

    def _context(self, request: HttpRequest, case_id: int) -> dict[str, Any] | None:
        try:
            case = selectors.handover_case_get(user=request.user, case_id=case_id)
        except ApplicationError:
            return None
        assignment = selectors.assignment_for_case(case=case)
        return {
            "section": "handover",
            "case": case,
            "row": desk_rows([case])[0],
            "place": selectors.case_pickup_place(case=case),
            "mark": selectors.case_mark_get(case=case),
            "officer": assignment.officer
            if assignment and assignment.officer_id
            else None,
        }

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        if not permissions.can_use_handover_desk(user=request.user):
            return _forbidden(request)
        context = self._context(request, case_id)
        if context is None:
            messages.error(request, "该办件不在本大厅的待出件清单中。")
            return redirect("workbench:agency-handover-desk")
        initial = {}
        handover = getattr(context["case"], "handover", None)
        if handover and handover.preferred_method:
            initial["method"] = handover.preferred_method
        context["form"] = HandoverForm(
            initial=initial, counters=counter_list_for_staff(user=request.user)
        )
        context["may_hand_over"] = permissions.can_hand_over(user=request.user)
        return render(request, TEMPLATES + "handover_case.html", context)

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        user = request.user
        if not permissions.can_hand_over(user=user):
            return _forbidden(request)
        context = self._context(request, case_id)
        if context is None:
            messages.error(request, "该办件不在本大厅的待出件清单中。")
            return redirect("workbench:agency-handover-desk")
        case = context["case"]
        counters = counter_list_for_staff(user=user)
        if request.POST.get("notify"):
            try:
                services.handover_notify_ready(case=case, actor=user)
                messages.success(request, f"已通知申请人到{context['place']}领取。")
            except ApplicationError as exc:
                messages.error(request, exc.message)
            return redirect("workbench:agency-handover-case", case_id=case.pk)
        form = HandoverForm(request.POST, counters=counters)
        if form.is_valid():
            v = form.cleaned_data
            counter = next((c for c in counters if c.pk == v["counter"]), None)
            try:
                services.handover_record(
                    case=case,
                    actor=user,
                    method=v["method"],
                    counter=counter,
                    identity_check=v["identity_check"],
                    id_number=v["id_number"],
                    recipient=v["recipient"],
                    tracking=v["tracking"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"办件 {case.number} 已出件，已通知申请人。")
                return redirect("workbench:agency-handover-desk")
        context["form"] = form
        context["may_hand_over"] = True
        return render(request, TEMPLATES + "handover_case.html", context, status=400)


class HandoverBundleView(StaffRequiredMixin, View):
    """一件事全部出件：一次核验，登记全部已出结果的子办件。"""

    def _context(self, request: HttpRequest, application_id: int) -> dict[str, Any]:
        application = selectors.bundle_handover_get(
            user=request.user, application_id=application_id
        )
        group = selectors.bundle_handover_group(
            user=request.user, application=application
        )
        return {
            "section": "handover",
            "application": application,
            "rows": desk_rows(group.ready),
            "pending": group.pending,
            "place": selectors.case_pickup_place(case=group.ready[0])
            if group.ready
            else "",
            "may_hand_over": permissions.can_hand_over(user=request.user),
        }

    def get(self, request: HttpRequest, application_id: int) -> HttpResponse:
        if not permissions.can_use_handover_desk(user=request.user):
            return _forbidden(request)
        try:
            context = self._context(request, application_id)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("workbench:agency-handover-desk")
        context["form"] = HandoverForm(
            counters=counter_list_for_staff(user=request.user)
        )
        return render(request, TEMPLATES + "handover_bundle.html", context)

    def post(self, request: HttpRequest, application_id: int) -> HttpResponse:
        user = request.user
        if not permissions.can_hand_over(user=user):
            return _forbidden(request)
        try:
            context = self._context(request, application_id)
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect("workbench:agency-handover-desk")
        counters = counter_list_for_staff(user=user)
        form = HandoverForm(request.POST, counters=counters)
        if form.is_valid():
            v = form.cleaned_data
            try:
                done = services.handover_record_bundle(
                    application=context["application"],
                    actor=user,
                    method=v["method"],
                    counter=next((c for c in counters if c.pk == v["counter"]), None),
                    identity_check=v["identity_check"],
                    id_number=v["id_number"],
                    recipient=v["recipient"],
                    tracking=v["tracking"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    f"一件事 {context['application'].number} 的 {len(done)} "
                    "项结果已全部出件，已通知申请人。",
                )
                return redirect("workbench:agency-handover-desk")
        context["form"] = form
        return render(request, TEMPLATES + "handover_bundle.html", context, status=400)
