"""/api/v1/supervision/…: orders (filled in)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
