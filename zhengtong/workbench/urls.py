from django.urls import path

from . import duty_views, queue_views, supervision_views, views

app_name = "workbench"
urlpatterns: list = [
    # Counter desk (queueing)
    path("queue/", queue_views.QueueDeskView.as_view(), name="queue-desk"),
    path(
        "queue/<int:counter_id>/action/",
        queue_views.QueueDeskActionView.as_view(),
        name="queue-action",
    ),
    # Supervision desk (监察台)
    path(
        "supervision/",
        supervision_views.SupervisionDeskView.as_view(),
        name="supervision-desk",
    ),
    path(
        "supervision/clocks/",
        supervision_views.SupervisionClockListView.as_view(),
        name="supervision-clocks",
    ),
    path(
        "supervision/open-orders/",
        supervision_views.SupervisionOrderListView.as_view(),
        name="supervision-open-orders",
    ),
    path(
        "supervision/to-decide/",
        supervision_views.SupervisionBreachListView.as_view(),
        name="supervision-to-decide",
    ),
    path(
        "supervision/anomalies/",
        supervision_views.SupervisionAnomalyListView.as_view(),
        name="supervision-anomalies",
    ),
    path(
        "supervision/sweep/",
        supervision_views.SupervisionSweepView.as_view(),
        name="supervision-sweep",
    ),
    path(
        "supervision/bulletins/",
        supervision_views.SupervisionBulletinView.as_view(),
        name="supervision-bulletins",
    ),
    path(
        "supervision/bulletins/<int:bulletin_id>/pdf/",
        supervision_views.SupervisionBulletinPdfView.as_view(),
        name="supervision-bulletin-pdf",
    ),
    path("alerts/read/", supervision_views.AlertReadView.as_view(), name="alerts-read"),
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
        "cases/<int:case_id>/contact/<slug:field>/",
        views.WorkbenchContactRevealView.as_view(),
        name="case-contact-reveal",
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
