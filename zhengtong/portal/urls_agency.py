"""portal pages of agency (appended to portal/urls.py)."""

urlpatterns: list = []
