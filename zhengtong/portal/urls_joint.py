"""portal pages of joint work: 并联审批, 转办, 上报件 (appended to portal/urls.py)."""

from django.urls import path

from . import joint_views

urlpatterns: list = [
    path(
        "cases/<int:case_id>/where/",
        joint_views.CaseWhereView.as_view(),
        name="case-where",
    ),
]
