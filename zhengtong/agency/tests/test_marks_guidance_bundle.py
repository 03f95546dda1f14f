"""Revoking a green-channel mark, 导办 records, 统一出件 of a 一件事."""

from django.contrib.auth.models import Permission

import pytest
from rest_framework.test import APIClient

from zhengtong.agency import selectors, services
from zhengtong.agency.models import GuidanceRecord, Handover, PriorityMark
from zhengtong.bundles.models import Bundle, BundleApplication, BundleSubCase
from zhengtong.cases.models import Case, Notification
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.queueing import services as queue_services
from zhengtong.queueing.models import Ticket

from .conftest import APPLICANT_ID, complete_case


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


# -- revoking a mark ----------------------------------------------------------


def test_revoking_a_case_mark_drops_its_priority_and_keeps_the_history(aworld):
    w = aworld
    case = complete_case(w, None)
    mark = services.priority_mark_case(
        case=case, actor=w.counter, kind="elderly", basis="持老年证"
    )
    for user, code in ((w.desk_b, 403), (w.applicant, 403)):
        with pytest.raises(ApplicationError) as err:
            services.priority_mark_revoke(mark=mark, actor=user, reason="误标")
        assert err.value.status == code
    with pytest.raises(ApplicationError) as err:
        services.priority_mark_revoke(mark=mark, actor=w.counter, reason="  ")
    assert err.value.code == "invalid_input"
    assert PriorityMark.objects.get(pk=mark.pk).revoked_at is None
    response = api(w.counter).post(
        f"/api/v1/agency/marks/{mark.pk}/revoke/", {"reason": "年龄未满60周岁"}
    )
    assert response.status_code == 200, response.json()
    mark.refresh_from_db()
    assert (mark.revoked_by, mark.revoke_reason) == (w.counter, "年龄未满60周岁")
    assert not selectors.case_list_marked(qs=Case.objects.all()).exists()
    assert selectors.case_mark_get(case=case) is None
    again = api(w.counter).post(
        f"/api/v1/agency/marks/{mark.pk}/revoke/", {"reason": "x"}
    )
    assert again.status_code == 409 and again.json()["code"] == "mark_revoked"
    assert AuditEvent.objects.filter(action="priority_mark_revoke").count() == 1
    day = case.received_date
    counts = selectors.mark_counts(date_from=day, date_to=day, group="kind")
    assert counts[0] | {} == {
        "key": "elderly",
        "label": "老年人",
        "count": 1,
        "given": 1,
        "revoked": 1,
    }
    # marked again after the revocation: a new mark, the old one kept
    services.priority_mark_case(
        case=case, actor=w.counter, kind="elderly", basis="补证"
    )
    assert PriorityMark.objects.filter(case=case).count() == 2


def test_revoking_a_ticket_mark_puts_it_back_in_its_old_group(aworld):
    w = aworld
    ticket = queue_services.ticket_issue(
        category=w.hall_a.categories["A"], channel="kiosk"
    )
    mark = services.priority_mark_ticket(
        ticket=ticket, actor=w.hall_a.staff, kind="disabled", basis="残疾人证"
    )
    ticket.refresh_from_db()
    assert ticket.priority_class == 0
    services.priority_mark_revoke(mark=mark, actor=w.hall_a.staff, reason="证件不符")
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.priority_class) == (Ticket.Priority.NONE, 1)


# -- 导办 -----------------------------------------------------------------------


@pytest.fixture
def guide(aworld):
    user = aworld.officer_user
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="agency", codename="record_guidance"
        )
    )
    return user


