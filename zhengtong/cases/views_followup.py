"""
Applicant page parts of issue 11: the 收件凭证 download and handing in the
materials a 容缺受理 let the applicant bring later.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from zhengtong.core.errors import ApplicationError, NotFoundError

from . import selectors
from .constants import DocumentKind
from .forms import ToleranceSupplyForm, material_field_name
from .services_tolerance import (
    case_tolerance_supply,
    tolerance_missing_materials,
    tolerance_supply_offered,
)
from .views import CaseDetailView, error_status


def followup_context(request: HttpRequest, detail, form=None) -> dict[str, Any]:
    """Return the receipt and the 容缺 form the applicant's case page shows."""
    case = detail.case
    receipt = next(
        (d for d in reversed(detail.documents) if d.kind == DocumentKind.RECEIPT),
        None,
    )
    offered = tolerance_supply_offered(case=case, user=request.user)
    materials = tolerance_missing_materials(case=case) if offered else []
    if offered and form is None:
        form = ToleranceSupplyForm(materials=materials)
    return {
        "receipt": receipt,
        "tolerance_offered": offered,
        "tolerance_form": form,
        "tolerance_rows": [
            {"material": m, "field": form[material_field_name(m.pk)]} for m in materials
        ]
        if form is not None
        else [],
    }


class CaseToleranceSupplyView(CaseDetailView):
    """Hand in tolerated 容缺 materials from the applicant's case page."""

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        try:
            detail = selectors.case_detail_get(user=request.user, case_id=case_id)
        except NotFoundError:
            raise Http404("办件不存在或无权查看。") from None
        materials = tolerance_missing_materials(case=detail.case)
        form = ToleranceSupplyForm(request.POST, request.FILES, materials=materials)
        if not form.is_valid():
            return self.render_page(request, case_id, tolerance_form=form, status=400)
        try:
            case_tolerance_supply(
                case=detail.case,
                actor=request.user,
                files=form.material_files(),
                note=form.cleaned_data.get("note", ""),
            )
        except ApplicationError as exc:
            return self.render_page(
                request,
                case_id,
                tolerance_form=form,
                error=exc.message,
                status=error_status(exc),
            )
        messages.success(request, "容缺材料已提交。")
        return redirect("cases:detail", case_id=case_id)
