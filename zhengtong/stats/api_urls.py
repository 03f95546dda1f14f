"""REST doors of stats (mounted by zhengtong/api/urls.py)."""

urlpatterns: list = []
