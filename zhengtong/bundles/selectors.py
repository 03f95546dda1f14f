"""
Reads of bundles with their visibility rules.

中文：一件事查询
"""

from typing import Any

from django.db.models import QuerySet

from zhengtong.cases.models import Case
from zhengtong.cases.permissions import case_visibility_q
from zhengtong.core.errors import NotFoundError

from .models import BundleApplication
from .permissions import NOT_VISIBLE, application_visibility_q


def bundle_application_list_for_user(*, user: Any) -> QuerySet[BundleApplication]:
    """
    Return the bundle applications ``user`` may see, newest first.

    中文：一件事申请列表
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return BundleApplication.objects.none()
    qs = BundleApplication.objects.select_related("bundle")
    q = application_visibility_q(user)
    if q is not None:
        qs = qs.filter(q).distinct()
    return qs.order_by("-id")


def bundle_application_get_for_user(
    *, user: Any, application_id: Any
) -> BundleApplication:
    """
    Return the application if ``user`` may see it, else raise NotFoundError.

    中文：获取一件事申请（含权限）
    """
    try:
        pk = int(application_id)
    except (TypeError, ValueError):
        raise NotFoundError(NOT_VISIBLE) from None
    found = bundle_application_list_for_user(user=user).filter(pk=pk).first()
    if found is None:
        raise NotFoundError(NOT_VISIBLE)
    return found


def bundle_sub_cases_for_user(
    *, user: Any, application: BundleApplication
) -> list[Case]:
    """
    Return the sub-cases of ``application`` that ``user`` may see, in order.

    中文：一件事子办件（含权限）
    """
    qs = Case.objects.filter(bundle_link__application=application).select_related(
        "item", "department"
    )
    q = case_visibility_q(user)
    if q is not None:
        qs = qs.filter(q)
    return list(qs.order_by("bundle_link__order", "id"))


def bundle_material_rows(*, cases: list[Case]) -> list[dict[str, Any]]:
    """
    Return the files of ``cases`` once each (a shared file filed with several
    sub-cases is one row naming them all).

    中文：一件事材料（共用材料合并）
    """
    from zhengtong.cases.models import CaseMaterial

    numbers = {case.pk: case.number for case in cases}
    rows: dict[str, dict[str, Any]] = {}
    for material in CaseMaterial.objects.filter(case_id__in=numbers).order_by("id"):
        row = rows.setdefault(
            material.file.name or "",
            {
                "name": material.name,
                "original_name": material.original_name,
                "size": material.size,
                "first_id": material.pk,
                "cases": [],
            },
        )
        row["cases"].append(numbers[material.case_id])
    return list(rows.values())
