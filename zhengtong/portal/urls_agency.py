"""portal pages of agency (appended to portal/urls.py)."""

from django.urls import path

from .agency_views import AgencyCaseView

urlpatterns = [
    path(
        "agency/cases/<int:case_id>/",
        AgencyCaseView.as_view(),
        name="agency-case",
    ),
]
