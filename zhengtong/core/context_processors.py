"""Template context shared by all pages."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    """Add the site name and the large-text preference."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "large_text": request.COOKIES.get("large_text") == "1",
    }
