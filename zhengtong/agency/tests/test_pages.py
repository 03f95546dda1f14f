"""Workbench pages of agency: the 出件 desk, the 代办 desk, 四办, the inbox."""

from django.test import Client
from django.urls import reverse

import pytest

from zhengtong.agency import services
from zhengtong.cases.models import Case

from .conftest import APPLICANT_ID, complete_case


@pytest.fixture
def ready(aworld):
    return aworld.case_received_at(aworld.hall_a)


def test_the_handover_desk_page_lists_the_hall_and_hands_over(client, aworld, ready):
    client.force_login(aworld.desk_other)
    page = client.get(reverse("workbench:agency-handover-desk"))
    assert page.status_code == 200
    assert ready.number in page.content.decode()
    assert APPLICANT_ID not in page.content.decode()  # masked
    url = reverse("workbench:agency-handover-case", args=[ready.pk])
    assert client.get(url).status_code == 200
    wrong = client.post(
        url,
        {
            "method": "counter_pickup",
            "counter": aworld.counter_a.pk,
            "identity_check": "id_check",
            "id_number": "110101199001010000",
        },
    )
    assert wrong.status_code == 400
    assert "不一致" in wrong.content.decode()
    assert Case.objects.get(pk=ready.pk).delivered_at is None
    done = client.post(
        url,
        {
            "method": "counter_pickup",
            "counter": aworld.counter_a.pk,
            "identity_check": "signature",
            "recipient": "张三",
        },
    )
    assert done.status_code == 302
    assert Case.objects.get(pk=ready.pk).handover.counter == aworld.counter_a
    # another hall's clerk and an applicant are kept out
    client = Client()
    client.force_login(aworld.desk_b)
    assert (
        ready.number
        not in client.get(reverse("workbench:agency-handover-desk")).content.decode()
    )
    client.force_login(aworld.applicant)
    assert client.get(reverse("workbench:agency-handover-desk")).status_code == 403


def test_agency_and_project_pages_render_for_their_people(client, aworld):
    case = complete_case(aworld, None)
    a = services.assignment_request(case=case, actor=aworld.applicant, kind="agency")
    client.force_login(aworld.admin)
    assert case.number in client.get(reverse("workbench:agency-desk")).content.decode()
    url = reverse("workbench:agency-assignment", args=[a.pk])
    assert (
        client.post(url, {"action": "assign", "officer": aworld.officer.pk}).status_code
        == 302
    )
    assert (
        client.post(
            url, {"action": "consent", "method": "signed", "note": ""}
        ).status_code
        == 400
    )
    assert (
        client.post(
            url, {"action": "consent", "method": "signed", "note": "纸质授权书存档案室"}
        ).status_code
        == 302
    )
    client.force_login(aworld.officer_user)
    page = client.get(url).content.decode()
    assert "代为提交补正材料" in page
    client.force_login(aworld.other_applicant)
    assert client.get(url).status_code in (302, 403)
    client.force_login(aworld.admin)
    response = client.post(
        reverse("workbench:agency-projects"),
        {
            "name": "智能制造基地",
            "enterprise": "某科技公司",
            "sector": "industry",
            "registered_capital_wan": "1000",
            "windows": 3,
            "follow_up_officer": aworld.officer_user.pk,
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "注册资本 1000 万元" in detail


def test_green_channel_cases_come_first_in_the_inbox(client, aworld):
    complete_case(aworld, None)
    marked = complete_case(aworld, None)
    services.priority_mark_case(
        case=marked, actor=aworld.counter, kind="elderly", basis="持老年证"
    )
    client.force_login(aworld.counter)
    page = client.get(reverse("workbench:home") + "?inbox=intake").content.decode()
    green = page.index("绿色通道（优先办理）")
    assert page.index(marked.number) > green
    assert page.index(marked.number) < page.index("待受理", green)
