"""Mask personal data for lists, logs and public pages."""

import re


def mask_id_number(value: str | None) -> str:
    """Return an ID number with the middle hidden: 5116**********1234."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= 8:
        return value[:1] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str:
    """Return a phone number with the middle four digits hidden: 138****5678."""
    if not value:
        return ""
    value = str(value)
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "****" + value[-4:]


def mask_name(value: str | None) -> str:
    """Return a person's name with all but the first character hidden: 张**."""
    if not value:
        return ""
    return value[0] + "*" * (len(value) - 1)


def mask_address(value: str | None) -> str:
    """Return an address with all but its first six characters hidden: 四川省成都市****."""
    if not value:
        return ""
    value = str(value).strip()
    keep = 6 if len(value) > 8 else max(1, len(value) // 3)
    return value[:keep] + "*" * 4


_NUMBERS = re.compile(r"\d{17}[\dXx]|\d{15}|\d{7,14}")


def _mask_number(match: re.Match[str]) -> str:
    text = match.group(0)
    return mask_id_number(text) if len(text) >= 15 else mask_phone(text)


def mask_text(value: str | None) -> str:
    """
    Return free text with the ID and phone numbers in it masked (public pages).

    Runs of 15–18 ID characters go through ``mask_id_number``, runs of 7–14
    digits (phones, landlines) through ``mask_phone``.
    """
    if not value:
        return ""
    return _NUMBERS.sub(_mask_number, str(value))
