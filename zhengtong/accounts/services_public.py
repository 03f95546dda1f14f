"""
Services of the public front: SMS codes, registration, login by SMS code,
password reset by SMS code, 实名认证.

Codes (``SmsCode``) are six digits, stored as a hash, good for one use,
for ``ACCOUNTS_SMS_CODE_SECONDS`` (default 300 s) and for at most
``ACCOUNTS_SMS_CODE_ATTEMPTS`` wrong tries (default 5). A phone gets at
most one code a minute and ``ACCOUNTS_SMS_CODES_PER_HOUR`` (default 5) an
hour. Messages go through ``core.sms`` (the console backend by default).
"""

import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_id_number, mask_phone
from zhengtong.core.sms import sms_send

from .constants import IdentityStatus, Role, SmsPurpose
from .identity import IdType, SubjectKind
from .models import SmsCode, User
from .services import _identity_check, user_create
from .verification import verifier_get

PHONE_LENGTH = 11


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def phone_normalize(phone: str) -> str:
    """
    Return a mainland mobile number (11 digits starting with 1) or raise.

    中文：手机号检查
    """
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if len(phone) != PHONE_LENGTH or not phone.isdigit() or phone[0] != "1":
        raise ApplicationError("invalid_phone", "请填写11位手机号码。")
    return phone


def _code_hash(phone: str, purpose: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{phone}|{purpose}|{code}".encode(), "sha256").hexdigest()


# -- SMS codes --------------------------------------------------------------


@dataclass(frozen=True)
class SentCode:
    """
    A code just sent: the phone, the code itself (for a demo page only, see
    ``ACCOUNTS_SMS_CODE_ON_PAGE``) and when it lapses.

    中文：已发送的验证码
    """

    phone: str
    code: str
    row: SmsCode


@transaction.atomic
def sms_code_send(*, phone: str, purpose: str) -> SentCode:
    """
    Send a new six-digit code to ``phone``; earlier unused codes lapse.

    Refused (429 ``sms_rate_limited``) within a minute of the last code or
    past the hourly limit of the phone.

    中文：发送短信验证码
    """
    phone = phone_normalize(phone)
    if purpose not in SmsPurpose.values:
        raise ApplicationError("invalid_purpose", "验证码用途无效。")
    now = timezone.now()
    recent = SmsCode.objects.select_for_update().filter(
        phone=phone, created_at__gte=now - timedelta(hours=1)
    )
    times = sorted((c.created_at for c in recent), reverse=True)
    interval = _setting("ACCOUNTS_SMS_CODE_INTERVAL_SECONDS", 60)
    if times and (now - times[0]).total_seconds() < interval:
        wait = interval - int((now - times[0]).total_seconds())
        raise ApplicationError(
            "sms_rate_limited", f"验证码发送过于频繁，请{wait}秒后再试。", status=429
        )
    if len(times) >= _setting("ACCOUNTS_SMS_CODES_PER_HOUR", 5):
        raise ApplicationError(
            "sms_rate_limited",
            "该手机号一小时内获取验证码次数已达上限，请稍后再试。",
            status=429,
        )
    SmsCode.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True).update(
        used_at=now
    )
    code = f"{secrets.randbelow(10**6):06d}"
    seconds = _setting("ACCOUNTS_SMS_CODE_SECONDS", 300)
    row = SmsCode.objects.create(
        phone=phone,
        purpose=purpose,
        code_hash=_code_hash(phone, purpose, code),
        created_at=now,
        expires_at=now + timedelta(seconds=seconds),
    )
    label = SmsPurpose(purpose).label
    text = (
        f"【{settings.SITE_NAME}】您的{label}验证码为{code}，"
        f"{max(1, seconds // 60)}分钟内有效。如非本人操作，请忽略本短信。"
    )
    transaction.on_commit(lambda: sms_send(phone, text))
    audit_record(
        action="sms_code_send",
        obj=row,
        actor=None,
        details={"phone": mask_phone(phone), "purpose": purpose},
        new_stream=True,
    )
    return SentCode(phone=phone, code=code, row=row)


