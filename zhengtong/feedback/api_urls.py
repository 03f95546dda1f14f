"""REST doors of feedback (mounted by zhengtong/api/urls.py)."""

urlpatterns: list = []
