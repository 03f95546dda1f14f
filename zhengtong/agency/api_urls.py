"""REST doors of agency (mounted by zhengtong/api/urls.py)."""

urlpatterns: list = []
