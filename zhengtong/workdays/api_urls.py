"""Working-day API routes, mounted at /api/v1/workdays/."""

from django.urls import path

from .apis import (
    WorkdaysBetweenApi,
    WorkdaysDeadlineApi,
    WorkdaysIsWorkingDayApi,
    WorkdaysYearListApi,
)

urlpatterns = [
    path("deadline/", WorkdaysDeadlineApi.as_view(), name="workdays-deadline"),
    path(
        "is-working-day/",
        WorkdaysIsWorkingDayApi.as_view(),
        name="workdays-is-working-day",
    ),
    path("between/", WorkdaysBetweenApi.as_view(), name="workdays-between"),
    path("years/", WorkdaysYearListApi.as_view(), name="workdays-years"),
]
