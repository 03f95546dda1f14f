"""API root: /api/v1/..., OpenAPI schema and docs."""

from django.urls import include, path

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        # the split view serves its script as a file (no inline script: CSP)
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema"),
        name="api-docs",
    ),
    path("v1/auth/", include("zhengtong.accounts.api_urls")),
    path("v1/catalog/bundles/", include("zhengtong.bundles.api_urls")),
    path("v1/catalog/", include("zhengtong.catalog.api_urls")),
    path("v1/workdays/", include("zhengtong.workdays.api_urls")),
    path("v1/cases/", include("zhengtong.cases.api_urls")),
    path("v1/queue/", include("zhengtong.queueing.api_urls")),
    path("v1/supervision/", include("zhengtong.supervision.api_urls")),
    # fees: /api/v1/cases/{id}/charges/, …/payments/ (tried after the cases' own routes)
    path("v1/cases/", include("zhengtong.fees.api_urls")),
    path("v1/agency/", include("zhengtong.agency.api_urls")),
    path("v1/feedback/", include("zhengtong.feedback.api_urls")),
    path("v1/stats/", include("zhengtong.stats.api_urls")),
    # public feeds without login (办件公示)
    path("v1/public/", include("zhengtong.stats.api_urls_public")),
]
