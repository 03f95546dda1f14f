"""API root: /api/v1/..., OpenAPI schema and docs."""

from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"
    ),
    path("v1/auth/", include("zhengtong.accounts.api_urls")),
    path("v1/catalog/", include("zhengtong.catalog.api_urls")),
    path("v1/workdays/", include("zhengtong.workdays.api_urls")),
    path("v1/cases/", include("zhengtong.cases.api_urls")),
    path("v1/queue/", include("zhengtong.queueing.api_urls")),
    path("v1/supervision/", include("zhengtong.supervision.api_urls")),
]
