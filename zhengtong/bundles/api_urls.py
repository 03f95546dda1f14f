"""REST doors of bundles (mounted by zhengtong/api/urls.py at /api/v1/catalog/bundles/)."""

from django.urls import path

from . import apis

app_name = "bundles-api"

urlpatterns = [
    path("", apis.BundleListApi.as_view(), name="bundle-list"),
    path(
        "applications/<int:application_id>/",
        apis.BundleApplicationDetailApi.as_view(),
        name="application-detail",
    ),
    path("<slug:code>/", apis.BundleDetailApi.as_view(), name="bundle-detail"),
]
