"""REST doors of fees (mounted by zhengtong/api/urls.py)."""

urlpatterns: list = []
