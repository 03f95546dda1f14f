"""The web login form with lockout after repeated failures."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from zhengtong.core.errors import ApplicationError

from .throttle import (
    client_ip,
    login_check_not_locked,
    login_failure_record,
    login_success_record,
)


class ThrottledAuthenticationForm(AuthenticationForm):
    """
    Refuse logins while locked; count failures.

    中文：登录表单（失败锁定）
    """

    locked_message = ""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = client_ip(self.request)
        try:
            login_check_not_locked(username=username, ip=ip)
        except ApplicationError as exc:
            self.locked_message = exc.message
            raise forms.ValidationError(exc.message, code="login_locked") from exc
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_failure_record(username=username, ip=ip)
            raise
        login_success_record(username=username, ip=ip)
        return cleaned
