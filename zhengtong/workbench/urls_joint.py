"""workbench pages of joint work: 并联审批, 转办, 上报件 (appended to workbench/urls.py)."""

from django.urls import path

from . import joint_views

urlpatterns: list = [
    path("joint/", joint_views.JointInboxView.as_view(), name="joint-inbox"),
    path(
        "joint/<int:case_id>/",
        joint_views.JointCaseView.as_view(),
        name="joint-case",
    ),
]