def sms_code_verify(*, phone: str, purpose: str, code: str) -> None:
    """
    Use up the latest code of ``phone`` for ``purpose`` if ``code`` is it.

    Raises ``sms_code_invalid`` (wrong; counts a try), ``sms_code_expired``
    (too old, used up, or too many wrong tries) or ``sms_code_missing``.

    中文：校验短信验证码
    """
    phone = phone_normalize(phone)
    code = (code or "").strip()
    with transaction.atomic():
        row = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose)
            .order_by("-created_at", "-pk")
            .first()
        )
        if row is None:
            raise ApplicationError("sms_code_missing", "请先获取短信验证码。")
        now = timezone.now()
        limit = _setting("ACCOUNTS_SMS_CODE_ATTEMPTS", 5)
        if row.used_at is not None or row.expires_at <= now or row.attempts >= limit:
            raise ApplicationError(
                "sms_code_expired", "验证码已失效，请重新获取。", status=400
            )
        if not hmac.compare_digest(row.code_hash, _code_hash(phone, purpose, code)):
            row.attempts += 1
            row.save(update_fields=["attempts"])
            left = limit - row.attempts
            message = (
                f"验证码不正确，还可再试{left}次。"
                if left > 0
                else "验证码错误次数过多，已失效，请重新获取。"
            )
            # committed on purpose: the wrong try counts even though we refuse
            wrong = ApplicationError("sms_code_invalid", message)
        else:
            row.used_at = now
            row.save(update_fields=["used_at"])
            return
    raise wrong


# -- registration -----------------------------------------------------------


@dataclass(frozen=True)
class Registration:
    """
    What a person fills in to register (person or enterprise).

    中文：注册信息
    """

    phone: str
    password: str
    display_name: str
    subject_kind: str = SubjectKind.PERSON
    id_type: str = IdType.RESIDENT_ID
    id_number: str = ""
    org_name: str = ""
    credit_code: str = ""


