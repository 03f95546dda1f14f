"""
portal pages of feedback (appended to portal/urls.py, namespace ``portal:``):
rating online, my ratings, public results, the counter rater device
(评价器) of the ratings part; complaints add their lines below.
"""

from django.urls import path

from . import feedback_complaint_views as complaint_views
from . import feedback_ratings_views as ratings_views

urlpatterns: list = [
    # ratings, public results, rater device
    path(
        "feedback/rater/",
        ratings_views.RaterDeviceView.as_view(),
        name="feedback-rater",
    ),
    path(
        "feedback/rate/case/<int:case_id>/",
        ratings_views.RateCaseView.as_view(),
        name="feedback-rate-case",
    ),
    path(
        "feedback/my-ratings/",
        ratings_views.MyRatingsView.as_view(),
        name="feedback-my-ratings",
    ),
    path(
        "feedback/results/",
        ratings_views.PublicResultsView.as_view(),
        name="feedback-results",
    ),
    # complaints
    path(
        "feedback/complaints/",
        complaint_views.MyComplaintsView.as_view(),
        name="feedback-complaints",
    ),
    path(
        "feedback/complaints/new/",
        complaint_views.ComplaintFormView.as_view(),
        name="feedback-complaint-new",
    ),
    path(
        "feedback/complaints/<int:complaint_id>/",
        complaint_views.ComplaintView.as_view(),
        name="feedback-complaint",
    ),
    path(
        "feedback/complaints/<int:complaint_id>/reply.pdf",
        complaint_views.ComplaintReplyPdfView.as_view(),
        name="feedback-complaint-pdf",
    ),
]
