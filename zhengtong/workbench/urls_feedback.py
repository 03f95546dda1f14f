"""workbench pages of feedback (appended to workbench/urls.py)."""

urlpatterns: list = []
