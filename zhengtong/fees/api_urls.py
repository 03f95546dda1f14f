"""REST doors of fees (mounted by zhengtong/api/urls.py under /api/v1/cases/)."""

from .apis import urlpatterns

__all__ = ["urlpatterns"]
