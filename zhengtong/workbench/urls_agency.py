"""workbench pages of agency (appended to workbench/urls.py)."""

from django.urls import path

from . import agency_handover_views as handover
from . import agency_more_views as more
from . import agency_views as views

urlpatterns = [
    path("agency/", views.AgencyDeskView.as_view(), name="agency-desk"),
    path(
        "agency/assignments/<int:assignment_id>/",
        views.AssignmentDetailView.as_view(),
        name="agency-assignment",
    ),
    path("agency/projects/", views.ProjectListView.as_view(), name="agency-projects"),
    path(
        "agency/projects/<int:project_id>/",
        views.ProjectDetailView.as_view(),
        name="agency-project",
    ),
    path(
        "agency/handover/",
        handover.HandoverDeskView.as_view(),
        name="agency-handover-desk",
    ),
    path(
        "agency/handover/<int:case_id>/",
        handover.HandoverCaseView.as_view(),
        name="agency-handover-case",
    ),
    path(
        "agency/handover/bundles/<int:application_id>/",
        handover.HandoverBundleView.as_view(),
        name="agency-handover-bundle",
    ),
    path("agency/guidance/", more.GuidanceView.as_view(), name="agency-guidance"),
    path("agency/marks/", more.MarkListView.as_view(), name="agency-marks"),
]
