"""Applicant pages of cases and the public lookup, mounted at /cases/."""

from django.urls import path

from . import views, views_followup

app_name = "cases"
urlpatterns = [
    path("lookup/", views.CaseLookupView.as_view(), name="lookup"),
    path("mine/", views.CaseMineView.as_view(), name="mine"),
    path(
        "notifications/<int:notification_id>/read/",
        views.NotificationReadView.as_view(),
        name="notification-read",
    ),
    path("apply/<int:item_id>/", views.CaseApplyView.as_view(), name="apply"),
    path("<int:case_id>/", views.CaseDetailView.as_view(), name="detail"),
    path(
        "<int:case_id>/supplement/",
        views.CaseSupplementView.as_view(),
        name="supplement",
    ),
    path(
        "<int:case_id>/tolerance/",
        views_followup.CaseToleranceSupplyView.as_view(),
        name="tolerance-supply",
    ),
    path("<int:case_id>/withdraw/", views.CaseWithdrawView.as_view(), name="withdraw"),
    path(
        "documents/<int:document_id>/",
        views.CaseDocumentView.as_view(),
        name="document",
    ),
    path(
        "materials/<int:material_id>/",
        views.CaseMaterialFileView.as_view(),
        name="material-file",
    ),
]
