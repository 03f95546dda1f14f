"""workbench pages of bundles (appended to workbench/urls.py)."""

urlpatterns: list = []
