"""Mask personal data for lists, logs and public pages."""


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
