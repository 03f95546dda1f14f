"""
Check unified social credit codes (统一社会信用代码, GB 32100-2015).

Real data carries many codes that fail the check; callers flag them and keep
the record (domain-rules §3.5).
"""

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUES = {ch: i for i, ch in enumerate(CHARSET)}


def credit_code_check_char(body: str) -> str | None:
    """
    Return the check character for the first 17 characters, or None.

    None means the body is not 17 characters of the official charset.

    中文：计算统一社会信用代码校验位
    """
    if len(body) != 17:
        return None
    total = 0
    for ch, weight in zip(body, WEIGHTS, strict=True):
        value = _VALUES.get(ch)
        if value is None:
            return None
        total += value * weight
    return CHARSET[(31 - total % 31) % 31]


def credit_code_is_valid(code: str | None) -> bool:
    """
    Return True when ``code`` is an 18-character code with a correct check.

    The comparison is exact: lower-case letters are not accepted, because the
    standard uses upper case only and the stored code is never altered.

    中文：统一社会信用代码校验
    """
    if not code or len(code) != 18:
        return False
    return credit_code_check_char(code[:17]) == code[17]


def credit_code_state(code: str | None) -> bool | None:
    """
    Return None for an empty code, else whether it passes the check.

    中文：信用代码校验状态（空／通过／不通过）
    """
    code = (code or "").strip()
    if not code:
        return None
    return credit_code_is_valid(code)
