"""WebSocket routes of the hall displays."""

from django.urls import path

from . import consumers

websocket_urlpatterns: list = [
    path("ws/queue/hall/<int:hall_id>/", consumers.HallDisplayConsumer.as_asgi()),
    path(
        "ws/queue/counter/<int:counter_id>/",
        consumers.CounterDisplayConsumer.as_asgi(),
    ),
]
