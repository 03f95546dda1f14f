"""REST doors of bundles (mounted by zhengtong/api/urls.py)."""

urlpatterns: list = []
