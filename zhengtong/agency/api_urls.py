"""REST doors of agency (mounted by zhengtong/api/urls.py at /api/v1/agency/)."""

from .apis import urlpatterns as _main
from .apis_more import urlpatterns as _more

urlpatterns = [*_main, *_more]

__all__ = ["urlpatterns"]
