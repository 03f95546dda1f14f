"""
workbench pages of feedback (appended to workbench/urls.py, namespace
``workbench:``): the rectification queue (差评整改) and the rater device
binding (评价器) of the ratings part; complaints and the first-question
register add their lines below.
"""

from django.urls import path

urlpatterns: list = [
    # ratings and rectifications
    # complaints, first questions
]

__all__ = ["path", "urlpatterns"]
