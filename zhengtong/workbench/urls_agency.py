"""workbench pages of agency (appended to workbench/urls.py)."""

urlpatterns: list = []
