"""Pages of cases: applicant portal, public lookup, staff workbench."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.cases import services
from zhengtong.cases.constants import Status
from zhengtong.cases.models import Case
from zhengtong.catalog.tests.factories import DepartmentFactory, ServiceItemFactory

from .conftest import EXE_BYTES, PDF_BYTES, World, pdf_file, to_deciding_step

PDF = PDF_BYTES
EXE = EXE_BYTES
VALID_ID = "11010519491231002X"
pdf = pdf_file


class Ui(World):
    """The cases test world with an online item, named as the page tests use it."""

    def __init__(self) -> None:
        super().__init__(online=True)
        self.applicant2 = self.other_applicant
        self.foreign = self.foreign_reviewer

    def submitted_case(self, *, files: int = 2) -> Case:
        case = services.case_create(
            applicant=self.applicant, item=self.item, actor=self.applicant, submit=False
        )
        for material in self.materials[:files]:
            services.case_material_add(
                case=case, actor=self.applicant, file=pdf(), material=material
            )
        return services.case_submit(case=case, actor=self.applicant)


@pytest.fixture
def ui(db) -> Ui:
    return Ui()


# -- permissions -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/cases/mine/",
        "/cases/1/",
        "/workbench/",
        "/workbench/intake/",
        "/workbench/cases/1/",
    ],
)
def test_anonymous_users_are_sent_to_the_login_page(client, ui, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_apply_page_needs_login(client, ui):
    response = client.get(reverse("cases:apply", args=[ui.item.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "url", ["/workbench/", "/workbench/intake/", "/workbench/cases/"]
)
def test_applicant_cannot_open_the_workbench(client, ui, url):
    client.force_login(ui.applicant)
    assert client.get(url).status_code == 403


def test_applicant_cannot_open_the_workbench_case_page_or_act(client, ui):
    case = ui.submitted_case()
    client.force_login(ui.applicant)
    assert client.get(f"/workbench/cases/{case.pk}/").status_code == 403
    response = client.post(f"/workbench/cases/{case.pk}/accept/", {})
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_another_applicant_gets_404_for_my_case(client, ui):
    case = ui.submitted_case()
    client.force_login(ui.applicant2)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.get(f"/cases/{case.pk}/withdraw/").status_code == 404
    assert (
        client.post(f"/cases/{case.pk}/withdraw/", {"confirm": "on"}).status_code == 404
    )
    document_id = case.documents.values_list("pk", flat=True).first()
    material_id = case.materials.values_list("pk", flat=True).first()
    assert client.get(f"/cases/materials/{material_id}/").status_code == 404
    if document_id:
        assert client.get(f"/cases/documents/{document_id}/").status_code == 404
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_staff_of_another_department_gets_404(client, ui):
    case = ui.submitted_case()
    client.force_login(ui.foreign)
    assert client.get(f"/workbench/cases/{case.pk}/").status_code == 404
    assert client.post(f"/workbench/cases/{case.pk}/accept/", {}).status_code == 404
    material_id = case.materials.values_list("pk", flat=True).first()
    assert client.get(f"/cases/materials/{material_id}/").status_code == 404
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_other_department_inbox_does_not_list_my_case(client, ui):
    case = ui.submitted_case()
    client.force_login(ui.foreign)
    response = client.get("/workbench/?inbox=intake")
    assert response.status_code == 200
    assert case.number not in response.content.decode()
    client.force_login(ui.counter)
    response = client.get("/workbench/?inbox=intake")
    assert case.number in response.content.decode()


def test_lists_mask_id_numbers_and_phones(client, ui):
    from zhengtong.accounts.services import applicant_identity_set

    applicant_identity_set(user=ui.applicant, id_number=VALID_ID)
    case = ui.submitted_case()
    client.force_login(ui.counter)
    body = client.get("/workbench/?inbox=intake").content.decode()
    assert case.number in body
    assert VALID_ID not in body
    assert "1101**********002X" in body
    body = client.get(f"/workbench/cases/{case.pk}/").content.decode()
    assert VALID_ID not in body
    assert "13800001111" not in body


# -- applicant: apply, draft, submit ---------------------------------------


def test_apply_saves_a_draft_and_resumes_it(client, ui):
    client.force_login(ui.applicant)
    url = reverse("cases:apply", args=[ui.item.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert ui.materials[0].name in page.content.decode()
    first = ui.materials[0]
    response = client.post(
        url,
        {
            "contact_name": "张三",
            "contact_phone": "13800001111",
            "matter": "开设一家小餐馆",
            f"material_{first.pk}": pdf(),
            "do": "draft",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(applicant=ui.applicant)
    assert case.status == Status.DRAFT
    assert case.form_data["matter"] == "开设一家小餐馆"
    resumed = client.get(url).content.decode()
    assert case.number in resumed
    assert "开设一家小餐馆" in resumed
    assert "已上传" in resumed
    response = client.post(
        url,
        {
            "contact_name": "张三",
            "contact_phone": "13800001111",
            "matter": "开设一家小餐馆",
            "do": "submit",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert Case.objects.filter(applicant=ui.applicant).count() == 1
    assert case.materials.count() == 1


def test_apply_with_bad_input_shows_chinese_errors_and_keeps_input(client, ui):
    client.force_login(ui.applicant)
    url = reverse("cases:apply", args=[ui.item.pk])
    response = client.post(
        url,
        {
            "contact_name": "",
            "contact_phone": "abc",
            "matter": "保留我写的内容",
            "do": "submit",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "请填写正确的联系电话" in body
    assert "保留我写的内容" in body
    assert not Case.objects.exists()


def test_apply_refuses_an_executable_renamed_pdf_and_changes_nothing(client, ui):
    client.force_login(ui.applicant)
    url = reverse("cases:apply", args=[ui.item.pk])
    response = client.post(
        url,
        {
            "contact_name": "张三",
            "contact_phone": "13800001111",
            "matter": "说明",
            f"material_{ui.materials[0].pk}": SimpleUploadedFile("身份证.pdf", EXE),
            "do": "submit",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "文件内容与类型不符" in body
    assert "说明" in body
    assert not Case.objects.exists()


def test_staff_cannot_apply_online(client, ui):
    client.force_login(ui.counter)
    response = client.post(
        reverse("cases:apply", args=[ui.item.pk]),
        {
            "contact_name": "王",
            "contact_phone": "13800001111",
            "matter": "x",
            "do": "submit",
        },
    )
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_apply_for_unknown_item_is_404(client, ui):
    client.force_login(ui.applicant)
    assert client.get("/cases/apply/999999/").status_code == 404


def test_mine_lists_only_my_cases(client, ui):
    mine = ui.submitted_case()
    other = services.case_create(
        applicant=ui.applicant2, item=ui.item, actor=ui.applicant2
    )
    client.force_login(ui.applicant)
    body = client.get("/cases/mine/").content.decode()
    assert mine.number in body
    assert other.number not in body


# -- supplement and withdraw --------------------------------------------------


def test_supplement_answer_uploads_listed_materials_and_resubmits(client, ui):
    case = ui.submitted_case(files=1)
    services.case_supplement_request(case=case, actor=ui.counter, reason="缺材料")
    client.force_login(ui.applicant)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "补正材料" in page
    assert ui.materials[1].name in page
    empty = client.post(f"/cases/{case.pk}/supplement/", {})
    assert empty.status_code == 400
    assert "请上传补正材料或填写补正说明" in empty.content.decode()
    response = client.post(
        f"/cases/{case.pk}/supplement/",
        {"line_0": pdf("补正.pdf"), "note": "已补齐"},  # line 1: the missing material
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    assert case.materials.get(supplement_line=0).material_id == ui.materials[1].pk


def test_withdraw_needs_confirmation(client, ui):
    case = ui.submitted_case()
    client.force_login(ui.applicant)
    assert client.get(f"/cases/{case.pk}/withdraw/").status_code == 200
    response = client.post(f"/cases/{case.pk}/withdraw/", {"reason": "不办了"})
    assert response.status_code == 400
    assert "请勾选确认后再撤回" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED
    response = client.post(
        f"/cases/{case.pk}/withdraw/", {"reason": "不办了", "confirm": "on"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN


def test_withdraw_after_decision_shows_the_refusal_not_a_500(client, ui):
    case = ui.submitted_case()
    services.case_accept(case=case, actor=ui.counter)
    case.refresh_from_db()
    services.case_decide(case=case, actor=to_deciding_step(case), outcome="approve")
    client.force_login(ui.applicant)
    response = client.post(f"/cases/{case.pk}/withdraw/", {"confirm": "on"})
    assert response.status_code in (403, 409)
    assert (
        "不能执行" in response.content.decode() or "无权" in response.content.decode()
    )
    case.refresh_from_db()
    assert case.status == Status.DECIDED_APPROVED


# -- public lookup ----------------------------------------------------------------


def test_lookup_shows_status_without_personal_data(client, ui):
    case = ui.submitted_case()
    response = client.get(
        "/cases/lookup/", {"number": case.number, "code": case.query_code}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "已收件" in body
    assert "张三" not in body
    assert "13800001111" not in body


@pytest.mark.parametrize("how", ["wrong_code", "unknown_number", "garbage"])
def test_lookup_with_wrong_code_says_not_found_the_same_way(client, ui, how):
    case = ui.submitted_case()
    params = {
        "wrong_code": {"number": case.number, "code": "ZZZZZZZZ"},
        "unknown_number": {"number": "511602-2099-999999", "code": case.query_code},
        "garbage": {"number": "x" * 500, "code": ""},
    }[how]
    response = client.get("/cases/lookup/", params)
    body = response.content.decode()
    assert response.status_code == 200
    assert "未找到" in body
    assert case.item_version.name not in body


# -- workbench ------------------------------------------------------------------------


def test_workbench_home_shows_inbox_tabs_with_counts(client, ui):
    ui.submitted_case()
    client.force_login(ui.counter)
    body = client.get("/workbench/").content.decode()
    for label in ("待受理", "我的待办", "即将到期", "已超期"):
        assert label in body
    assert re.search(r"待受理\s*<span class=\"count[^\"]*\">1<", body)


def test_workbench_request_supplement_is_prefilled_with_all_missing_materials(
    client, ui
):
    case = ui.submitted_case(files=0)
    client.force_login(ui.counter)
    page = client.get(
        f"/workbench/cases/{case.pk}/request-supplement/"
    ).content.decode()
    for material in ui.materials:
        assert re.search(rf'value="{material.pk}"[^>]*checked', page)
    response = client.post(
        f"/workbench/cases/{case.pk}/request-supplement/",
        {"missing": [str(m.pk) for m in ui.materials], "extra": "营业执照复印件不清晰"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.SUPPLEMENT_REQUESTED
    items = case.supplement_requests.get().items
    assert {i["name"] for i in items} >= {ui.materials[0].name, "营业执照复印件不清晰"}


def test_workbench_accept_with_missing_materials_shows_the_service_message(client, ui):
    case = ui.submitted_case(files=1)
    client.force_login(ui.counter)
    response = client.post(f"/workbench/cases/{case.pk}/accept/", {"note": ""})
    assert response.status_code == 409
    assert "材料不齐全" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_workbench_extend_rejects_bad_days_and_unauthorised_staff(client, ui):
    case = ui.submitted_case()
    services.case_accept(case=case, actor=ui.counter)
    case.refresh_from_db()
    client.force_login(case.current_assignee)
    url = f"/workbench/cases/{case.pk}/extension-request/"
    bad = client.post(url, {"days": "11", "reason": "复杂"})
    assert bad.status_code == 400
    assert "不得超过10个工作日" in bad.content.decode()
    client.force_login(ui.counter)
    refused = client.post(url, {"days": "5", "reason": "复杂"})
    assert refused.status_code == 403
    case.refresh_from_db()
    assert case.extension_days == 0


def test_workbench_unknown_action_is_404(client, ui):
    case = ui.submitted_case()
    client.force_login(ui.counter)
    assert client.get(f"/workbench/cases/{case.pk}/explode/").status_code == 404


def test_workbench_deny_needs_a_reason(client, ui):
    case = ui.submitted_case()
    services.case_accept(case=case, actor=ui.counter)
    client.force_login(ui.reviewer)
    response = client.post(f"/workbench/cases/{case.pk}/deny/", {"reason": " "})
    assert response.status_code == 400
    assert "请填写不予许可的理由" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED


def test_counter_intake_validates_the_id_number(client, ui):
    client.force_login(ui.counter)
    url = f"/workbench/intake/{ui.item.pk}/"
    response = client.post(
        url,
        {
            "display_name": "赵六",
            "id_type": "resident_id",
            "id_number": "110105194912310021",
            "phone": "",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "校验不通过" in body
    assert "赵六" in body
    assert not Case.objects.exists()


def test_counter_intake_creates_the_case_for_a_walk_in(client, ui):
    client.force_login(ui.counter)
    response = client.post(
        f"/workbench/intake/{ui.item.pk}/",
        {
            "display_name": "赵六",
            "id_type": "resident_id",
            "id_number": VALID_ID,
            "phone": "13900002222",
            "matter": "窗口申请",
            f"material_{ui.materials[0].pk}": pdf(),
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.status == Status.SUBMITTED
    assert case.channel == "counter"
    assert case.applicant_name == "赵六"
    assert case.materials.count() == 1


def test_counter_intake_refused_for_another_departments_item(client, ui):
    client.force_login(ui.foreign)
    response = client.post(
        f"/workbench/intake/{ui.item.pk}/",
        {"display_name": "赵六", "id_type": "resident_id", "id_number": VALID_ID},
    )
    assert response.status_code == 403
    assert not Case.objects.exists()


# -- demo seed ------------------------------------------------------------------------------


def _demo_world():
    from zhengtong.accounts import demo as accounts_demo

    dept = DepartmentFactory(name="区行政审批局")
    ServiceItemFactory(
        department=dept, published__promised_days=5, published__statutory_days=20
    )
    ServiceItemFactory(
        department=dept, published__promised_days=None, published__statutory_days=None
    )
    accounts_demo.seed(password="demo-pass-123")
    return dept


def test_demo_seed_creates_cases_in_every_state_once(db):
    from zhengtong.cases import demo

    _demo_world()
    demo.seed(password="demo-pass-123")
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses >= {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.SUPPLEMENT_REQUESTED,
        Status.ACCEPTED,
        Status.UNDER_REVIEW,
        Status.SUSPENDED,
        Status.DECIDED_APPROVED,
        Status.DECIDED_DENIED,
        Status.CONCLUDED,
        Status.REJECTED_AT_INTAKE,
        Status.WITHDRAWN,
    }
    assert Case.objects.filter(extension_days__gt=0).exists()
    assert Case.objects.filter(
        certificate_issued_at__isnull=False, status=Status.DECIDED_APPROVED
    ).exists()
    assert set(Case.objects.values_list("applicant__username", flat=True)) == {
        "applicant",
        "applicant2",
    }
    count = Case.objects.count()
    demo.seed(password="demo-pass-123")
    assert Case.objects.count() == count


def test_demo_seed_survives_a_missing_calendar_year(db, monkeypatch):
    from zhengtong.cases import clock, demo
    from zhengtong.workdays.calc import CalendarYearMissing

    _demo_world()

    def missing():
        raise CalendarYearMissing(2027)

    monkeypatch.setattr(clock, "calendar", missing)
    lines = []

    class Out:
        def write(self, text):
            lines.append(text)

    demo.seed(password="demo-pass-123", stdout=Out())
    assert "2027" in "".join(lines)
    assert not Case.objects.exclude(status=Status.DRAFT).exists()


def test_lookup_refuses_after_too_many_misses(client, ui):
    from django.core.cache import cache

    from zhengtong.cases.views import LOOKUP_MISSES_PER_HOUR

    cache.clear()
    case = ui.submitted_case()
    for _ in range(LOOKUP_MISSES_PER_HOUR):
        client.get("/cases/lookup/", {"number": case.number, "code": "WRONG000"})
    response = client.get(
        "/cases/lookup/", {"number": case.number, "code": case.query_code}
    )
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()
    assert case.item_version.name not in response.content.decode()
    cache.clear()


def test_my_notifications_are_listed_and_only_i_can_mark_them_read(
    client, ui, django_capture_on_commit_callbacks
):
    from zhengtong.cases.models import Notification

    case = ui.submitted_case(files=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_supplement_request(case=case, actor=ui.counter, reason="缺材料")
    notification = Notification.objects.filter(user=ui.applicant).first()
    assert notification is not None
    client.force_login(ui.applicant2)
    assert (
        client.post(f"/cases/notifications/{notification.pk}/read/").status_code == 404
    )
    notification.refresh_from_db()
    assert notification.read_at is None
    client.force_login(ui.applicant)
    assert notification.title in client.get("/cases/mine/").content.decode()
    assert (
        client.post(f"/cases/notifications/{notification.pk}/read/").status_code == 302
    )
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_only_the_centre_admin_may_reassign_a_step(client, ui):
    admin = ui.admin
    other = user_create(
        username="reviewer2",
        password="pw-123456",
        roles=[Role.REVIEWER],
        display_name="钱审批",
        department=ui.dept,
        is_staff=True,
    )
    case = ui.submitted_case()
    services.case_accept(case=case, actor=ui.counter)
    case.refresh_from_db()
    url = f"/workbench/cases/{case.pk}/reassign/"
    client.force_login(ui.counter)
    refused = client.post(url, {"assignee": other.pk, "reason": "调整"})
    assert refused.status_code == 403
    client.force_login(admin)
    assert "钱审批" in client.get(url).content.decode()
    missing = client.post(url, {"assignee": other.pk, "reason": ""})
    assert missing.status_code == 400
    foreign = client.post(url, {"assignee": ui.foreign.pk, "reason": "调整"})
    assert foreign.status_code == 400
    done = client.post(url, {"assignee": other.pk, "reason": "原承办人出差"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.current_assignee_id == other.pk


def test_workbench_lists_do_not_show_applicants_drafts(client, ui):
    draft = services.case_create(
        applicant=ui.applicant, item=ui.item, actor=ui.applicant, submit=False
    )
    client.force_login(ui.counter)
    body = client.get("/workbench/?inbox=all").content.decode()
    assert draft.number not in body


def test_items_not_offered_online_cannot_be_applied_for_online(client, ui):
    offline = ServiceItemFactory(department=ui.dept, online_available=False)
    client.force_login(ui.applicant)
    url = reverse("cases:apply", args=[offline.pk])
    assert client.get(url).status_code == 409
    response = client.post(
        url,
        {
            "contact_name": "张三",
            "contact_phone": "13800001111",
            "matter": "x",
            "do": "submit",
        },
    )
    assert response.status_code == 409
    assert "暂不支持网上申请" in response.content.decode()
    assert not Case.objects.exists()
