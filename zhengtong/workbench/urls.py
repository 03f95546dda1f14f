from django.urls import path

from . import duty_views, queue_views, views

app_name = "workbench"
urlpatterns: list = [
    # Counter desk (queueing)
    path("queue/", queue_views.QueueDeskView.as_view(), name="queue-desk"),
    path(
        "queue/<int:counter_id>/action/",
        queue_views.QueueDeskActionView.as_view(),
        name="queue-action",
    ),
    # Duty and backup posts (在岗与AB岗)
    path("duty/", duty_views.DutyView.as_view(), name="duty"),
    # Cases (办件)
    path("", views.WorkbenchHomeView.as_view(), name="home"),
    path("cases/", views.WorkbenchHomeView.as_view(), name="case-list"),
    path(
        "cases/<int:case_id>/",
        views.WorkbenchCaseDetailView.as_view(),
        name="case-detail",
    ),
    path(
        "cases/<int:case_id>/<slug:slug>/",
        views.WorkbenchCaseActionView.as_view(),
        name="case-action",
    ),
    path("intake/", views.WorkbenchIntakeView.as_view(), name="intake"),
    path(
        "intake/<int:item_id>/",
        views.WorkbenchIntakeItemView.as_view(),
        name="intake-item",
    ),
]
