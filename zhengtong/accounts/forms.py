"""The login forms (web and admin): django-axes counts, they show the lockout."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm

from .identity import IdType, SubjectKind
from .throttle import lock_message, login_is_locked_out


class _LockoutMessageMixin:
    """Show the lockout message when django-axes refused the attempt."""

    locked_message = ""

    def clean(self):
        try:
            return super().clean()  # type: ignore[misc]
        except forms.ValidationError:
            if login_is_locked_out(self.request):  # type: ignore[attr-defined]
                self.locked_message = lock_message()
                raise forms.ValidationError(
                    self.locked_message, code="login_locked"
                ) from None
            raise


class ThrottledAuthenticationForm(_LockoutMessageMixin, AuthenticationForm):
    """
    The web login form; locked after repeated failures (django-axes).

    中文：登录表单（失败锁定）
    """


class AdminLoginForm(_LockoutMessageMixin, AdminAuthenticationForm):
    """
    The admin login form; locked after repeated failures (django-axes).

    中文：管理后台登录表单（失败锁定）
    """


# -- public front: registration, SMS login, reset, 实名认证 --------------------

SEND = "send"  # the value of the "do" button that asks for a code


class _PhoneCodeForm(forms.Form):
    """A phone number and the SMS code sent to it (shape only)."""

    phone = forms.CharField(
        label="手机号",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    code = forms.CharField(
        label="短信验证码",
        max_length=6,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )

    def __init__(self, *args, sending: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sending = sending

    def clean_code(self) -> str:
        code = (self.cleaned_data.get("code") or "").strip()
        if not self.sending and not code:
            raise forms.ValidationError("请填写短信验证码。")
        return code


class _NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label="设置密码",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="至少8位。",
    )
    password2 = forms.CharField(
        label="再次输入密码",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if getattr(self, "sending", False):
            return data
        if not data.get("password1"):
            self.add_error("password1", "请设置密码。")
        elif data.get("password1") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return data


class RegistrationForm(_NewPasswordMixin, _PhoneCodeForm):
    """
    Register as a person or an enterprise (checks are in the service).

    中文：注册表单
    """

    subject_kind = forms.ChoiceField(
        label="注册类型",
        choices=SubjectKind.choices,
        initial=SubjectKind.PERSON,
        widget=forms.RadioSelect,
    )
    display_name = forms.CharField(
        label="姓名（企业填经办人姓名）", max_length=100, required=False
    )
    id_type = forms.ChoiceField(
        label="证件类型", choices=IdType.choices, initial=IdType.RESIDENT_ID
    )
    id_number = forms.CharField(label="证件号码", max_length=40, required=False)
    org_name = forms.CharField(label="企业（单位）名称", max_length=200, required=False)
    credit_code = forms.CharField(
        label="统一社会信用代码", max_length=18, required=False
    )
    field_order = [
        "subject_kind",
        "display_name",
        "id_type",
        "id_number",
        "org_name",
        "credit_code",
        "phone",
        "code",
        "password1",
        "password2",
    ]


class SmsLoginForm(_PhoneCodeForm):
    """中文：短信验证码登录表单"""


class PasswordResetSmsForm(_NewPasswordMixin, _PhoneCodeForm):
    """中文：短信验证码重置密码表单"""

    field_order = ["phone", "code", "password1", "password2"]
