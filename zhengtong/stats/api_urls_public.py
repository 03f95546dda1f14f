"""Public REST feeds of stats (no login), mounted at /api/v1/public/."""

urlpatterns: list = []
