"""/api/v1/supervision/…: bulletin (filled in)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
