"""/queue/…: kiosk, displays, ticket tracking, remote tickets, appointments."""

from django.urls import path

from . import views

app_name = "queueing"
urlpatterns = [
    path("kiosk/", views.kiosk_view, name="kiosk"),
    path("kiosk/tickets/<str:token>/", views.kiosk_ticket_view, name="kiosk-ticket"),
    path("display/", views.hall_display_view, name="display"),
    path(
        "counter-display/<int:counter_id>/",
        views.counter_display_view,
        name="counter-display",
    ),
    path("tickets/<str:token>/", views.ticket_track_view, name="ticket-track"),
    path("take/", views.remote_ticket_view, name="remote"),
    path("appointments/", views.appointment_list_view, name="appointments"),
    path("appointments/book/", views.appointment_book_view, name="appointment-book"),
    path(
        "appointments/<int:appointment_id>/cancel/",
        views.appointment_cancel_view,
        name="appointment-cancel",
    ),
]
