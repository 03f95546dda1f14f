"""WebSocket routes of the hall displays."""

websocket_urlpatterns: list = []
