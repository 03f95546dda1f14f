"""Read-only catalogue API, mounted at /api/v1/catalog/."""

from django.urls import path

from . import apis

app_name = "catalog-api"

urlpatterns = [
    path("items/", apis.ItemListApi.as_view(), name="item-list"),
    path("items/<int:item_id>/", apis.ItemDetailApi.as_view(), name="item-detail"),
    path(
        "items/<int:item_id>/versions/",
        apis.ItemVersionListApi.as_view(),
        name="item-version-list",
    ),
    path(
        "items/<int:item_id>/versions/<int:version>/",
        apis.ItemVersionDetailApi.as_view(),
        name="item-version",
    ),
    path("departments/", apis.DepartmentListApi.as_view(), name="department-list"),
    path(
        "departments/<int:department_id>/",
        apis.DepartmentDetailApi.as_view(),
        name="department-detail",
    ),
    path("item-types/", apis.ItemTypeListApi.as_view(), name="item-type-list"),
    path("regions/", apis.RegionListApi.as_view(), name="region-list"),
    path("halls/", apis.HallListApi.as_view(), name="hall-list"),
    path("halls/<int:hall_id>/", apis.HallDetailApi.as_view(), name="hall-detail"),
    path("counters/", apis.CounterListApi.as_view(), name="counter-list"),
]
