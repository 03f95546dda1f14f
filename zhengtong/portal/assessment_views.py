"""
The public page of the monthly assessment (考核公示) and its hall screen.

Only signed months are published (a draft is never shown): the 红旗窗口,
the 服务明星 with their reasons, and every counter's rank, score and stars
(``stats.selectors_assessment.assessment_public``).  No personal data
beyond the names of the staff honoured.  ``?display=1`` is the same
content in large type for the hall's screen (自动刷新, no script).

中文：考核公示
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from zhengtong.core.errors import ApplicationError
from zhengtong.stats.models_assessment import AssessmentMonth
from zhengtong.stats.selectors_assessment import (
    assessment_latest_signed,
    assessment_public,
)
from zhengtong.stats.services.assessment_month import month_parse


class AssessmentPublicView(View):
    """考核公示: the signed months' honours and ranking (no login)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        months = list(
            AssessmentMonth.objects.filter(region_code="")
            .order_by("-month")
            .values_list("month", flat=True)[:24]
        )
        text = request.GET.get("month")
        status = 200
        error = ""
        month = assessment_latest_signed()
        if text:
            try:
                month = month_parse(text)
            except ApplicationError as exc:
                error, status, month = exc.message, 400, None
        published = assessment_public(month=month) if month else None
        if month and published is None and not error:
            error, status = "该月考核结果尚未签发公示。", 404
        display = request.GET.get("display") == "1"
        return render(
            request,
            "portal/stats/assessment_display.html"
            if display
            else "portal/stats/assessment.html",
            {
                "published": published,
                "months": [f"{m:%Y-%m}" for m in months],
                "error": error,
            },
            status=status,
        )
