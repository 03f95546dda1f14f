"""The 一件事 portal pages: questionnaire → combined form → one submission → status."""

from django.test import Client

from zhengtong.bundles.models import BundleApplication
from zhengtong.cases.models import Case, CaseMaterial
from zhengtong.cases.tests.conftest import pdf_file

ANSWERS = {"q_insure": "yes", "q_card": "no", "q_mother_job": "self_employed"}


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_questionnaire_to_status_page(world):
    w = world
    anonymous = Client()
    assert "新生儿出生一件事" in anonymous.get("/bundles/").content.decode()
    page = anonymous.get("/bundles/newborn/", ANSWERS).content.decode()
    assert "需要办理 3 个事项" in page
    assert "生育津贴申领" not in page.split("h-chosen")[1]
    c = logged_in(w.applicant)
    page = c.get("/bundles/newborn/apply/", ANSWERS).content.decode()
    assert "新生儿姓名" in page and "母亲工作单位" not in page
    assert page.count('type="file"') == 1
    r = c.post(
        "/bundles/newborn/apply/",
        {
            **ANSWERS,
            "f_baby_name": "王小宝",
            "f_contact_phone": "13800001111",
            "delivery_method": "counter_pickup",
            "delivery_address": "",
            "m_household": pdf_file("户口簿.pdf"),
        },
    )
    application = BundleApplication.objects.get()
    assert r.status_code == 302
    assert r["Location"] == f"/bundles/applications/{application.pk}/"
    assert Case.objects.count() == 3
    assert len({m.file.name for m in CaseMaterial.objects.all()}) == 1
    status = c.get(r["Location"]).content.decode()
    assert application.number in status
    assert status.count("已提交") >= 3 or status.count('data-label="状态"') == 3
    assert "用于 3 个办件" in status
    # another applicant: 404; police staff: their sub-case only
    assert logged_in(w.other_applicant).get(r["Location"]).status_code == 404
    police = logged_in(w.police_reviewer).get(r["Location"]).content.decode()
    assert "出生登记（户口）" in police and "出生医学证明办理" not in police


def test_missing_required_material_keeps_the_form_and_creates_nothing(world):
    c = logged_in(world.applicant)
    r = c.post(
        "/bundles/newborn/apply/",
        {
            **ANSWERS,
            "f_baby_name": "王小宝",
            "f_contact_phone": "13800001111",
            "delivery_method": "mail",
            "delivery_address": "",
        },
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert "请上传该材料" in page
    assert not Case.objects.exists()


def test_bad_answers_lead_back_to_the_questionnaire(world):
    c = logged_in(world.applicant)
    r = c.get("/bundles/newborn/apply/", {"q_insure": "maybe"})
    assert r.status_code == 302 and r["Location"] == "/bundles/newborn/"
    assert c.get("/bundles/nope/").status_code == 404


def test_staff_cannot_open_the_combined_form(world):
    r = logged_in(world.police_reviewer).get("/bundles/newborn/apply/", ANSWERS)
    assert r.status_code == 403
