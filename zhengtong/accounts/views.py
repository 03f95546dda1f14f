"""
Public account pages: registration, login by SMS code, password reset by
SMS code, 实名认证. Pages work without JavaScript: "获取验证码" is a second
submit button of the same form (``do=send``), so what was typed stays.

Every rule is in ``services_public``; a refusal is shown at its field.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_phone

from .constants import IdentityStatus, SmsPurpose
from .forms import SEND, PasswordResetSmsForm, RegistrationForm, SmsLoginForm
from .services_public import (
    Registration,
    applicant_register,
    identity_verify,
    password_reset_by_sms,
    password_reset_code_send,
    sms_code_send,
    sms_login_authenticate,
    sms_login_code_send,
)

BACKEND = "django.contrib.auth.backends.ModelBackend"
# Which form field a refusal belongs to (else it is shown above the form).
ERROR_FIELDS = {
    "invalid_phone": "phone",
    "phone_registered": "phone",
    "phone_unknown": "phone",
    "phone_ambiguous": "phone",
    "sms_rate_limited": "phone",
    "sms_code_missing": "code",
    "sms_code_invalid": "code",
    "sms_code_expired": "code",
    "weak_password": "password1",
    "name_required": "display_name",
    "invalid_id_number": "id_number",
    "identity_registered": "id_number",
    "org_name_required": "org_name",
    "invalid_credit_code": "credit_code",
}


def _refusal_show(form: Any, exc: ApplicationError) -> int:
    field = ERROR_FIELDS.get(exc.code)
    form.add_error(field if field in form.fields else None, exc.message)
    return exc.status if exc.status in (400, 409, 429) else 400


def _sent_notice(phone: str, code: str = "") -> str:
    text = f"验证码已发送至 {mask_phone(phone)}，请在5分钟内填写。"
    if code and getattr(settings, "ACCOUNTS_SMS_CODE_ON_PAGE", False):
        text += f"（演示环境未接短信网关，验证码：{code}）"
    return text


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class RegisterView(View):
    """Register as a person or an enterprise (中文：注册)."""

    template = "accounts/register.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template, {"form": RegistrationForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        sending = request.POST.get("do") == SEND
        form = RegistrationForm(request.POST, sending=sending)
        context: dict[str, Any] = {"form": form}
        if not form.is_valid():
            return render(request, self.template, context, status=400)
        data = form.cleaned_data
        try:
            if sending:
                sent = sms_code_send(phone=data["phone"], purpose=SmsPurpose.REGISTER)
                context["notice"] = _sent_notice(sent.phone, sent.code)
                return render(request, self.template, context)
            user = applicant_register(
                data=Registration(
                    phone=data["phone"],
                    password=data["password1"],
                    display_name=data["display_name"],
                    subject_kind=data["subject_kind"],
                    id_type=data["id_type"],
                    id_number=data["id_number"],
                    org_name=data["org_name"],
                    credit_code=data["credit_code"],
                ),
                code=data["code"],
            )
        except ApplicationError as exc:
            status = _refusal_show(form, exc)
            return render(request, self.template, context, status=status)
        login(request, user, backend=BACKEND)
        messages.success(
            request, f"注册成功，今后可用手机号 {mask_phone(user.phone)} 登录。"
        )
        return redirect("accounts:verify")


class SmsLoginView(View):
    """Log in with a code sent to the registered phone (中文：短信验证码登录)."""

    template = "accounts/login_sms.html"

    def _render(self, request, form, status=200, **extra) -> HttpResponse:
        context = {"form": form, "next": _next_url(request), **extra}
        return render(request, self.template, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, SmsLoginForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        sending = request.POST.get("do") == SEND
        form = SmsLoginForm(request.POST, sending=sending)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        try:
            if sending:
                sent = sms_login_code_send(phone=data["phone"])
                notice = _sent_notice(sent.phone, sent.code)
                return self._render(request, form, notice=notice)
            user = sms_login_authenticate(phone=data["phone"], code=data["code"])
        except ApplicationError as exc:
            return self._render(request, form, status=_refusal_show(form, exc))
        login(request, user, backend=BACKEND)
        return redirect(_next_url(request))


class PasswordResetView(View):
    """Set a new password after an SMS code (中文：找回密码)."""

    template = "accounts/password_reset.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template, {"form": PasswordResetSmsForm()})

    def post(self, request: HttpRequest) -> HttpResponse:
        sending = request.POST.get("do") == SEND
        form = PasswordResetSmsForm(request.POST, sending=sending)
        context: dict[str, Any] = {"form": form}
        if not form.is_valid():
            return render(request, self.template, context, status=400)
        data = form.cleaned_data
        try:
            if sending:
                sent = password_reset_code_send(phone=data["phone"])
                context["notice"] = _sent_notice(sent.phone, sent.code)
                return render(request, self.template, context)
            password_reset_by_sms(
                phone=data["phone"], code=data["code"], password=data["password1"]
            )
        except ApplicationError as exc:
            status = _refusal_show(form, exc)
            return render(request, self.template, context, status=status)
        messages.success(request, "密码已重置，请用新密码登录。")
        return redirect("accounts:login")


class IdentityVerifyView(LoginRequiredMixin, View):
    """The account's 实名 status and the 实名认证 step (中文：实名认证)."""

    template = "accounts/verify.html"

    def _render(self, request, status=200, **extra) -> HttpResponse:
        user = request.user
        context = {
            "account": user,
            "status_label": IdentityStatus(user.identity_status).label,
            "self_declared": user.is_self_declared,
            **extra,
        }
        return render(request, self.template, context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        try:
            message = identity_verify(user=request.user)
        except ApplicationError as exc:
            return self._render(request, status=400, error=exc.message)
        messages.info(request, message)
        return redirect("accounts:verify")
