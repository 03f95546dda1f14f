"""portal pages of joint work: 并联审批, 转办, 上报件 (appended to portal/urls.py)."""

urlpatterns: list = []
