"""
portal pages of feedback (appended to portal/urls.py, namespace ``portal:``):
rating online, my ratings, public results, the counter rater device
(评价器) of the ratings part; complaints add their lines below.
"""

from django.urls import path

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
]
