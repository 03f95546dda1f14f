"""
Counter screens for a desk (issue 18 item 5): the applicant's contact details
masked with an audited reveal, enterprise applicants at the counter, the
supplement answer with one slot per notice line, and a second confirmation
before every irreversible action.
"""

import re

from django.test import Client
from django.urls import reverse

import pytest

from zhengtong.accounts.identity import SubjectKind
from zhengtong.cases import services
from zhengtong.cases.constants import Status
from zhengtong.cases.models import Case, CaseMaterial
from zhengtong.cases.tests.conftest import World, pdf_file
from zhengtong.catalog.credit import credit_code_check_char
from zhengtong.core.models import AuditEvent
from zhengtong.workbench.actions import ACTION_SPECS, IRREVERSIBLE

PERSON_ID = "11010519491231002X"
AGENT_ID = "110101199003074477"
CREDIT_BODY = "91350100M000100Y4"
CREDIT_CODE = CREDIT_BODY + credit_code_check_char(CREDIT_BODY)
BAD_CREDIT_CODE = CREDIT_BODY + ("1" if CREDIT_CODE.endswith("0") else "0")


@pytest.fixture(autouse=True)
def _desk_day(frozen_today):
    """Every test runs on Monday 2026-03-02 (deadlines count from today)."""


@pytest.fixture
def world(db) -> World:
    return World(online=True)


def online_case(w: World, *, phone: str = "13912345678", address: str = "") -> Case:
    """An online application whose form carries its own contact phone."""
    case = services.case_create(
        applicant=w.applicant,
        item=w.item,
        actor=w.applicant,
        submit=False,
        form_data={
            "contact_name": "张三",
            "contact_phone": phone,
            "contact_address": address,
            "matter": "开设一家小餐馆",
        },
    )
    for material in w.materials:
        services.case_material_add(
            case=case, actor=w.applicant, file=pdf_file(), material=material
        )
    return services.case_submit(case=case, actor=w.applicant)


def reveals(case: Case) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            stream=f"cases.case:{case.pk}", action="contact_revealed"
        )
    )


# -- contact details -----------------------------------------------------------


def test_staff_see_the_online_phone_and_address_masked(client, world):
    case = online_case(world, address="四川省广安市广安区建设路18号3单元")
    client.force_login(world.counter)
    body = client.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "139****5678" in body  # the number typed into the online form
    assert "138****1111" in body  # the account's own number, also masked
    assert "四川省广安市****" in body
    for full in ("13912345678", "13800001111", "建设路18号"):
        assert full not in body
    assert reveals(case) == []  # looking at the page reveals nothing


def test_reveal_shows_the_full_value_and_is_audited_with_the_actor(client, world):
    case = online_case(world, address="四川省广安市广安区建设路18号3单元")
    client.force_login(world.counter)
    url = reverse("workbench:case-contact-reveal", args=[case.pk, "phone"])
    page = client.post(url)
    assert page.status_code == 200
    assert "13912345678" in page.content.decode()
    assert "建设路18号" not in page.content.decode()  # one value at a time
    [event] = reveals(case)
    assert event.actor_id == world.counter.pk
    assert event.details["field"] == "phone"
    assert "13912345678" not in str(event.details)  # the value is not logged
    fragment = client.post(
        reverse("workbench:case-contact-reveal", args=[case.pk, "address"]),
        HTTP_HX_REQUEST="true",
    )
    assert fragment.status_code == 200
    text = fragment.content.decode()
    assert "建设路18号3单元" in text and "<html" not in text
    assert len(reveals(case)) == 2
    timeline = client.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "查看申请人联系方式" in timeline


def test_reveal_is_a_post_with_csrf_for_staff_who_see_the_case(world):
    case = online_case(world)
    url = reverse("workbench:case-contact-reveal", args=[case.pk, "phone"])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.counter)
    assert strict.get(url).status_code == 405
    assert strict.post(url).status_code == 403  # no CSRF token
    other = Client()
    other.force_login(world.foreign_reviewer)  # staff of another department
    assert other.post(url).status_code == 404
    applicant = Client()
    applicant.force_login(world.applicant)  # may see the case, but is no staff
    assert applicant.post(url).status_code == 403
    missing = Client()
    missing.force_login(world.counter)
    address = reverse("workbench:case-contact-reveal", args=[case.pk, "address"])
    assert missing.post(address).status_code == 404  # no address given
    assert reveals(case) == []


# -- enterprise applicants at the counter -----------------------------------------


def enterprise_post(world: World, **changes) -> dict:
    data = {
        "subject_kind": SubjectKind.ENTERPRISE,
        "org_name": "广安市清风餐饮有限公司",
        "credit_code": CREDIT_CODE,
        "legal_representative": "陈法人",
        "agent_name": "刘经办",
        "agent_id_type": "resident_id",
        "agent_id_number": AGENT_ID,
        "id_type": "resident_id",
        "phone": "13700001234",
        "address": "广安区建设路1号",
        "matter": "食品经营许可",
        f"material_{world.materials[0].pk}": pdf_file(),
    }
    data.update(changes)
    return data


