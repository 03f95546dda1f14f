"""workbench pages of fees (appended to workbench/urls.py)."""

urlpatterns: list = []
