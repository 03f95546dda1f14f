"""
Check identity documents of applicants.

居民身份证 numbers follow GB 11643-1999: 17 digits and a check character
(ISO 7064 MOD 11-2). Enterprises carry a 统一社会信用代码 (GB 32100-2015).
"""

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

try:  # written by the catalogue engineer; fall back to a local copy if absent
    from zhengtong.catalog.credit import credit_code_is_valid
except ImportError:  # pragma: no cover - only while catalog.credit is missing
    _CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    _WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

    def credit_code_is_valid(code: str | None) -> bool:
        """Return True when ``code`` is a credit code with a correct check."""
        if not code or len(code) != 18:
            return False
        try:
            total = sum(
                _CHARSET.index(ch) * w
                for ch, w in zip(code[:17], _WEIGHTS, strict=True)
            )
        except ValueError:
            return False
        return _CHARSET[(31 - total % 31) % 31] == code[17]


class SubjectKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人或其他组织")


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    FOREIGN_PERMANENT = "foreign_permanent", _("外国人永久居留身份证")
    OTHER = "other", _("其他有效证件")


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_number_check_char(body: str) -> str | None:
    """
    Return the GB 11643 check character of 17 digits, or None.

    中文：计算身份证校验码
    """
    if len(body) != 17 or not body.isdigit():
        return None
    total = sum(int(ch) * w for ch, w in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def id_number_is_valid(value: str | None) -> bool:
    """
    Return True for an 18-character 居民身份证 number with a correct check.

    The birth date (characters 7–14) must be a real date; a lower-case ``x``
    is not accepted (the standard writes ``X``).

    中文：居民身份证号码校验
    """
    if not value or len(value) != 18:
        return False
    if id_number_check_char(value[:17]) != value[17]:
        return False
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return birth.year >= 1900


def id_document_problem(id_type: str, id_number: str) -> str:
    """
    Return a Chinese message describing what is wrong, or "" when fine.

    中文：证件号码检查
    """
    id_number = (id_number or "").strip()
    if id_type not in IdType.values:
        return "证件类型无效。"
    if not id_number:
        return "请填写证件号码。"
    if id_type == IdType.RESIDENT_ID:
        if len(id_number) != 18:
            return "居民身份证号码应为18位。"
        if not id_number_is_valid(id_number):
            return "居民身份证号码校验不通过，请核对（最后一位为校验码，X 须大写）。"
        return ""
    if len(id_number) < 5 or len(id_number) > 40:
        return "证件号码长度应为5至40个字符。"
    if not id_number.replace("-", "").isalnum():
        return "证件号码只能包含字母、数字和连字符。"
    return ""
