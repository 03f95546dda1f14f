"""workbench pages of joint work: 并联审批, 转办, 上报件 (appended to workbench/urls.py)."""

urlpatterns: list = []
