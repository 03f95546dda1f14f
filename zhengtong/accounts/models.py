"""Users: applicants and staff. Roles are groups (see constants.Role)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import ROLE_GROUP_NAMES, IdentityStatus, Role, SmsPurpose
from .identity import IdType, SubjectKind


class User(AbstractUser):
    """
    A person who signs in: an applicant or a member of staff.

    Staff belong to one department; what they may see follows from it.

    中文：用户
    """

    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    department = models.ForeignKey(
        "catalog.Department",
        verbose_name=_("所属部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    # Applicant identity (申请人身份)
    subject_kind = models.CharField(
        _("申请人类型"),
        max_length=12,
        choices=SubjectKind.choices,
        default=SubjectKind.PERSON,
    )
    id_type = models.CharField(
        _("证件类型"), max_length=20, choices=IdType.choices, blank=True
    )
    id_number = models.CharField(_("证件号码"), max_length=40, blank=True)
    org_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    identity_status = models.CharField(
        _("实名状态"),
        max_length=16,
        choices=IdentityStatus.choices,
        default=IdentityStatus.STAFF_CHECKED,
    )
    identity_checked_at = models.DateTimeField(_("实名认证时间"), null=True, blank=True)
    identity_reference = models.CharField(_("认证流水号"), max_length=100, blank=True)
    # Staff post (岗位): counters, backup post (AB岗), absence
    counters = models.ManyToManyField(
        "catalog.Counter",
        verbose_name=_("所在窗口"),
        blank=True,
        related_name="staff_members",
    )
    backup = models.ForeignKey(
        "self",
        verbose_name=_("B岗（备岗人员）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="backed_up",
    )
    is_absent = models.BooleanField(_("不在岗"), default=False)
    absent_note = models.CharField(_("不在岗说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        indexes = [models.Index(fields=["id_number"], name="user_id_number_idx")]

    def __str__(self) -> str:
        return self.display_name or self.username

    def has_role(self, role: Role | str) -> bool:
        """Return True when the user is in the group of ``role``."""
        name = ROLE_GROUP_NAMES[Role(role)]
        cache = getattr(self, "_role_names", None)
        if cache is None:
            cache = set(self.groups.values_list("name", flat=True))
            self._role_names = cache
        return name in cache

    @property
    def is_self_declared(self) -> bool:
        """Return True when the identity is only declared (自我声明)."""
        return self.identity_status == IdentityStatus.SELF_DECLARED

    @property
    def is_applicant(self) -> bool:
        return self.has_role(Role.APPLICANT)

    @property
    def subject_name(self) -> str:
        """Return the applicant's legal name (organisation or person)."""
        if self.subject_kind == SubjectKind.ENTERPRISE and self.org_name:
            return self.org_name
        return self.display_name or self.username


class AgentAuthorization(models.Model):
    """
    Authorisation of an agent to apply on behalf of a principal.

    行政许可法第二十九条：申请人可以委托代理人提出行政许可申请。

    中文：代理授权
    """

    principal = models.ForeignKey(
        User,
        verbose_name=_("委托人（申请人）"),
        on_delete=models.CASCADE,
        related_name="agent_authorizations",
    )
    agent = models.ForeignKey(
        User,
        verbose_name=_("代理人"),
        on_delete=models.CASCADE,
        related_name="principal_authorizations",
    )
    scope = models.CharField(_("委托事项范围"), max_length=300, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_until = models.DateField(_("截止日期"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代理授权")
        verbose_name_plural = _("代理授权")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(principal=models.F("agent")),
                name="agent_auth_not_self",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agent} 代理 {self.principal}"

    def is_active_on(self, day) -> bool:
        """Return whether the authorisation is in force on ``day``."""
        if self.revoked_at is not None or day < self.valid_from:
            return False
        return self.valid_until is None or day <= self.valid_until


class SmsCode(models.Model):
    """
    A one-time code sent by SMS (registration, login, password reset).

    Only a hash of the code is stored. A code is good for one use, until it
    expires, and for a limited number of wrong tries.

    中文：短信验证码
    """

    phone = models.CharField(_("手机号"), max_length=20)
    purpose = models.CharField(_("用途"), max_length=12, choices=SmsPurpose.choices)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            models.Index(fields=["phone", "created_at"], name="smscode_phone_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.phone[:3]}****"