def test_intake_form_offers_person_and_enterprise(client, world):
    client.force_login(world.counter)
    body = client.get(f"/workbench/intake/{world.item.pk}/").content.decode()
    for label in ("个人", "企业", "统一社会信用代码", "法定代表人", "经办人证件号码"):
        assert label in body


def test_counter_registers_an_enterprise_with_its_agent(client, world):
    client.force_login(world.counter)
    response = client.post(
        f"/workbench/intake/{world.item.pk}/", enterprise_post(world)
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.applicant.subject_kind == SubjectKind.ENTERPRISE
    assert case.applicant.credit_code == CREDIT_CODE
    assert case.applicant_name == "广安市清风餐饮有限公司"
    assert case.applicant_id_number == CREDIT_CODE
    assert case.form_data["legal_representative"] == "陈法人"
    assert case.agent is not None and case.agent.id_number == AGENT_ID
    assert case.agent.subject_kind == SubjectKind.PERSON
    page = client.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert "陈法人" in page and "刘经办" in page and "经办人" in page
    assert "137****1234" in page and "13700001234" not in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"credit_code": BAD_CREDIT_CODE}, "统一社会信用代码校验不通过"),
        ({"credit_code": ""}, "请填写统一社会信用代码"),
        ({"legal_representative": ""}, "请填写法定代表人"),
        ({"agent_id_number": ""}, "请填写经办人证件号码"),
        ({"agent_id_number": "110101199003074478"}, "校验不通过"),
    ],
)
def test_enterprise_intake_refuses_bad_input(client, world, changes, message):
    client.force_login(world.counter)
    response = client.post(
        f"/workbench/intake/{world.item.pk}/", enterprise_post(world, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_api_and_page_share_one_intake_service(world):
    """The service itself refuses a bad credit code (the API's door too)."""
    from zhengtong.core.errors import ApplicationError

    with pytest.raises(ApplicationError) as err:
        services.case_counter_intake_walk_in(
            actor=world.counter,
            item=world.item,
            display_name="陈法人",
            subject_kind=SubjectKind.ENTERPRISE,
            org_name="某公司",
            credit_code=BAD_CREDIT_CODE,
        )
    assert err.value.code == "invalid_credit_code"
    assert not Case.objects.exists()


# -- supplement: one slot per line of the notice ---------------------------------------


def three_line_notice(world: World) -> Case:
    case = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant, submit=False
    )
    case = services.case_submit(case=case, actor=world.applicant)
    first, second = world.materials[:2]
    services.case_supplement_request(
        case=case,
        actor=world.counter,
        missing=[
            first.pk,
            second.pk,
            {"name": "营业场所使用证明", "problem": "租赁合同须加盖出租方印章"},
        ],
    )
    return case


def test_supplement_with_three_lines_ties_each_file_to_its_line(client, world):
    case = three_line_notice(world)
    client.force_login(world.applicant)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert page.count('type="file"') == 3
    assert "3. 营业场所使用证明" in page
    assert "租赁合同须加盖出租方印章" in page
    assert "multiple" in page
    response = client.post(
        reverse("cases:supplement", args=[case.pk]),
        {
            "line_0": [pdf_file("申请书-第1页.pdf"), pdf_file("申请书-第2页.pdf")],
            "line_1": pdf_file("身份证.pdf"),
            "line_2": pdf_file("租赁合同.pdf"),
            "note": "已按告知补齐",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    request = case.supplement_requests.get()
    files = list(
        CaseMaterial.objects.filter(case=case)
        .order_by("id")
        .values_list(
            "original_name", "supplement_request_id", "supplement_line", "material_id"
        )
    )
    first, second = world.materials[:2]
    assert files == [
        ("申请书-第1页.pdf", request.pk, 0, first.pk),
        ("申请书-第2页.pdf", request.pk, 0, first.pk),
        ("身份证.pdf", request.pk, 1, second.pk),
        ("租赁合同.pdf", request.pk, 2, None),
    ]
    assert CaseMaterial.objects.get(supplement_line=2).name == "营业场所使用证明"

    client.force_login(world.counter)
    staff = client.get(f"/workbench/cases/{case.pk}/").content.decode()
    section = staff.split("补正材料（按告知事项）", 1)[1]
    rows = re.findall(r'<tr data-supplement-line="(\d)">(.*?)</tr>', section, re.S)
    by_line = {number: html for number, html in rows}
    assert set(by_line) == {"1", "2", "3"}
    assert "申请书-第1页.pdf" in by_line["1"] and "申请书-第2页.pdf" in by_line["1"]
    assert "身份证.pdf" in by_line["2"] and "租赁合同.pdf" not in by_line["2"]
    assert "营业场所使用证明" in by_line["3"] and "租赁合同.pdf" in by_line["3"]
    assert "答告知第3项" in staff


def test_supplement_line_that_is_not_in_the_notice_is_refused(world):
    from zhengtong.core.errors import ApplicationError

    case = three_line_notice(world)
    with pytest.raises(ApplicationError) as err:
        services.case_supplement_submit(
            case=case, actor=world.applicant, line_files=[(3, pdf_file())]
        )
    assert err.value.code == "supplement_line_unknown"
    assert not CaseMaterial.objects.filter(case=case).exists()


def test_a_listed_material_sent_without_a_line_is_tied_to_its_line(world):
    """The API path (files by material) links the file to the notice line too."""
    case = three_line_notice(world)
    second = world.materials[1]
    services.case_supplement_submit(
        case=case, actor=world.applicant, files=[(second.pk, pdf_file())]
    )
    row = CaseMaterial.objects.get(case=case)
    assert row.supplement_line == 1


# -- confirmation of irreversible actions ---------------------------------------------


def test_every_irreversible_action_asks_again():
    assert {"refuse", "deny", "conclude", "terminate", "approve"} <= set(IRREVERSIBLE)
    assert set(IRREVERSIBLE) <= set(ACTION_SPECS)
    assert "accept" not in IRREVERSIBLE  # accepting is followed by more steps


def test_refuse_runs_only_after_the_second_confirmation(client, world):
    case = online_case(world)
    client.force_login(world.counter)
    url = f"/workbench/cases/{case.pk}/refuse/"
    form = client.get(url).content.decode()
    assert 'data-confirm-dialog="confirm-dialog"' in form and "<dialog" in form
    first = client.post(url, {"reason": "申请人不具备主体资格"})
    assert first.status_code == 200
    body = first.content.decode()
    assert "请再次确认" in body and "不能撤销" in body
    assert 'name="confirmed" value="1"' in body
    assert 'value="申请人不具备主体资格"' in body  # carried to the second page
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    back = client.post(
        url, {"reason": "申请人不具备主体资格", "confirmed": "1", "back": "1"}
    )
    assert back.status_code == 200
    assert 'name="confirmed"' not in back.content.decode()  # the form again
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    done = client.post(url, {"reason": "申请人不具备主体资格", "confirmed": "1"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.REJECTED_AT_INTAKE


def test_an_invalid_form_is_not_confirmed_but_corrected(client, world):
    case = online_case(world)
    client.force_login(world.counter)
    response = client.post(f"/workbench/cases/{case.pk}/refuse/", {"reason": " "})
    assert response.status_code == 400
    assert 'name="confirmed"' not in response.content.decode()


def test_workbench_pages_have_no_inline_scripts(client, world):
    case = online_case(world)
    client.force_login(world.counter)
    for url in (
        "/workbench/",
        f"/workbench/cases/{case.pk}/",
        f"/workbench/cases/{case.pk}/refuse/",
        f"/workbench/intake/{world.item.pk}/",
    ):
        body = client.get(url).content.decode()
        for tag in re.findall(r"<script[^>]*>", body):
            assert "src=" in tag, (url, tag)
        assert " onclick=" not in body and " onsubmit=" not in body


# -- the API takes the same fields (one service behind both doors) ---------------------


def api_client(user):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_api_intake_registers_an_enterprise_with_its_agent(world):
    response = api_client(world.counter).post(
        "/api/v1/cases/intake/",
        {
            "item_code": world.item.item_code,
            "display_name": "陈法人",
            "subject_kind": SubjectKind.ENTERPRISE,
            "org_name": "广安市清风餐饮有限公司",
            "credit_code": CREDIT_CODE,
            "legal_representative": "陈法人",
            "agent_name": "刘经办",
            "agent_id_number": AGENT_ID,
            "phone": "13700001234",
            "address": "广安区建设路1号",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    case = Case.objects.get()
    assert case.agent.id_number == AGENT_ID
    assert case.form_data["legal_representative"] == "陈法人"
    assert case.form_data["contact_address"] == "广安区建设路1号"


def test_api_supplement_ties_files_to_the_lines_given(world):
    case = three_line_notice(world)
    response = api_client(world.applicant).post(
        f"/api/v1/cases/{case.pk}/supplement/",
        {
            "files": [pdf_file("合同.pdf"), pdf_file("申请书.pdf")],
            "supplement_lines": [2, 0],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    lines = dict(
        CaseMaterial.objects.filter(case=case).values_list(
            "original_name", "supplement_line"
        )
    )
    assert lines == {"合同.pdf": 2, "申请书.pdf": 0}
