"""
Menus from permissions: every link a demo role sees opens for that role;
doors a role cannot open are not shown; the 403 page speaks to the person
it refuses; each role starts on its own home after login.
"""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zhengtong.accounts import demo as accounts_demo
from zhengtong.accounts.models import User
from zhengtong.catalog.tests.factories import DepartmentFactory
from zhengtong.portal.nav import supervision_url
from zhengtong.queueing.models import StaffCounterAssignment
from zhengtong.queueing.tests.factories import hall_setup

pytestmark = pytest.mark.django_db
PASSWORD = "demo-pass-123"
MOMENT = datetime(2026, 6, 15, 10, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday
MENU = re.compile(
    r'<nav class="(?:main-nav|wb-nav[^"]*)"[^>]*>(.*?)</nav>'
    r'|<div class="header-tools">(.*?)</div>',
    re.S,
)
LINK = re.compile(r'<a href="([^"]+)"[^>]*>([^<]+)</a>')


@pytest.fixture(autouse=True)
def demo():
    with time_machine.travel(MOMENT, tick=False):
        DepartmentFactory(name="区行政审批局")
        setup = hall_setup()
        accounts_demo.seed(password=PASSWORD)
        counter_user = User.objects.get(username="counter")
        StaffCounterAssignment.objects.create(
            user=counter_user, counter=setup.counters[0]
        )
        yield


def menu_links(html: str) -> dict[str, str]:
    """Label → address of every link in the top menu and the workbench menu."""
    links: dict[str, str] = {}
    for nav, tools in MENU.findall(html):
        for url, label in LINK.findall(nav + tools):
            links[label.strip()] = url.replace("&amp;", "&")
    return links


def signed_in(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def menus_of(client, username) -> dict[str, str]:
    """Every link of the menus of the role's home page and of the home itself."""
    signed_in(client, username)
    start = client.get("/start/")
    assert start.status_code == 302
    links = menu_links(client.get("/").content.decode())
    home = client.get(start["Location"])
    assert home.status_code == 200, (username, start["Location"])
    links.update(menu_links(home.content.decode()))
    return links


ROLES = [account[0] for account in accounts_demo.DEMO_ACCOUNTS]


@pytest.mark.parametrize("username", ROLES)
def test_every_link_in_a_roles_menu_opens_for_that_role(client, username):
    links = menus_of(client, username)
    assert links, username
    for label, url in links.items():
        with time_machine.travel(MOMENT, tick=False):
            r = client.get(url)
        assert r.status_code == 200, f"{username}: {label} {url} → {r.status_code}"


def test_each_role_sees_exactly_its_doors(client):
    expected = {
        "applicant": {"预约", "手机取号", "我的办件"},
        "counter": {"工作台", "窗口收件", "叫号"},
        "reviewer": {"工作台"},
        "supervisor": {"工作台", "电子监察"},
        "head": {"工作台", "电子监察"},
        # superuser and 中心管理员: the supervision desk opens for them too
        "admin": {"工作台", "管理后台", "电子监察"},
    }
    staff_only = {"工作台", "窗口收件", "叫号", "电子监察", "管理后台"}
    applicant_only = {"预约", "手机取号", "我的办件"}
    for username, doors in expected.items():
        client.logout()
        labels = set(menus_of(client, username))
        assert {"办事指南", "办件查询"} <= labels, username
        assert doors <= labels, (username, labels)
        others = (staff_only | applicant_only) - doors
        assert not (others & labels), (username, others & labels)


def test_the_supervisor_starts_on_the_supervision_view(client):
    supervisor = User.objects.get(username="supervisor")
    r = client.post(
        "/accounts/login/", {"username": "supervisor", "password": PASSWORD}
    )
    assert r.status_code == 302 and r["Location"] == "/start/"
    r = client.get("/start/")
    assert r["Location"] == supervision_url(supervisor)
    assert client.get(r["Location"]).status_code == 200


def test_applicants_start_on_their_cases_and_staff_on_the_workbench(client):
    signed_in(client, "applicant")
    assert client.get("/start/")["Location"] == "/cases/mine/"
    client.logout()
    signed_in(client, "reviewer")
    assert client.get("/start/")["Location"] == "/workbench/"


def test_a_visitor_sees_the_public_doors_and_login(client):
    links = menu_links(client.get("/").content.decode())
    assert {
        "办事指南",
        "办件查询",
        "预约",
        "手机取号",
        "我的办件",
        "登录",
        "注册",
    } <= set(links)
    assert "工作台" not in links
    for label, url in links.items():
        r = client.get(url)
        if r.status_code == 302:  # needs an account: the login page
            assert r["Location"].startswith("/accounts/login/"), label
        else:
            assert r.status_code == 200, (label, url)


def test_the_403_page_tells_staff_which_role_and_whom_to_ask(client):
    signed_in(client, "supervisor")
    r = client.get("/workbench/intake/")
    assert r.status_code == 403
    page = r.content.decode()
    assert "窗口人员" in page and "中心管理员" in page
    assert "监察人员" in page  # the role the person has now
    assert "申请人请前往" not in page and "我的办件</a>：" not in page


def test_the_403_page_tells_applicants_what_they_can_do_instead(client):
    signed_in(client, "applicant")
    r = client.get("/workbench/")
    assert r.status_code == 403
    page = r.content.decode()
    assert "仅供政务服务中心工作人员使用" in page
    assert 'href="/cases/mine/"' in page and 'href="/cases/lookup/"' in page
    assert "中心管理员" not in page


def test_a_counter_clerk_without_a_counter_is_told_to_ask_for_one(client):
    StaffCounterAssignment.objects.filter(user__username="counter").delete()
    signed_in(client, "counter")
    r = client.get("/workbench/queue/")
    assert r.status_code == 403
    assert "分配窗口" in r.content.decode()
    assert "叫号" not in menu_links(client.get("/workbench/").content.decode())
