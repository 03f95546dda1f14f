"""workbench pages of stats (appended to workbench/urls.py)."""

from django.urls import path

from . import stats_assessment_views, stats_views

urlpatterns: list = [
    path("stats/", stats_views.StatsDashboardView.as_view(), name="stats-dashboard"),
    path("stats/screen/", stats_views.StatsScreenView.as_view(), name="stats-screen"),
    path(
        "stats/screen/data/",
        stats_views.StatsScreenDataView.as_view(),
        name="stats-screen-data",
    ),
    path(
        "stats/assessment/",
        stats_assessment_views.StatsAssessmentView.as_view(),
        name="stats-assessment",
    ),
    path(
        "stats/reports/",
        stats_assessment_views.StatsReportListView.as_view(),
        name="stats-reports",
    ),
    path(
        "stats/reports/<int:report_id>/<str:kind>/",
        stats_assessment_views.StatsReportFileView.as_view(),
        name="stats-report-file",
    ),
]
