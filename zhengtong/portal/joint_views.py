"""
The applicant's "where is my case" page (办件去向): the departments a 联办件
runs in and where each stands, a referral to another department, a report
to the upper organ. Thin: reads through ``zhengtong.cases`` selectors with
their visibility (404 for anyone who may not see the case).
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from zhengtong.cases import selectors, selectors_joint
from zhengtong.core.errors import NotFoundError


class CaseWhereView(LoginRequiredMixin, View):
    """办件去向: branches, referrals, report up."""

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        try:
            case = selectors.case_get_for_user(user=request.user, case_id=case_id)
        except NotFoundError as exc:
            raise Http404(exc.message) from exc
        return render(
            request,
            "portal/joint/where.html",
            {
                "case": case,
                "branches": selectors_joint.case_branches_rows(
                    case=case, user=request.user
                ),
                "referrals": selectors_joint.case_referrals_list(case=case),
                "report": selectors_joint.case_report_current(case=case),
                "upper_decisions": selectors_joint.case_upper_decisions(case=case),
            },
        )
