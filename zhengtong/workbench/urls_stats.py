"""workbench pages of stats (appended to workbench/urls.py)."""

urlpatterns: list = []
