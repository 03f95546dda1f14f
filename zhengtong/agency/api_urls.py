"""REST doors of agency (mounted by zhengtong/api/urls.py at /api/v1/agency/)."""

from .apis import urlpatterns

__all__ = ["urlpatterns"]
