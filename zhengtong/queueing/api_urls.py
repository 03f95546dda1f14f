"""/api/v1/queue/…: tickets, calling, categories, counters, appointments."""

from django.urls import path

from . import apis

urlpatterns = [
    path("categories/", apis.CategoryListApi.as_view(), name="queue-categories"),
    path("counters/", apis.CounterListApi.as_view(), name="queue-counters"),
    path(
        "counters/<int:counter_id>/call-next/",
        apis.CounterCallNextApi.as_view(),
        name="queue-call-next",
    ),
    path("tickets/", apis.TicketIssueApi.as_view(), name="queue-ticket-issue"),
    path("tickets/mine/", apis.TicketMineApi.as_view(), name="queue-tickets-mine"),
    path(
        "tickets/track/<str:token>/",
        apis.TicketTrackApi.as_view(),
        name="queue-ticket-track",
    ),
    path(
        "tickets/<int:ticket_id>/recall/",
        apis.TicketRecallApi.as_view(),
        name="queue-ticket-recall",
    ),
    path(
        "tickets/<int:ticket_id>/no-show/",
        apis.TicketNoShowApi.as_view(),
        name="queue-ticket-no-show",
    ),
    path(
        "tickets/<int:ticket_id>/start/",
        apis.TicketStartApi.as_view(),
        name="queue-ticket-start",
    ),
    path(
        "tickets/<int:ticket_id>/hold/",
        apis.TicketHoldApi.as_view(),
        name="queue-ticket-hold",
    ),
    path(
        "tickets/<int:ticket_id>/resume/",
        apis.TicketResumeApi.as_view(),
        name="queue-ticket-resume",
    ),
    path(
        "tickets/<int:ticket_id>/transfer/",
        apis.TicketTransferApi.as_view(),
        name="queue-ticket-transfer",
    ),
    path(
        "tickets/<int:ticket_id>/finish/",
        apis.TicketFinishApi.as_view(),
        name="queue-ticket-finish",
    ),
    path(
        "tickets/<int:ticket_id>/cancel/",
        apis.TicketCancelApi.as_view(),
        name="queue-ticket-cancel",
    ),
    path(
        "appointments/slots/",
        apis.AppointmentSlotsApi.as_view(),
        name="queue-appointment-slots",
    ),
    path(
        "appointments/check-in/",
        apis.AppointmentCheckInApi.as_view(),
        name="queue-appointment-check-in",
    ),
    path(
        "appointments/",
        apis.AppointmentListCreateApi.as_view(),
        name="queue-appointments",
    ),
    path(
        "appointments/<int:appointment_id>/cancel/",
        apis.AppointmentCancelApi.as_view(),
        name="queue-appointment-cancel",
    ),
    path("stats/daily/", apis.QueueStatsDailyApi.as_view(), name="queue-stats-daily"),
]
