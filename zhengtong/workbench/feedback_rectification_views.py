"""
Workbench pages of the bad-rating loop (差评整改) and the rater devices.

- ``feedback/rectifications/``: the queue (own department; centre: all),
  filtered by state;
- ``feedback/rectifications/{id}/``: one rectification with the form of its
  current step (核实, 整改, 反馈, 回访), the appeal (申诉) for the
  department and the decision (复核) for the centre's reviewer;
- ``feedback/rater-devices/``: bind this browser as a counter's rater
  (评价器), centre users only.

Thin: every rule is in ``zhengtong.feedback`` (permissions, services,
selectors); a refused action shows its Chinese message on the same page.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.catalog.models import Counter
from zhengtong.core.errors import ApplicationError
from zhengtong.feedback import permissions
from zhengtong.feedback.models_ratings import (
    Classification,
    RaterDevice,
    RectificationState,
)
from zhengtong.feedback.selectors import (
    rectification_counts_for_user,
    rectification_get_for_user,
    rectification_list_for_user,
)
from zhengtong.feedback.services import rectifications as services
from zhengtong.feedback.services.ratings_devices import (
    DEVICE_COOKIE,
    DEVICE_COOKIE_AGE,
    device_bind,
)

from .views import StaffRequiredMixin

TEMPLATES = "workbench/feedback/"
S = RectificationState


class VerifyForm(forms.Form):
    finding = forms.CharField(
        label="核实情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    classification = forms.ChoiceField(
        label="整改分类", choices=Classification.choices, widget=forms.RadioSelect
    )
    contacted = forms.BooleanField(
        label="已联系评价人核实（实名差评必须）", required=False
    )


class TextForm(forms.Form):
    text = forms.CharField(
        label="内容", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class RevisitForm(forms.Form):
    response = forms.CharField(
        label="回访情况", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    satisfied = forms.TypedChoiceField(
        label="评价人对整改是否满意",
        choices=[("", "未表态"), ("1", "满意"), ("0", "不满意")],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )


class AppealForm(forms.Form):
    reason = forms.CharField(
        label="申诉理由与证据说明",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    evidence = forms.FileField(label="证据文件（PDF/JPG/PNG，可选）", required=False)


class DecideForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label="复核结论",
        choices=[
            ("1", "申诉成立（该评价不计入统计）"),
            ("0", "申诉不成立（继续整改）"),
        ],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(
        label="复核意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


# step → (form, service call, label, text field label)
STEPS: dict[str, tuple[type[forms.Form], Any, str]] = {
    "verify": (
        VerifyForm,
        lambda r, u, d: services.rectification_verify(rectification=r, actor=u, **d),
        "核实差评",
    ),
    "rectify": (
        TextForm,
        lambda r, u, d: services.rectification_rectify(
            rectification=r, actor=u, text=d["text"]
        ),
        "登记整改情况",
    ),
    "reply": (
        TextForm,
        lambda r, u, d: services.rectification_reply(
            rectification=r, actor=u, text=d["text"]
        ),
        "反馈评价人",
    ),
    "revisit": (
        RevisitForm,
        lambda r, u, d: services.rectification_revisit(rectification=r, actor=u, **d),
        "回访",
    ),
    "appeal": (
        AppealForm,
        lambda r, u, d: services.rectification_appeal(
            rectification=r, actor=u, reason=d["reason"], evidence=d.get("evidence")
        ),
        "申诉（恶意或误评）",
    ),
    "decide": (
        DecideForm,
        lambda r, u, d: services.rectification_decide_appeal(
            rectification=r, actor=u, **d
        ),
        "复核申诉",
    ),
}
STEP_OF_STATE = {
    S.VERIFYING: "verify",
    S.RECTIFYING: "rectify",
    S.REPLYING: "reply",
    S.REVISITING: "revisit",
}
TEXT_LABELS = {"rectify": "整改情况（或解释说明）", "reply": "反馈评价人的内容"}


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "workbench/forbidden.html", {"message": message}, status=403)


class RectificationQueueView(StaffRequiredMixin, View):
    """The department's rectification queue (差评整改)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state") or ""
        try:
            qs = rectification_list_for_user(user=request.user, state=state or None)
            counts = rectification_counts_for_user(user=request.user)
        except ApplicationError as exc:
            return _forbidden(request, exc.message)
        rows = list(qs.select_related("rating__counter", "rating__item")[:200])
        return render(
            request,
            TEMPLATES + "queue.html",
            {
                "rows": rows,
                "state": state,
                "states": [(s.value, s.label, counts.get(s.value, 0)) for s in S],
                "scope": "全中心"
                if permissions.is_centre(request.user)
                else request.user.department,
                "may_bind": permissions.can_bind_device(request.user),
            },
        )


