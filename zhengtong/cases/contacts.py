"""
The applicant's contact details on staff pages: masked, revealed on request.

A case keeps two phone numbers: the one on the applicant's account at
submission (``applicant_phone``, the walk-in number at the counter) and the
one the applicant typed into the online form (``form_data.contact_phone``).
The address is the one typed into the form (online or at the counter,
``form_data.contact_address``). Staff see them masked; revealing one full
value is a deliberate act written to the case's audit chain
(``contact_revealed``, with the actor and which value).
"""

from dataclasses import dataclass

from zhengtong.accounts.models import User
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.core.masking import mask_address, mask_id_number, mask_phone

from . import permissions
from .models import Case

REVEALED_EVENT = "contact_revealed"


@dataclass(frozen=True)
class Contact:
    """One contact value of a case: masked as staff see it first, or in full."""

    field: str
    label: str
    value: str
    masked: bool = True


def _phone_online(case: Case) -> str:
    return str((case.form_data or {}).get("contact_phone") or "").strip()


def _address(case: Case) -> str:
    return str((case.form_data or {}).get("contact_address") or "").strip()


def _values(case: Case) -> dict[str, tuple[str, str, str]]:
    """Return field → (label, full value, masked value); empty values left out."""
    account_phone = (case.applicant_phone or "").strip()
    online_phone = _phone_online(case)
    values = {
        "id_number": (
            "证件号码",
            case.applicant_id_number,
            mask_id_number(case.applicant_id_number),
        ),
        "phone": (
            "申请表联系电话" if online_phone else "联系电话",
            online_phone or account_phone,
            mask_phone(online_phone or account_phone),
        ),
        "account_phone": (
            "账户手机号",
            account_phone if online_phone and account_phone != online_phone else "",
            mask_phone(account_phone),
        ),
        "address": ("联系地址", _address(case), mask_address(_address(case))),
    }
    return {field: v for field, v in values.items() if v[1]}


CONTACT_FIELDS = ("id_number", "phone", "account_phone", "address")


def case_contacts(*, case: Case) -> list[Contact]:
    """
    Return the applicant's contact values of ``case``, masked, in page order.

    中文：申请人联系方式（脱敏）
    """
    return [
        Contact(field=field, label=label, value=masked)
        for field, (label, _full, masked) in _values(case).items()
    ]


def can_reveal_contact(*, user: User, case: Case) -> bool:
    """
    Return True when ``user`` is staff who may see ``case``.

    中文：可否查看完整联系方式
    """
    return permissions.is_staff_member(user) and permissions.can_see_case(
        user=user, case=case
    )


def case_contact_reveal(*, case: Case, actor: User, field: str) -> Contact:
    """
    Return one full contact value of ``case`` and record who looked at it.

    Staff who may see the case only (others get "not found", as for the
    case itself); the audit event names the actor and the field, never the
    value.

    中文：查看申请人完整联系方式（留痕）
    """
    permissions.access_case(user=actor, case=case)
    if not can_reveal_contact(user=actor, case=case):
        raise ApplicationError(
            "not_permitted",
            "只有可查看该办件的工作人员才能查看完整联系方式。",
            status=403,
        )
    values = _values(case)
    if field not in values:
        raise NotFoundError("该办件没有这项联系方式。")
    label, full, _masked = values[field]
    audit_record(
        action=REVEALED_EVENT,
        obj=case,
        actor=actor,
        details={"field": field, "label": label},
    )
    return Contact(field=field, label=label, value=full, masked=False)
