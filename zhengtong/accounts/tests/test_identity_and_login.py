"""Applicant identity checks, agents, staff posts and login lockout."""

from datetime import date

from django.core.cache import cache

import pytest
from rest_framework.test import APIClient

from zhengtong.accounts.constants import Role
from zhengtong.accounts.identity import (
    id_document_problem,
    id_number_check_char,
    id_number_is_valid,
)
from zhengtong.accounts.models import User
from zhengtong.accounts.services import (
    agent_authorize,
    agent_may_act_for,
    applicant_identity_set,
    applicant_walk_in_get_or_create,
    staff_absence_set,
    staff_effective_assignee,
    staff_post_set,
    user_create,
)
from zhengtong.core.errors import ApplicationError

VALID_ID = "11010519491231002X"  # GB 11643 example number
VALID_CREDIT = "91350100M000100Y43"


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        (VALID_ID, True),
        ("110105194912310021", False),  # wrong check character
        ("11010519491231002x", False),  # lower-case x
        ("110105194913310029", False),  # month 13
        ("1101051949123100", False),  # too short
        ("", False),
    ],
)
def test_resident_id_check_digit(number, ok):
    assert id_number_is_valid(number) is ok


def test_check_char_matches_the_standard():
    assert id_number_check_char("11010519491231002") == "X"
    assert id_number_check_char("1101051949123100A") is None


def test_other_id_types_are_allowed_with_a_plausible_number():
    assert id_document_problem("passport", "E12345678") == ""
    assert id_document_problem("passport", "E1") != ""
    assert id_document_problem("resident_id", "110105194912310021").startswith(
        "居民身份证号码校验不通过"
    )
    assert id_document_problem("unknown", "123456") == "证件类型无效。"


@pytest.mark.django_db
def test_identity_set_refuses_bad_numbers_and_changes_nothing():
    user = user_create(username="p", password="pw-123456", roles=[Role.APPLICANT])
    with pytest.raises(ApplicationError) as err:
        applicant_identity_set(
            user=user, id_type="resident_id", id_number="110105194912310021"
        )
    assert err.value.code == "invalid_id_number"
    user.refresh_from_db()
    assert user.id_number == ""
    applicant_identity_set(user=user, id_type="resident_id", id_number=VALID_ID)
    user.refresh_from_db()
    assert user.id_number == VALID_ID


@pytest.mark.django_db
def test_enterprise_needs_a_valid_credit_code():
    user = user_create(username="e", password="pw-123456", roles=[Role.APPLICANT])
    with pytest.raises(ApplicationError) as err:
        applicant_identity_set(
            user=user,
            subject_kind="enterprise",
            org_name="某公司",
            credit_code="91350100M000100Y44",
        )
    assert err.value.code == "invalid_credit_code"
    applicant_identity_set(
        user=user,
        subject_kind="enterprise",
        org_name="某公司",
        id_type="",
        credit_code=VALID_CREDIT,
    )
    user.refresh_from_db()
    assert user.subject_name == "某公司"


@pytest.mark.django_db
def test_walk_in_applicant_is_found_again_by_id():
    a = applicant_walk_in_get_or_create(
        display_name="王五", id_number=VALID_ID, phone="13900001111"
    )
    b = applicant_walk_in_get_or_create(display_name="王五", id_number=VALID_ID)
    assert a.pk == b.pk and a.has_role(Role.APPLICANT) and not a.has_usable_password()
    with pytest.raises(ApplicationError):
        applicant_walk_in_get_or_create(display_name="", id_number=VALID_ID)


@pytest.mark.django_db
def test_a_walk_in_id_on_record_under_another_name_is_refused():
    applicant_walk_in_get_or_create(display_name="陈小明", id_number=VALID_ID)
    with pytest.raises(ApplicationError) as exc:
        applicant_walk_in_get_or_create(display_name="王代办", id_number=VALID_ID)
    assert exc.value.code == "applicant_name_mismatch"
    assert "陈**" in exc.value.message and "陈小明" not in exc.value.message


@pytest.mark.django_db
def test_agent_authorisation_in_force_only_in_its_period():
    principal = user_create(username="p1", password="pw-123456", roles=[Role.APPLICANT])
    agent = user_create(username="a1", password="pw-123456", roles=[Role.APPLICANT])
    assert not agent_may_act_for(agent=agent, principal=principal, day=date(2026, 1, 5))
    agent_authorize(
        principal=principal,
        agent=agent,
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 1, 31),
    )
    assert agent_may_act_for(agent=agent, principal=principal, day=date(2026, 1, 5))
    assert not agent_may_act_for(agent=agent, principal=principal, day=date(2026, 2, 1))
    with pytest.raises(ApplicationError):
        agent_authorize(
            principal=principal, agent=principal, valid_from=date(2026, 1, 1)
        )


