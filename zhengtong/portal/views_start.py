"""/start/: where each role begins after login (portal.nav.role_home_url)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .nav import role_home_url


def role_home_view(request: HttpRequest) -> HttpResponse:
    """Send the signed-in person to their role's start page (中文：我的首页)."""
    return redirect(role_home_url(request))
