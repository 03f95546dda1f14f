"""Roles: each is a Django group named by its Chinese label."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    COUNTER_STAFF = "counter_staff", _("窗口人员")
    REVIEWER = "reviewer", _("审批人员")
    CENTRE_ADMIN = "centre_admin", _("中心管理员")
    SUPERVISOR = "supervisor", _("监察人员")
    # 部门负责人 (本机关负责人): approves extensions (Art. 42), sees and answers
    # supervision of their own department.
    DEPARTMENT_HEAD = "department_head", _("部门负责人")


ROLE_GROUP_NAMES: dict[str, str] = {
    Role.APPLICANT: "申请人",
    Role.COUNTER_STAFF: "窗口人员",
    Role.REVIEWER: "审批人员",
    Role.CENTRE_ADMIN: "中心管理员",
    Role.SUPERVISOR: "监察人员",
    Role.DEPARTMENT_HEAD: "部门负责人",
}
STAFF_ROLES = (
    Role.COUNTER_STAFF,
    Role.REVIEWER,
    Role.CENTRE_ADMIN,
    Role.SUPERVISOR,
    Role.DEPARTMENT_HEAD,
)
# Permissions a role group holds ("app_label.codename"); others are granted to
# individual users in the admin (e.g. a 窗口负责人 gets cases.convert_instant).
ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.CENTRE_ADMIN: ("cases.convert_instant",),
}
