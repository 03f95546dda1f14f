"""/api/v1/supervision/…: clocks (filled in)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