def _forms_for(
    request: HttpRequest, r: Any, bound: tuple[str, forms.Form] | None
) -> dict:
    user = request.user
    out: dict[str, Any] = {}
    works = permissions.can_work_rectification(user, r)
    step = STEP_OF_STATE.get(r.state)
    if works and step:
        out[step] = None
    if works and r.state in services.APPEAL_FROM and r.appealed_at is None:
        out["appeal"] = None
    if r.state == S.APPEALED and permissions.can_decide_appeal(user, r):
        out["decide"] = None
    result = []
    for name in out:
        form_cls, _call, label = STEPS[name]
        form = bound[1] if bound and bound[0] == name else form_cls()
        if name in TEXT_LABELS:
            form.fields["text"].label = TEXT_LABELS[name]
        result.append(
            {"name": name, "label": label, "form": form, "multipart": name == "appeal"}
        )
    return {"step_forms": result}


class RectificationDetailView(StaffRequiredMixin, View):
    """One rectification with the form of its current step."""

    def _page(
        self,
        request: HttpRequest,
        rid: int,
        bound=None,
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        try:
            r = rectification_get_for_user(user=request.user, rectification_id=rid)
        except ApplicationError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from None
            return _forbidden(request, exc.message)
        ctx = {
            "r": r,
            "rating": r.rating,
            "error": error,
            **_forms_for(request, r, bound),
        }
        return render(request, TEMPLATES + "detail.html", ctx, status=status)

    def get(self, request: HttpRequest, rectification_id: int) -> HttpResponse:
        return self._page(request, rectification_id)

    def post(self, request: HttpRequest, rectification_id: int) -> HttpResponse:
        step = request.POST.get("step", "")
        if step not in STEPS:
            return self._page(
                request, rectification_id, error="未知的操作。", status=400
            )
        try:
            r = rectification_get_for_user(
                user=request.user, rectification_id=rectification_id
            )
        except ApplicationError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from None
            return _forbidden(request, exc.message)
        form_cls, call, label = STEPS[step]
        form = form_cls(request.POST, request.FILES)
        if not form.is_valid():
            return self._page(request, rectification_id, bound=(step, form), status=400)
        try:
            call(r, request.user, form.cleaned_data)
        except ApplicationError as exc:
            return self._page(
                request,
                rectification_id,
                bound=(step, form),
                error=exc.message,
                status=exc.status,
            )
        messages.success(request, f"已{label}。")
        return redirect(
            "workbench:feedback-rectification", rectification_id=rectification_id
        )


class BindForm(forms.Form):
    counter = forms.ModelChoiceField(
        label="窗口",
        queryset=Counter.objects.filter(is_active=True)
        .select_related("hall")
        .order_by("hall", "number"),
    )
    name = forms.CharField(label="设备名称（可选）", required=False, max_length=100)


class RaterDeviceBindView(StaffRequiredMixin, View):
    """Bind this browser (a tablet) as a counter's rater device (评价器)."""

    def _page(
        self, request: HttpRequest, form: forms.Form, status: int = 200
    ) -> HttpResponse:
        devices = (
            RaterDevice.objects.filter(is_active=True)
            .select_related("counter")
            .order_by("counter__number")
        )
        return render(
            request,
            TEMPLATES + "devices.html",
            {"form": form, "devices": devices},
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        if not permissions.can_bind_device(request.user):
            return _forbidden(request, "评价器由中心管理员或监察人员绑定。")
        return self._page(request, BindForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = BindForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, status=400)
        try:
            device = device_bind(
                actor=request.user,
                counter=form.cleaned_data["counter"],
                name=form.cleaned_data["name"],
            )
        except ApplicationError as exc:
            return _forbidden(request, exc.message)
        response = redirect("portal:feedback-rater")
        response.set_cookie(
            DEVICE_COOKIE,
            device.token,
            max_age=DEVICE_COOKIE_AGE,
            httponly=True,
            samesite="Strict",
            secure=not settings.DEBUG and request.is_secure(),
        )
        messages.success(
            request,
            f"本设备已绑定为{device.counter.number}号窗口的评价器。请退出工作人员登录后交给群众使用。",
        )
        return response
