"""
The applicant's 代办/帮办 and pickup page of one case (``/agency/cases/{id}/``).

Shows the green channel mark and where the result is collected (the hall
that received the case); the applicant asks for 代办 or 帮办, confirms the
named officer online (授权), and chooses how to receive the result. Every
rule is in ``zhengtong.agency``; a refusal shows its Chinese message.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.agency import permissions, selectors, services
from zhengtong.agency.constants import (
    AssignmentKind,
    AssignmentStatus,
    ConsentMethod,
    HandoverMethod,
)
from zhengtong.cases.models import Case
from zhengtong.cases.selectors import case_get_for_user
from zhengtong.core.errors import ApplicationError, NotFoundError


class AgencyRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="需要的服务",
        choices=AssignmentKind.choices,
        widget=forms.RadioSelect,
        initial=AssignmentKind.AGENCY,
    )
    needs = forms.CharField(
        label="需要哪些帮助（帮办必填）",
        max_length=300,
        required=False,
        help_text="如：行动不便、视力或听力障碍、不会使用手机。",
    )


class PickupForm(forms.Form):
    method = forms.ChoiceField(
        label="领取方式", choices=HandoverMethod.choices, widget=forms.RadioSelect
    )
    mail_address = forms.CharField(label="邮寄地址", max_length=300, required=False)


def _case(request: HttpRequest, case_id: int) -> Case:
    try:
        return case_get_for_user(user=request.user, case_id=case_id)
    except NotFoundError:
        raise Http404("办件不存在或无权查看。") from None


class AgencyCaseView(LoginRequiredMixin, View):
    """代办帮办与领取方式（申请人）"""

    def _page(
        self, request: HttpRequest, case: Case, status: int = 200, **forms_: Any
    ) -> HttpResponse:
        assignment = selectors.assignment_for_case(case=case)
        handover = getattr(case, "handover", None) if case.pk else None
        initial = {}
        if handover is not None and handover.preferred_method:
            initial = {
                "method": handover.preferred_method,
                "mail_address": handover.mail_address,
            }
        is_applicant = permissions.is_case_applicant(user=request.user, case=case)
        context = {
            "case": case,
            "assignment": assignment,
            "open_assignment": assignment is not None
            and assignment.status
            in (
                AssignmentStatus.REQUESTED,
                AssignmentStatus.ASSIGNED,
                AssignmentStatus.AUTHORISED,
            ),
            "to_authorise": is_applicant
            and assignment is not None
            and assignment.status == AssignmentStatus.ASSIGNED,
            "mark": selectors.case_mark_get(case=case),
            "place": selectors.case_pickup_place(case=case),
            "handover": handover,
            "is_applicant": is_applicant,
            "request_form": forms_.get("request_form") or AgencyRequestForm(),
            "pickup_form": forms_.get("pickup_form") or PickupForm(initial=initial),
        }
        return render(request, "portal/agency/case.html", context, status=status)

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        return self._page(request, _case(request, case_id))

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        case = _case(request, case_id)
        action = request.POST.get("action", "")
        user = request.user
        try:
            if action == "request":
                form = AgencyRequestForm(request.POST)
                if not form.is_valid():
                    return self._page(request, case, 400, request_form=form)
                try:
                    services.assignment_request(
                        case=case, actor=user, **form.cleaned_data
                    )
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                    return self._page(request, case, 400, request_form=form)
                messages.success(request, "已提交申请，中心将指派代办员并与您联系。")
            elif action == "authorise":
                assignment = selectors.assignment_for_case(case=case)
                if assignment is None:
                    raise ApplicationError("invalid_state", "没有待授权的代办。")
                services.assignment_authorise(
                    assignment=assignment, actor=user, method=ConsentMethod.ONLINE
                )
                messages.success(request, "已授权代办员代为办理。")
            elif action == "pickup":
                form = PickupForm(request.POST)
                if not form.is_valid():
                    return self._page(request, case, 400, pickup_form=form)
                try:
                    services.handover_preference_set(
                        case=case, actor=user, **form.cleaned_data
                    )
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                    return self._page(request, case, 400, pickup_form=form)
                messages.success(request, "已保存领取方式。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("portal:agency-case", case_id=case.pk)
