"""workbench pages of joint work: 并联审批, 转办, 上报件 (appended to workbench/urls.py)."""

from django.urls import path

from . import joint_package_views, joint_views

urlpatterns: list = [
    path("joint/", joint_views.JointInboxView.as_view(), name="joint-inbox"),
    path(
        "joint/packages/",
        joint_package_views.PackageReceiveView.as_view(),
        name="joint-packages",
    ),
    path(
        "joint/<int:case_id>/",
        joint_views.JointCaseView.as_view(),
        name="joint-case",
    ),
]