def test_a_guide_records_and_lists_guidance_masked(aworld, guide):
    w = aworld
    ticket = queue_services.ticket_issue(
        category=w.hall_a.categories["A"], channel="kiosk"
    )
    body = {
        "hall": w.hall_a.hall.pk,
        "visitor_name": "王小明",
        "visitor_phone": "13800138000",
        "need": "办理营业执照变更",
        "counter": w.counter_a.pk,
        "ticket_number": ticket.number.lower(),
    }
    response = api(guide).post("/api/v1/agency/guidance/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["visitor"] != "王小明"
    assert "13800138000" not in str(response.json())
    record = GuidanceRecord.objects.get()
    assert record.ticket == ticket and record.guide == guide
    listed = api(w.supervisor).get(f"/api/v1/agency/guidance/?hall={w.hall_a.hall.pk}")
    assert listed.status_code == 200 and len(listed.json()["results"]) == 1
    assert api(w.counter).get("/api/v1/agency/guidance/").status_code == 403
    assert (
        api(w.counter).post("/api/v1/agency/guidance/", body, format="json").status_code
        == 403
    )
    assert api(guide).get("/api/v1/agency/guidance/?day=2026-13-01").status_code == 400


@pytest.mark.parametrize(
    "change, words",
    [
        ({"visitor_name": " "}, "来访人"),
        ({"counter": None, "item": None}, "窗口或办理的事项"),
        ({"ticket_number": "Z999"}, "排队号"),
        ({"visitor_phone": "abc"}, "电话"),
        ({"counter": "other hall"}, "不在该大厅"),
    ],
)
def test_bad_guidance_input_is_refused_and_writes_nothing(aworld, guide, change, words):
    w = aworld
    if change.get("counter") == "other hall":
        change = {"counter": w.counter_b.pk}
    with pytest.raises(ApplicationError) as err:
        services.guidance_record_create(
            actor=guide,
            **{
                "hall_id": w.hall_a.hall.pk,
                "visitor_name": "王小明",
                "need": "咨询",
                "counter_id": w.counter_a.pk,
                **{
                    {"counter": "counter_id", "item": "item_id"}.get(k, k): v
                    for k, v in change.items()
                },
            },
        )
    assert words in err.value.message
    assert not GuidanceRecord.objects.exists()


def test_a_closed_counter_is_not_offered_nor_accepted(aworld, guide, client):
    w = aworld
    type(w.counter_a).objects.filter(pk=w.counter_a.pk).update(is_active=False)
    with pytest.raises(ApplicationError) as err:
        services.guidance_record_create(
            actor=guide,
            hall_id=w.hall_a.hall.pk,
            visitor_name="王小明",
            need="咨询",
            counter_id=w.counter_a.pk,
        )
    assert "已停用" in err.value.message
    assert not GuidanceRecord.objects.exists()
    client.force_login(guide)
    html = client.get("/workbench/agency/guidance/").content.decode()
    offered = html.split('name="counter"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{w.counter_a.pk}"' not in offered
    assert f'<option value="{w.counter_b.pk}"' in offered


def test_the_guidance_page_lists_and_exports(aworld, guide, client):
    w = aworld
    services.guidance_record_create(
        actor=guide,
        hall_id=w.hall_a.hall.pk,
        visitor_name="王小明",
        need="咨询社保",
        counter_id=w.counter_a.pk,
    )
    client.force_login(guide)
    page = client.get("/workbench/agency/guidance/")
    html = page.content.decode()
    assert page.status_code == 200 and "咨询社保" in html and "王小明" not in html
    xlsx = client.get("/workbench/agency/guidance/?export=xlsx")
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    client.force_login(w.counter)
    assert client.get("/workbench/agency/guidance/").status_code == 403


# -- 统一出件 of a 一件事 -----------------------------------------------------------


def _bundle(w, *, decided=(True, True), extra_open=False):
    bundle = Bundle.objects.create(code="test-bundle", name="测试一件事")
    application = BundleApplication.objects.create(
        bundle=bundle, number="YJS-2026-000001", applicant=w.applicant
    )
    cases = [w.case_received_at(w.hall_a, decide=d) for d in decided]
    for order, case in enumerate(cases):
        BundleSubCase.objects.create(application=application, case=case, order=order)
    return application, cases


PICKUP = {
    "method": "counter_pickup",
    "identity_check": "id_check",
    "id_number": APPLICANT_ID,
}


def test_all_ready_sub_cases_are_handed_over_at_once_and_told_once(
    aworld, django_capture_on_commit_callbacks
):
    w = aworld
    application, cases = _bundle(w)
    with django_capture_on_commit_callbacks(execute=True):
        response = api(w.counter).post(
            f"/api/v1/agency/handover/bundles/{application.pk}/", PICKUP, format="json"
        )
    assert response.status_code == 200, response.json()
    assert sorted(response.json()["cases"]) == sorted(c.pk for c in cases)
    assert all(Case.objects.get(pk=c.pk).delivered_at for c in cases)
    assert Handover.objects.filter(handed_at__isnull=False).count() == 2
    notes = Notification.objects.filter(case__in=cases, user=w.applicant)
    assert [n.event for n in notes if n.event.endswith("delivered")] == [
        "bundle_delivered"
    ]
    assert AuditEvent.objects.filter(action="handover_record_bundle").count() == 1


def test_a_sub_case_not_decided_blocks_all_at_once(aworld):
    w = aworld
    application, cases = _bundle(w, decided=(True, False))
    response = api(w.counter).post(
        f"/api/v1/agency/handover/bundles/{application.pk}/", PICKUP, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "bundle_pending"
    assert cases[1].number in response.json()["message"]
    assert not Case.objects.filter(delivered_at__isnull=False).exists()
    got = api(w.counter).get(f"/api/v1/agency/handover/bundles/{application.pk}/")
    assert [p["number"] for p in got.json()["pending"]] == [cases[1].number]


def test_a_wrong_id_hands_over_nothing_and_strangers_are_refused(aworld):
    w = aworld
    application, _cases = _bundle(w)
    url = f"/api/v1/agency/handover/bundles/{application.pk}/"
    bad = api(w.counter).post(
        url, {**PICKUP, "id_number": "110101199003070000"}, format="json"
    )
    assert bad.status_code == 400 and bad.json()["code"] == "id_mismatch"
    assert not Case.objects.filter(delivered_at__isnull=False).exists()
    assert not Handover.objects.filter(handed_at__isnull=False).exists()
    assert api(w.desk_b).post(url, PICKUP, format="json").status_code == 404
    assert api(w.applicant).post(url, PICKUP, format="json").status_code == 403


def test_the_desk_folds_a_bundle_into_one_row_and_hands_it_over(aworld, client):
    w = aworld
    application, cases = _bundle(w)
    client.force_login(w.counter)
    html = client.get("/workbench/agency/handover/").content.decode()
    assert application.number in html and "全部出件" in html
    url = f"/workbench/agency/handover/bundles/{application.pk}/"
    assert cases[0].number in client.get(url).content.decode()
    bad = client.post(url, {**PICKUP, "id_number": "110101199003070000"})
    assert bad.status_code == 400 and "不一致" in bad.content.decode()
    ok = client.post(url, PICKUP)
    assert ok.status_code == 302
    assert Case.objects.filter(delivered_at__isnull=False).count() == 2


def test_the_marks_page_revokes_with_a_reason(aworld, client):
    w = aworld
    case = complete_case(w, None)
    mark = services.priority_mark_case(
        case=case, actor=w.counter, kind="key_project", basis="市重点项目"
    )
    client.force_login(w.counter)
    assert "市重点项目" in client.get("/workbench/agency/marks/").content.decode()
    client.post("/workbench/agency/marks/", {"mark": mark.pk, "reason": ""})
    assert PriorityMark.objects.get(pk=mark.pk).revoked_at is None
    client.post("/workbench/agency/marks/", {"mark": mark.pk, "reason": "项目未列入"})
    assert PriorityMark.objects.get(pk=mark.pk).revoke_reason == "项目未列入"
    client.force_login(w.applicant)
    assert client.get("/workbench/agency/marks/").status_code in (302, 403)
