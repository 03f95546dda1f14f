"""
实名认证 behind one interface: a real provider plugs in by setting.

``ACCOUNTS_IDENTITY_VERIFIER`` names a class with a ``verify`` method (see
``IdentityVerifier``). The default, ``SelfDeclaredVerifier``, checks nothing
against an outside register: it records that the person declared their
identity (自我声明). A provider such as the national 可信身份认证 service
or a bank-card/face check returns ``verified`` with its reference number.
"""

from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from .constants import IdentityStatus

DEFAULT_VERIFIER = "zhengtong.accounts.verification.SelfDeclaredVerifier"


@dataclass(frozen=True)
class VerificationResult:
    """
    What a verifier found: the new status, a message for the person, the
    provider's reference (流水号) when it checked.

    中文：实名认证结果
    """

    status: str
    message: str
    reference: str = ""


class IdentityVerifier(Protocol):
    """
    Check that the name and ID number belong to the person at the keyboard.

    ``refused`` is a status too: return ``VerificationResult`` with status
    "" and a Chinese message when the provider says they do not match.

    中文：实名认证服务
    """

    label: str

    def verify(
        self, *, name: str, id_type: str, id_number: str, phone: str
    ) -> VerificationResult: ...


class SelfDeclaredVerifier:
    """
    No outside check: the account stays self-declared (自我声明).

    中文：自我声明（未接入实名认证服务）
    """

    label = "自我声明（本平台未接入实名认证服务）"

    def verify(
        self, *, name: str, id_type: str, id_number: str, phone: str
    ) -> VerificationResult:
        return VerificationResult(
            status=IdentityStatus.SELF_DECLARED,
            message=(
                "本平台尚未接入实名认证服务，您的身份信息已按自我声明登记。"
                "网上提交的申请将标注“身份未核验”，受理时窗口会核对证件原件。"
            ),
        )


def verifier_get() -> IdentityVerifier:
    """
    Return the configured verifier.

    中文：获取实名认证服务
    """
    path = getattr(settings, "ACCOUNTS_IDENTITY_VERIFIER", DEFAULT_VERIFIER)
    return import_string(path)()
