"""portal pages of stats (appended to portal/urls.py)."""

from django.urls import path

from . import assessment_views, stats_disclosure_views

urlpatterns = [
    # 办件公示 (issue 15 item 6)
    path(
        "disclosure/",
        stats_disclosure_views.DisclosureView.as_view(),
        name="stats-disclosure",
    ),
    # 考核公示 (issue 15 item 3): signed months only
    path(
        "assessment/",
        assessment_views.AssessmentPublicView.as_view(),
        name="stats-assessment",
    ),
]
