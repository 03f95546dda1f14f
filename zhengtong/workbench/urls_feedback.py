"""
workbench pages of feedback (appended to workbench/urls.py, namespace
``workbench:``): the rectification queue (差评整改) and the rater device
binding (评价器) of the ratings part; complaints and the first-question
register add their lines below.
"""

from django.urls import path

from . import feedback_complaint_views as complaint_views
from . import feedback_first_question_views as first_question_views
from . import feedback_rectification_views as rectification_views

urlpatterns: list = [
    # ratings and rectifications
    path(
        "feedback/rectifications/",
        rectification_views.RectificationQueueView.as_view(),
        name="feedback-rectifications",
    ),
    path(
        "feedback/rectifications/<int:rectification_id>/",
        rectification_views.RectificationDetailView.as_view(),
        name="feedback-rectification",
    ),
    path(
        "feedback/rater-devices/",
        rectification_views.RaterDeviceBindView.as_view(),
        name="feedback-rater-devices",
    ),
    # complaints, first questions
    path(
        "feedback/complaints/",
        complaint_views.ComplaintListView.as_view(),
        name="feedback-complaints",
    ),
    path(
        "feedback/complaints/new/",
        complaint_views.ComplaintNewView.as_view(),
        name="feedback-complaint-new",
    ),
    path(
        "feedback/complaints/<int:complaint_id>/",
        complaint_views.ComplaintDetailView.as_view(),
        name="feedback-complaint",
    ),
    path(
        "feedback/complaints/<int:complaint_id>/reply.pdf",
        complaint_views.ComplaintReplyPdfView.as_view(),
        name="feedback-complaint-pdf",
    ),
    path(
        "feedback/first-questions/",
        first_question_views.FirstQuestionListView.as_view(),
        name="feedback-first-questions",
    ),
    path(
        "feedback/first-questions/new/",
        first_question_views.FirstQuestionNewView.as_view(),
        name="feedback-first-question-new",
    ),
    path(
        "feedback/first-questions/<int:entry_id>/",
        first_question_views.FirstQuestionDetailView.as_view(),
        name="feedback-first-question",
    ),
    path(
        "feedback/first-questions/<int:entry_id>/receipt.pdf",
        first_question_views.FirstQuestionReceiptView.as_view(),
        name="feedback-first-question-receipt",
    ),
]