def _password_check(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise ApplicationError("weak_password", "；".join(exc.messages)) from exc


def applicant_register(*, data: Registration, code: str) -> User:
    """
    Create a self-registered applicant account (自我声明); the username is
    the phone number, which the SMS ``code`` proves.

    A walk-in account made at the counter for the same ID number or credit
    code, with the same phone, is claimed instead of duplicated.

    中文：申请人注册
    """
    phone = phone_normalize(data.phone)
    name = (data.display_name or "").strip()
    if not name:
        raise ApplicationError("name_required", "请填写姓名。")
    id_number = (data.id_number or "").strip()
    credit_code = (data.credit_code or "").strip().upper()
    _identity_check(
        subject_kind=data.subject_kind,
        id_type=data.id_type,
        id_number=id_number,
        org_name=data.org_name.strip(),
        credit_code=credit_code,
    )
    _password_check(data.password)
    same_phone = User.objects.filter(Q(username=phone) | Q(phone=phone))
    if any(u.has_usable_password() or u.username == phone for u in same_phone):
        raise ApplicationError(
            "phone_registered",
            "该手机号已注册，请直接登录；忘记密码可通过短信验证码重置。",
            status=409,
        )
    if data.subject_kind == SubjectKind.ENTERPRISE:
        same = User.objects.filter(
            subject_kind=SubjectKind.ENTERPRISE, credit_code=credit_code
        )
    else:
        same = User.objects.filter(id_type=data.id_type, id_number=id_number)
    existing = same.first()
    if existing is not None and (
        existing.has_usable_password() or existing.phone != phone
    ):
        raise ApplicationError(
            "identity_registered",
            "该证件已有账号。如非本人注册，请携带证件到政务服务中心窗口处理。",
            status=409,
        )
    sms_code_verify(phone=phone, purpose=SmsPurpose.REGISTER, code=code)
    with transaction.atomic():
        if existing is not None:  # a walk-in account of the same person and phone
            user = existing
            user.username = phone
            user.set_password(data.password)
            user.save(update_fields=["username", "password"])
            audit_record(
                action="applicant_account_claim",
                obj=user,
                actor=user,
                details={"phone": mask_phone(phone)},
            )
            return user
        user = user_create(
            username=phone,
            password=data.password,
            roles=[Role.APPLICANT],
            display_name=name,
            phone=phone,
            actor=None,
        )
        user.subject_kind = data.subject_kind
        user.id_type = data.id_type if id_number else ""
        user.id_number = id_number
        user.org_name = (
            data.org_name.strip() if data.subject_kind == SubjectKind.ENTERPRISE else ""
        )
        user.credit_code = (
            credit_code if data.subject_kind == SubjectKind.ENTERPRISE else ""
        )
        user.identity_status = IdentityStatus.SELF_DECLARED
        user.save()
        audit_record(
            action="applicant_register",
            obj=user,
            actor=user,
            details={
                "phone": mask_phone(phone),
                "subject_kind": data.subject_kind,
                "id_number": mask_id_number(id_number),
                "credit_code": user.credit_code,
            },
        )
    return user


# -- login and reset by SMS code ---------------------------------------------


def _account_for_phone(phone: str) -> User:
    users = list(User.objects.filter(phone=phone, is_active=True)[:2])
    if not users:
        raise ApplicationError("phone_unknown", "该手机号未注册，请先注册。")
    if len(users) > 1:
        raise ApplicationError(
            "phone_ambiguous",
            "该手机号绑定了多个账号，请使用用户名和密码登录。",
            status=409,
        )
    return users[0]


def sms_login_code_send(*, phone: str) -> SentCode:
    """
    Send a login code when the phone belongs to exactly one active account.

    中文：发送登录验证码
    """
    phone = phone_normalize(phone)
    _account_for_phone(phone)
    return sms_code_send(phone=phone, purpose=SmsPurpose.LOGIN)


def sms_login_authenticate(*, phone: str, code: str) -> User:
    """
    Return the account of ``phone`` when ``code`` is its current login code.

    中文：短信验证码登录
    """
    phone = phone_normalize(phone)
    user = _account_for_phone(phone)
    sms_code_verify(phone=phone, purpose=SmsPurpose.LOGIN, code=code)
    audit_record(
        action="login_by_sms",
        obj=user,
        actor=user,
        details={"phone": mask_phone(phone)},
    )
    return user


def password_reset_code_send(*, phone: str) -> SentCode:
    """
    Send a reset code to the phone of exactly one active account.

    中文：发送重置密码验证码
    """
    phone = phone_normalize(phone)
    _account_for_phone(phone)
    return sms_code_send(phone=phone, purpose=SmsPurpose.RESET)


def password_reset_by_sms(*, phone: str, code: str, password: str) -> User:
    """
    Set a new password for the account of ``phone`` after the SMS code.

    中文：短信验证码重置密码
    """
    phone = phone_normalize(phone)
    user = _account_for_phone(phone)
    _password_check(password, user)
    # not inside one transaction with the check: a wrong try must stay counted
    sms_code_verify(phone=phone, purpose=SmsPurpose.RESET, code=code)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(
            action="password_reset_by_sms",
            obj=user,
            actor=user,
            details={"phone": mask_phone(phone)},
        )
    return user


# -- 实名认证 ------------------------------------------------------------------


@transaction.atomic
def identity_verify(*, user: User) -> str:
    """
    Ask the configured verifier about ``user``'s name and ID; record the
    outcome. Returns the message for the person.

    A verifier that refuses (status "") leaves the account as it was.

    中文：实名认证
    """
    if not user.id_number and not user.credit_code:
        raise ApplicationError("id_number_required", "请先登记证件号码。")
    result = verifier_get().verify(
        name=user.display_name,
        id_type=user.id_type,
        id_number=user.id_number or user.credit_code,
        phone=user.phone,
    )
    before = user.identity_status
    if result.status in IdentityStatus.values:
        user.identity_status = result.status
        user.identity_reference = result.reference[:100]
        if result.status == IdentityStatus.VERIFIED:
            user.identity_checked_at = timezone.now()
        user.save(
            update_fields=[
                "identity_status",
                "identity_reference",
                "identity_checked_at",
            ]
        )
    audit_record(
        action="identity_verify",
        obj=user,
        actor=user,
        from_state=before,
        to_state=user.identity_status,
        details={"reference": result.reference, "accepted": bool(result.status)},
    )
    return result.message
