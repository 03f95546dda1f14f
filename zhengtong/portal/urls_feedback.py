"""
portal pages of feedback (appended to portal/urls.py, namespace ``portal:``):
rating online, my ratings, public results, the counter rater device
(评价器) of the ratings part; complaints add their lines below.
"""

from django.urls import path

urlpatterns: list = [
    # ratings, public results, rater device
    # complaints
]

__all__ = ["path", "urlpatterns"]
