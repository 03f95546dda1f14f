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
    Role.CENTRE_ADMIN: ("cases.convert_instant", "supervision.decide_breach"),
}


class IdentityStatus(models.TextChoices):
    """
    How far an account's identity is established (实名程度).

    Accounts registered on the web start as 自我声明 (self-declared); a
    verifier (``ACCOUNTS_IDENTITY_VERIFIER``) may raise them to 已实名认证.
    Accounts made by staff (at the counter, in the admin, the demo) were
    made by someone who saw the person: 工作人员核验. What self-declared
    accounts may not do is listed in docs/accounts.md.

    中文：实名状态
    """

    SELF_DECLARED = "self_declared", _("自我声明")
    VERIFIED = "verified", _("已实名认证")
    STAFF_CHECKED = "staff_checked", _("工作人员核验")


class SmsPurpose(models.TextChoices):
    """What an SMS verification code is for. 中文：短信验证码用途"""

    REGISTER = "register", _("注册")
    LOGIN = "login", _("登录")
    RESET = "reset", _("重置密码")
