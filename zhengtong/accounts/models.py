"""Users: applicants and staff. Roles are groups (see constants.Role)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import ROLE_GROUP_NAMES, Role


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

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

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
    def is_applicant(self) -> bool:
        return self.has_role(Role.APPLICANT)
