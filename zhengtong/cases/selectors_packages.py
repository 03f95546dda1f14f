"""
Reads of the 上报件 exchange between installations (PackageReceipt): what
this department took in, with the visibility of cases (permissions).
"""

from typing import Any

from .models_joint import PackageKind, PackageReceipt
from .permissions import case_visibility_terms, is_department_staff


def package_receipts_for_user(*, user: Any, limit: int = 50) -> list[PackageReceipt]:
    """
    Return the latest packages taken in (上报件收件, 上级决定) on cases ``user``
    may see: their department's, or every one for supervisors and centre
    admins; none for anyone else.

    中文：案卷包收件记录
    """
    qs = PackageReceipt.objects.select_related(
        "case", "case__item_version", "received_by"
    ).order_by("-received_at", "-id")
    if case_visibility_terms(user).sees_all:
        return list(qs[:limit])
    if not is_department_staff(user):
        return []
    return list(qs.filter(case__department_id=user.department_id)[:limit])


def case_origin_receipt(*, case: Any) -> PackageReceipt | None:
    """
    The receipt of the 上报件 package this case was created from (where it
    came from: the lower organ, its case number and opinion), or None.

    中文：上报件来源
    """
    return (
        PackageReceipt.objects.filter(case_id=case.pk, kind=PackageKind.REPORT)
        .order_by("id")
        .first()
    )
