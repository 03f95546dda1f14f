"""Public portal pages, mounted at the site root."""

from django.urls import path

from . import (
    urls_agency,
    urls_bundles,
    urls_feedback,
    urls_fees,
    urls_joint,
    urls_stats,
    views,
    views_start,
)

app_name = "portal"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("start/", views_start.role_home_view, name="role-home"),
    path("items/", views.ItemListView.as_view(), name="item-list"),
    path("items/<int:item_id>/", views.ItemGuideView.as_view(), name="item-guide"),
    path(
        "items/<int:item_id>/guide.pdf",
        views.ItemGuidePdfView.as_view(),
        name="item-guide-pdf",
    ),
    path(
        "items/<int:item_id>/v/<int:version>/",
        views.ItemVersionView.as_view(),
        name="item-version",
    ),
    path(
        "departments/<int:department_id>/",
        views.DepartmentDetailView.as_view(),
        name="department",
    ),
]

# Pages of the later areas, each kept in its own URL module.
for _module in (
    urls_feedback,
    urls_stats,
    urls_joint,
    urls_bundles,
    urls_fees,
    urls_agency,
):
    urlpatterns += _module.urlpatterns
