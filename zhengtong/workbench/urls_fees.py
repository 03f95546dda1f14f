"""workbench pages of fees (appended to workbench/urls.py)."""

from django.urls import path

from . import fees_views

urlpatterns: list = [
    path(
        "fees/cases/<int:case_id>/",
        fees_views.CaseFeesView.as_view(),
        name="fees-case",
    ),
    path(
        "fees/cases/<int:case_id>/<slug:action>/",
        fees_views.CaseFeeActionView.as_view(),
        name="fees-case-action",
    ),
    path("fees/refunds/", fees_views.RefundListView.as_view(), name="fees-refunds"),
    path(
        "fees/reconciliation/",
        fees_views.ReconciliationView.as_view(),
        name="fees-reconciliation",
    ),
]
