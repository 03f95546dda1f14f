"""The one-query token authentication answers as DRF's does."""

from django.contrib.auth.models import Group
from django.utils import timezone

import pytest
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from zhengtong.accounts.authentication import TokenAuthentication
from zhengtong.accounts.constants import ROLE_GROUP_NAMES, Role
from zhengtong.accounts.models import User
from zhengtong.accounts.services import user_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = user_create(
        username="wang",
        password="pw-123456",
        roles=[Role.COUNTER_STAFF, Role.REVIEWER],
        display_name="王窗口",
        is_staff=True,
    )
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    return user


def test_user_and_token_equal_the_default(staff, django_assert_num_queries):
    key = Token.objects.create(user=staff).key
    expected_user, expected_token = (
        authentication.TokenAuthentication().authenticate_credentials(key)
    )
    with django_assert_num_queries(1):
        user, token = TokenAuthentication().authenticate_credentials(key)
        # roles come with the user: no query for them
        assert user.has_role(Role.REVIEWER) and user.has_role(Role.COUNTER_STAFF)
        assert not user.has_role(Role.APPLICANT)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected_user, field.attname)
    assert timezone.is_aware(user.date_joined) and timezone.is_aware(user.last_login)
    assert (token.key, token.user_id, token.created) == (
        expected_token.key,
        expected_token.user_id,
        expected_token.created,
    )
    assert token.user is user


def test_user_without_roles(staff):
    staff.groups.clear()
    key = Token.objects.create(user=staff).key
    user, _ = TokenAuthentication().authenticate_credentials(key)
    assert user._role_names == set()


def test_role_change_shows_at_the_next_request(staff):
    key = Token.objects.create(user=staff).key
    staff.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[Role.APPLICANT]))
    user, _ = TokenAuthentication().authenticate_credentials(key)
    assert user.has_role(Role.APPLICANT)


def _refusal(auth, key: str) -> tuple[str, str]:
    with pytest.raises(exceptions.AuthenticationFailed) as exc:
        auth.authenticate_credentials(key)
    return str(exc.value.detail), exc.value.detail.code


def test_unknown_token_and_inactive_user_are_refused_as_by_default(staff):
    default = authentication.TokenAuthentication()
    assert _refusal(TokenAuthentication(), "nope") == _refusal(default, "nope")
    key = Token.objects.create(user=staff).key
    staff.is_active = False
    staff.save(update_fields=["is_active"])
    assert _refusal(TokenAuthentication(), key) == _refusal(default, key)
    assert _refusal(TokenAuthentication(), key) != _refusal(default, "nope")
