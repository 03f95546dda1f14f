"""portal pages of bundles (appended to portal/urls.py)."""

urlpatterns: list = []
