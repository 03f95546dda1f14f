"""A self-declared (自我声明) applicant submits unless the region requires 实名认证."""

import pytest

from zhengtong.accounts.constants import IdentityStatus, Role
from zhengtong.accounts.services import user_create
from zhengtong.cases import permissions
from zhengtong.core.errors import ApplicationError


@pytest.mark.django_db
def test_self_declared_accounts_submit_unless_the_region_requires_verification(
    settings,
):
    user = user_create(username="self", password="pw-123456", roles=[Role.APPLICANT])
    user.identity_status = IdentityStatus.SELF_DECLARED
    user.save(update_fields=["identity_status"])
    permissions.check_submit(user=user)  # default: allowed, marked for staff
    settings.ACCOUNTS_SELF_DECLARED_MAY_SUBMIT = False
    with pytest.raises(ApplicationError) as exc:
        permissions.check_submit(user=user)
    assert exc.value.code == "identity_unverified" and exc.value.status == 403
    user.identity_status = IdentityStatus.VERIFIED
    permissions.check_submit(user=user)
