"""portal pages of fees (appended to portal/urls.py)."""

from django.urls import path

from . import fees_views

urlpatterns: list = [
    path(
        "fees/cases/<int:case_id>/statement.pdf",
        fees_views.FeeStatementView.as_view(),
        name="fees-statement",
    ),
    path(
        "fees/cases/<int:case_id>/notices/<int:notice_id>.pdf",
        fees_views.PaymentNoticeView.as_view(),
        name="fees-notice",
    ),
]