@pytest.mark.django_db
def test_backup_post_chain_skips_absent_people():
    from zhengtong.catalog.tests.factories import DepartmentFactory

    dept = DepartmentFactory()
    a = user_create(
        username="a", password="pw-123456", roles=[Role.REVIEWER], department=dept
    )
    b = user_create(
        username="b", password="pw-123456", roles=[Role.REVIEWER], department=dept
    )
    c = user_create(
        username="c", password="pw-123456", roles=[Role.REVIEWER], department=dept
    )
    staff_post_set(user=a, department=dept, backup=b)
    staff_post_set(user=b, department=dept, backup=c)
    staff_absence_set(user=a, is_absent=True)
    assert staff_effective_assignee(a) == b
    staff_absence_set(user=b, is_absent=True)
    a.refresh_from_db()
    assert staff_effective_assignee(a) == c
    with pytest.raises(ApplicationError):
        staff_post_set(user=a, department=dept, backup=a)


@pytest.fixture
def person(db):
    cache.clear()
    return user_create(username="lock", password="right-pass-1", roles=[Role.APPLICANT])


def test_token_api_locks_after_five_failures(person):
    client = APIClient()
    for _ in range(4):
        r = client.post(
            "/api/v1/auth/token/",
            {"username": "lock", "password": "wrong"},
            format="json",
        )
        assert r.status_code == 400 and r.json()["code"] == "invalid_credentials"
    # the fifth failure locks (django-axes answers it as locked already)
    r = client.post(
        "/api/v1/auth/token/", {"username": "lock", "password": "wrong"}, format="json"
    )
    assert r.status_code == 429 and r.json()["code"] == "login_locked"
    r = client.post(
        "/api/v1/auth/token/",
        {"username": "lock", "password": "right-pass-1"},
        format="json",
    )
    assert r.status_code == 429 and r.json()["code"] == "login_locked"
    assert "锁定" in r.json()["message"]
    assert int(r["Retry-After"]) > 0
    # another address is not locked
    r = client.post(
        "/api/v1/auth/token/",
        {"username": "lock", "password": "right-pass-1"},
        format="json",
        REMOTE_ADDR="10.0.0.9",
    )
    assert r.status_code == 200 and r.json()["token"]


def test_success_clears_the_failure_count(person):
    client = APIClient()
    for _ in range(4):
        client.post(
            "/api/v1/auth/token/",
            {"username": "lock", "password": "wrong"},
            format="json",
        )
    assert (
        client.post(
            "/api/v1/auth/token/",
            {"username": "lock", "password": "right-pass-1"},
            format="json",
        ).status_code
        == 200
    )
    for _ in range(4):
        client.post(
            "/api/v1/auth/token/",
            {"username": "lock", "password": "wrong"},
            format="json",
        )
    assert (
        client.post(
            "/api/v1/auth/token/",
            {"username": "lock", "password": "right-pass-1"},
            format="json",
        ).status_code
        == 200
    )


def test_web_login_locks_after_five_failures(person, client):
    for _ in range(4):
        r = client.post("/accounts/login/", {"username": "lock", "password": "wrong"})
        assert r.status_code == 200
    r = client.post("/accounts/login/", {"username": "lock", "password": "wrong"})
    assert r.status_code == 429
    r = client.post(
        "/accounts/login/", {"username": "lock", "password": "right-pass-1"}
    )
    assert r.status_code == 429
    assert "登录失败次数过多" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_login_locks_after_five_failures(db, client):
    """Issue 17: 20 wrong passwords, then the right one, logged a staff in."""
    user_create(username="boss", password="right-pass-1", roles=[Role.CENTRE_ADMIN])
    User.objects.filter(username="boss").update(is_staff=True, is_superuser=True)
    for _ in range(20):
        client.post(
            "/admin/login/?next=/admin/", {"username": "boss", "password": "wrong"}
        )
    r = client.post(
        "/admin/login/?next=/admin/", {"username": "boss", "password": "right-pass-1"}
    )
    assert r.status_code == 429
    assert "登录失败次数过多" in r.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still the login page
    # another address is not locked out
    r = client.post(
        "/admin/login/?next=/admin/",
        {"username": "boss", "password": "right-pass-1"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert r.status_code == 302 and client.session["_auth_user_id"]
