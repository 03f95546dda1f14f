"""Registration, SMS codes, login by SMS code, password reset, 实名认证."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

import pytest
import time_machine

from zhengtong.accounts.constants import IdentityStatus, Role
from zhengtong.accounts.services import agent_authorize, user_create
from zhengtong.accounts.services_public import sms_code_send, sms_code_verify
from zhengtong.accounts.verification import VerificationResult
from zhengtong.core.errors import ApplicationError
from zhengtong.core.sms import ConsoleSmsBackend

pytestmark = pytest.mark.django_db
User = get_user_model()
MOMENT = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
PHONE = "13912345678"
VALID_ID = "11010519491231002X"
BAD_CHECK_ID = "110105194912310021"  # last character should be X
VALID_CREDIT = "91350100M000100Y43"
BAD_CREDIT = "91350100M000100Y44"


@pytest.fixture(autouse=True)
def _frozen_day():
    ConsoleSmsBackend.sent.clear()
    with time_machine.travel(MOMENT, tick=False) as traveller:
        yield traveller


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """POST the form with do=send and return the code the SMS carried."""

    def _send(url: str, data: dict) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            r = client.post(url, {**data, "do": "send"})
        assert r.status_code == 200, r.content.decode()
        assert "验证码已发送" in r.content.decode()
        phone, text = ConsoleSmsBackend.sent[-1]
        assert phone == data["phone"]
        return re.search(r"验证码为(\d{6})", text).group(1)

    return _send


def person(**extra) -> dict:
    return {
        "subject_kind": "person",
        "display_name": "周小梅",
        "id_type": "resident_id",
        "id_number": VALID_ID,
        "phone": PHONE,
        "password1": "a-long-pass-1",
        "password2": "a-long-pass-1",
        **extra,
    }


def enterprise(**extra) -> dict:
    fields = {
        "subject_kind": "enterprise",
        "org_name": "安阳市示例商贸有限公司",
        "credit_code": VALID_CREDIT,
    }
    return person(**{**fields, **extra})


# -- registration -----------------------------------------------------------


def test_a_person_registers_and_is_self_declared(client, send):
    code = send("/accounts/register/", person())
    r = client.post("/accounts/register/", {**person(), "code": code})
    assert r.status_code == 302 and r["Location"] == "/accounts/verify/"
    user = User.objects.get(username=PHONE)
    assert user.phone == PHONE and user.id_number == VALID_ID
    assert user.has_role(Role.APPLICANT)
    assert user.identity_status == IdentityStatus.SELF_DECLARED
    assert client.get("/accounts/verify/").status_code == 200  # signed in


def test_bad_id_check_digit_is_refused_in_chinese(client, send):
    code = send("/accounts/register/", person(id_number=BAD_CHECK_ID))
    r = client.post(
        "/accounts/register/", {**person(id_number=BAD_CHECK_ID), "code": code}
    )
    assert r.status_code == 400
    assert "居民身份证号码校验不通过" in r.content.decode()
    assert not User.objects.filter(username=PHONE).exists()


def test_an_enterprise_registers_with_its_credit_code(client, send):
    code = send("/accounts/register/", enterprise())
    r = client.post("/accounts/register/", {**enterprise(), "code": code})
    assert r.status_code == 302
    user = User.objects.get(username=PHONE)
    assert user.subject_kind == "enterprise" and user.credit_code == VALID_CREDIT
    assert user.subject_name == "安阳市示例商贸有限公司"


def test_bad_credit_code_is_refused(client, send):
    code = send("/accounts/register/", enterprise(credit_code=BAD_CREDIT))
    r = client.post(
        "/accounts/register/", {**enterprise(credit_code=BAD_CREDIT), "code": code}
    )
    assert r.status_code == 400
    assert "统一社会信用代码校验不通过" in r.content.decode()
    assert not User.objects.filter(username=PHONE).exists()


def test_registration_needs_the_code_sent_to_that_phone(client, send):
    send("/accounts/register/", person())
    r = client.post("/accounts/register/", {**person(), "code": "000000"})
    assert r.status_code == 400 and "验证码不正确" in r.content.decode()
    assert not User.objects.filter(username=PHONE).exists()


def test_a_registered_phone_or_id_cannot_register_again(client, send):
    user_create(username="old", password="pw-123456", phone=PHONE)
    code = send("/accounts/register/", person())
    r = client.post("/accounts/register/", {**person(), "code": code})
    assert r.status_code == 409 and "该手机号已注册" in r.content.decode()


def test_a_walk_in_account_with_the_same_phone_is_claimed(client, send):
    from zhengtong.accounts.services import applicant_walk_in_get_or_create

    walk_in = applicant_walk_in_get_or_create(
        display_name="周小梅", id_number=VALID_ID, phone=PHONE
    )
    code = send("/accounts/register/", person())
    r = client.post("/accounts/register/", {**person(), "code": code})
    assert r.status_code == 302
    walk_in.refresh_from_db()
    assert walk_in.username == PHONE and walk_in.check_password("a-long-pass-1")
    assert User.objects.filter(id_number=VALID_ID).count() == 1


# -- SMS codes --------------------------------------------------------------


def test_codes_are_rate_limited_per_phone(_frozen_day):
    sms_code_send(phone=PHONE, purpose="login")
    with pytest.raises(ApplicationError) as exc:
        sms_code_send(phone=PHONE, purpose="login")
    assert exc.value.code == "sms_rate_limited" and exc.value.status == 429
    for _ in range(4):
        _frozen_day.shift(timedelta(seconds=61))
        sms_code_send(phone=PHONE, purpose="login")
    _frozen_day.shift(timedelta(seconds=61))
    with pytest.raises(ApplicationError) as exc:  # 5 an hour
        sms_code_send(phone=PHONE, purpose="login")
    assert "一小时内" in exc.value.message
    sms_code_send(phone="13900000000", purpose="login")  # another phone is fine


def test_a_code_allows_five_wrong_tries_then_lapses():
    code = sms_code_send(phone=PHONE, purpose="login").code
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ApplicationError) as exc:
            sms_code_verify(phone=PHONE, purpose="login", code=wrong)
        assert exc.value.code == "sms_code_invalid"
    with pytest.raises(ApplicationError) as exc:
        sms_code_verify(phone=PHONE, purpose="login", code=code)
    assert exc.value.code == "sms_code_expired"


def test_a_code_is_for_one_use_and_one_purpose():
    code = sms_code_send(phone=PHONE, purpose="login").code
    with pytest.raises(ApplicationError):
        sms_code_verify(phone=PHONE, purpose="reset", code=code)
    sms_code_verify(phone=PHONE, purpose="login", code=code)
    with pytest.raises(ApplicationError) as exc:
        sms_code_verify(phone=PHONE, purpose="login", code=code)
    assert exc.value.code == "sms_code_expired"


# -- login by SMS code --------------------------------------------------------


@pytest.fixture
def applicant():
    return user_create(
        username=PHONE,
        password="old-pass-123",
        roles=[Role.APPLICANT],
        phone=PHONE,
    )


def test_sms_login_with_the_right_code(client, send, applicant):
    code = send("/accounts/login/sms/", {"phone": PHONE})
    r = client.post(
        "/accounts/login/sms/", {"phone": PHONE, "code": code, "next": "/cases/mine/"}
    )
    assert r.status_code == 302 and r["Location"] == "/cases/mine/"
    assert int(client.session["_auth_user_id"]) == applicant.pk


def test_sms_login_with_a_wrong_code(client, send, applicant):
    code = send("/accounts/login/sms/", {"phone": PHONE})
    wrong = "000000" if code != "000000" else "111111"
    r = client.post("/accounts/login/sms/", {"phone": PHONE, "code": wrong})
    assert r.status_code == 400
    assert "验证码不正确，还可再试4次" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_sms_login_with_an_expired_code(client, send, applicant, _frozen_day):
    code = send("/accounts/login/sms/", {"phone": PHONE})
    _frozen_day.shift(timedelta(minutes=5, seconds=1))
    r = client.post("/accounts/login/sms/", {"phone": PHONE, "code": code})
    assert r.status_code == 400 and "验证码已失效" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_sms_login_for_an_unknown_phone_sends_nothing(client):
    r = client.post("/accounts/login/sms/", {"phone": PHONE, "do": "send"})
    assert r.status_code == 400 and "该手机号未注册" in r.content.decode()
    assert ConsoleSmsBackend.sent == []


def test_sms_login_goes_only_to_a_safe_next(client, send, applicant):
    code = send("/accounts/login/sms/", {"phone": PHONE})
    r = client.post(
        "/accounts/login/sms/",
        {"phone": PHONE, "code": code, "next": "https://evil.example/"},
    )
    assert r.status_code == 302 and r["Location"] == "/start/"


# -- password reset -----------------------------------------------------------


def test_password_reset_by_sms_code(client, send, applicant):
    code = send("/accounts/password/reset/", {"phone": PHONE})
    r = client.post(
        "/accounts/password/reset/",
        {
            "phone": PHONE,
            "code": code,
            "password1": "new-pass-456",
            "password2": "new-pass-456",
        },
    )
    assert r.status_code == 302 and r["Location"] == "/accounts/login/"
    applicant.refresh_from_db()
    assert applicant.check_password("new-pass-456")
    assert not applicant.check_password("old-pass-123")
    r = client.post("/accounts/login/", {"username": PHONE, "password": "new-pass-456"})
    assert r.status_code == 302


def test_password_reset_refuses_a_wrong_code_and_keeps_the_password(
    client, send, applicant
):
    code = send("/accounts/password/reset/", {"phone": PHONE})
    r = client.post(
        "/accounts/password/reset/",
        {
            "phone": PHONE,
            "code": "000000" if code != "000000" else "111111",
            "password1": "new-pass-456",
            "password2": "new-pass-456",
        },
    )
    assert r.status_code == 400
    applicant.refresh_from_db()
    assert applicant.check_password("old-pass-123")


def test_password_reset_passwords_must_match(client, applicant):
    r = client.post(
        "/accounts/password/reset/",
        {"phone": PHONE, "code": "123456", "password1": "a-1234567", "password2": "b"},
    )
    assert r.status_code == 400 and "两次输入的密码不一致" in r.content.decode()


# -- 实名认证 and what self-declared accounts may do ------------------------------


class AlwaysVerifies:
    label = "测试认证服务"

    def verify(self, *, name, id_type, id_number, phone):
        return VerificationResult(
            status="verified", message="认证通过。", reference="T-1"
        )


@pytest.fixture
def registered(client, send):
    code = send("/accounts/register/", person())
    client.post("/accounts/register/", {**person(), "code": code})
    return User.objects.get(username=PHONE)


def test_the_default_verifier_keeps_the_account_self_declared(client, registered):
    r = client.post("/accounts/verify/")
    assert r.status_code == 302
    registered.refresh_from_db()
    assert registered.identity_status == IdentityStatus.SELF_DECLARED
    page = client.get("/accounts/verify/").content.decode()
    assert "自我声明" in page and "未接入实名认证服务" in page


def test_a_provider_plugs_in_by_setting(client, registered, settings):
    settings.ACCOUNTS_IDENTITY_VERIFIER = f"{__name__}.AlwaysVerifies"
    client.post("/accounts/verify/")
    registered.refresh_from_db()
    assert registered.identity_status == IdentityStatus.VERIFIED
    assert registered.identity_reference == "T-1"
    assert registered.identity_checked_at is not None


def test_a_self_declared_account_cannot_be_an_agent(registered):
    principal = user_create(username="p", password="pw-123456", roles=["applicant"])
    with pytest.raises(ApplicationError) as exc:
        agent_authorize(principal=principal, agent=registered, valid_from=MOMENT.date())
    assert exc.value.code == "agent_unverified"
