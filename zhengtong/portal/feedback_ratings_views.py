"""
Portal pages of ratings (好差评).

- ``feedback/rater/``: the counter's rater device (评价器): shows the ticket
  just finished at its counter (polls the API), large buttons, nothing
  pre-selected, back to idle after a timeout (static/portal/feedback_rater.js);
- ``feedback/rate/case/{id}/``: rate a case online (the link and QR code on
  the result notice lead here);
- ``feedback/my-ratings/``: 我的评价, and the services still to rate;
- ``feedback/results/``: the public results, month by month (no login).

Thin: the rules are in ``zhengtong.feedback``.
"""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import View

from zhengtong.cases.models import Case
from zhengtong.catalog.models import Region
from zhengtong.core.errors import ApplicationError
from zhengtong.feedback.models_ratings import EventKind, Level
from zhengtong.feedback.selectors import device_get, rating_list_for_rater
from zhengtong.feedback.selectors_public import public_months, public_results
from zhengtong.feedback.services.ratings import (
    OFFLINE_INDICATORS,
    ONLINE_INDICATORS,
    event_for_case,
    rating_exists,
    rating_submit,
)
from zhengtong.feedback.services.ratings_devices import DEVICE_COOKIE, DEVICE_COOKIE_AGE

TEMPLATES = "portal/feedback/"
LEVELS = [(level.value, level.label) for level in sorted(Level, reverse=True)]
INDICATOR_SCORES = [
    (5, "非常满意"),
    (4, "满意"),
    (3, "基本满意"),
    (2, "不满意"),
    (1, "非常不满意"),
]


class RaterDeviceView(View):
    """The counter's rater device page (评价器)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        pairing = request.GET.get("device", "")[:64]
        if (
            pairing
        ):  # the pairing link shown on binding: keep the token, drop it from the URL
            response = redirect("portal:feedback-rater")
            if device_get(token=pairing) is not None:
                response.set_cookie(
                    DEVICE_COOKIE,
                    pairing,
                    max_age=DEVICE_COOKIE_AGE,
                    httponly=True,
                    samesite="Strict",
                )
            return response
        device = device_get(token=request.COOKIES.get(DEVICE_COOKIE))
        return render(
            request,
            TEMPLATES + "rater.html",
            {
                "device": device,
                "levels": LEVELS,
                "indicators": OFFLINE_INDICATORS,
                "scores": INDICATOR_SCORES,
                "staff_session": bool(getattr(request.user, "is_staff", False)),
            },
            status=200 if device else 404,
        )


class RateForm(forms.Form):
    level = forms.TypedChoiceField(
        label="总体评价", choices=LEVELS, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="意见或建议（可选）",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    anonymous = forms.BooleanField(
        label="匿名评价（不向办理部门显示姓名和电话）", required=False
    )


def _case_for_rating(request: HttpRequest, case_id: int) -> Case:
    case = Case.objects.select_related("item", "department").filter(pk=case_id).first()
    if case is None or case.applicant_id != request.user.pk:
        raise Http404("办件不存在。")
    return case


class RateCaseView(View):
    """Rate a case online (一事一评)."""

    def _page(self, request, case, form, error="", status=200) -> HttpResponse:
        try:
            event = event_for_case(case)
            done = rating_exists(kind=event.kind, event_id=event.event_id)
            indicators = event.indicators
        except ApplicationError as exc:
            event, done, indicators = None, False, {}
            error = error or exc.message
        return render(
            request,
            TEMPLATES + "rate_case.html",
            {
                "case": case,
                "event": event,
                "done": done,
                "form": form,
                "indicators": indicators,
                "scores": INDICATOR_SCORES,
                "error": error,
                "online": event is not None and event.kind == EventKind.ONLINE,
            },
            status=status,
        )

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return self._page(request, _case_for_rating(request, case_id), RateForm())

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        case = _case_for_rating(request, case_id)
        form = RateForm(request.POST)
        if not form.is_valid():
            return self._page(request, case, form, status=400)
        indicators = {}
        for key in ONLINE_INDICATORS | OFFLINE_INDICATORS:
            value = request.POST.get(f"ind_{key}", "")
            if value.isdigit():
                indicators[key] = int(value)
        try:
            rating_submit(
                user=request.user,
                case_id=case.pk,
                level=form.cleaned_data["level"],
                indicators=indicators,
                comment=form.cleaned_data["comment"],
                anonymous=form.cleaned_data["anonymous"],
            )
        except ApplicationError as exc:
            return self._page(request, case, form, error=exc.message, status=exc.status)
        messages.success(request, "感谢您的评价！")
        return redirect("portal:feedback-my-ratings")


class MyRatingsView(View):
    """我的评价: the ratings given, and the concluded cases not yet rated."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        ratings = list(rating_list_for_rater(user=request.user)[:100])
        rated_cases = {r.case_id for r in ratings if r.case_id}
        to_rate = [
            c
            for c in Case.objects.filter(applicant=request.user, status="concluded")
            .select_related("item")
            .order_by("-concluded_at")[:20]
            if c.pk not in rated_cases
        ]
        return render(
            request,
            TEMPLATES + "my_ratings.html",
            {"ratings": ratings, "to_rate": to_rate},
        )


def _month(value: str | None, default: date) -> date:
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        return date(year, month, 1)
    except ValueError:
        return default


class PublicResultsView(View):
    """The public results (评价结果公开), month by month."""

    def get(self, request: HttpRequest) -> HttpResponse:
        months = public_months(today=timezone.localdate())
        month = _month(request.GET.get("month"), months[0])
        group = request.GET.get("group") or "department"
        if group not in ("department", "counter", "item"):
            group = "department"
        region = None
        code = (request.GET.get("region") or "")[:12]
        if code:
            region = Region.objects.filter(code=code).first()
        data = public_results(region=region, month=month, group=group)
        return render(
            request,
            TEMPLATES + "results.html",
            {
                "data": data,
                "months": months,
                "month": month,
                "group": group,
                "region_code": code,
            },
        )
