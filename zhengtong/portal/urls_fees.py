"""portal pages of fees (appended to portal/urls.py)."""

urlpatterns: list = []
