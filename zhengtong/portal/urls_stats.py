"""portal pages of stats (appended to portal/urls.py)."""

urlpatterns: list = []
