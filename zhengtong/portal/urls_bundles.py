"""portal pages of bundles (appended to portal/urls.py)."""

from django.urls import path

from . import bundles_views as views

urlpatterns = [
    path("bundles/", views.BundleListView.as_view(), name="bundle-list"),
    path(
        "bundles/mine/", views.BundleApplicationListView.as_view(), name="bundle-mine"
    ),
    path(
        "bundles/applications/<int:application_id>/",
        views.BundleApplicationView.as_view(),
        name="bundle-application",
    ),
    path(
        "bundles/<slug:code>/", views.BundleQuestionnaireView.as_view(), name="bundle"
    ),
    path(
        "bundles/<slug:code>/apply/",
        views.BundleApplyView.as_view(),
        name="bundle-apply",
    ),
]
