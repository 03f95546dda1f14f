"""portal pages of feedback (appended to portal/urls.py)."""

urlpatterns: list = []
