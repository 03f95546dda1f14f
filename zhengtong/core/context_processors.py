"""Template context shared by all pages."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Add the site name and the large-text and high-contrast preferences."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "large_text": request.COOKIES.get("large_text") == "1",
        "high_contrast": request.COOKIES.get("high_contrast") == "1",
    }
