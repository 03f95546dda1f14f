from django.urls import path

from . import (
    duty_views,
    intake_views,
    queue_views,
    supervision_breach_views,
    supervision_order_views,
    supervision_views,
    urls_agency,
    urls_bundles,
    urls_feedback,
    urls_fees,
    urls_joint,
    urls_stats,
    views,
)

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
        "supervision/anomalies/<int:hit_id>/resolve/",
        supervision_views.SupervisionAnomalyResolveView.as_view(),
        name="supervision-anomaly-resolve",
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
    # Supervision orders and cards (督办单、效能告诫)
    path(
        "supervision/orders/new/",
        supervision_order_views.OrderNewView.as_view(),
        name="supervision-order-new",
    ),
    path(
        "supervision/orders/<int:order_id>/",
        supervision_order_views.OrderDetailView.as_view(),
        name="supervision-order-detail",
    ),
    path(
        "supervision/orders/<int:order_id>/pdf/",
        supervision_order_views.OrderPdfView.as_view(),
        name="supervision-order-pdf",
    ),
    path(
        "supervision/orders/<int:order_id>/replies/<int:reply_id>/attachment/",
        supervision_order_views.OrderAttachmentView.as_view(),
        name="supervision-order-attachment",
    ),
    path(
        "supervision/orders/<int:order_id>/<slug:slug>/",
        supervision_order_views.OrderActionView.as_view(),
        name="supervision-order-action",
    ),
    path(
        "supervision/breaches/",
        supervision_breach_views.BreachListView.as_view(),
        name="supervision-breaches",
    ),
    path(
        "supervision/breaches/new/",
        supervision_breach_views.BreachNewView.as_view(),
        name="supervision-breach-new",
    ),
    path(
        "supervision/breaches/<int:breach_id>/",
        supervision_breach_views.BreachDetailView.as_view(),
        name="supervision-breach-detail",
    ),
    path(
        "supervision/breaches/<int:breach_id>/<slug:slug>/",
        supervision_breach_views.BreachActionView.as_view(),
        name="supervision-breach-action",
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
    path("intake/", intake_views.WorkbenchIntakeView.as_view(), name="intake"),
    path(
        "intake/<int:item_id>/",
        intake_views.WorkbenchIntakeItemView.as_view(),
        name="intake-item",
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
