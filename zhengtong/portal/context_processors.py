"""Template context of the site menu (computed only when a page shows it)."""

from functools import cached_property
from typing import Any

from django.http import HttpRequest

from .nav import Door, forbidden_context, nav_doors


class Nav:
    """
    The menu of ``request.user``: ``nav.doors`` for the top menu,
    ``nav.forbidden`` for the 403 page. Computed at first use, so pages and
    fragments that do not show the menu cost nothing.

    中文：导航
    """

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def doors(self) -> list[Door]:
        return nav_doors(self.request)

    @cached_property
    def forbidden(self) -> dict[str, Any]:
        return forbidden_context(self.request)


def nav(request: HttpRequest) -> dict[str, Any]:
    """Add ``nav`` (the menu from the permission functions)."""
    return {"nav": Nav(request)}
