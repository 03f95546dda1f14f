"""Duty page (在岗与AB岗): own absence hands work to the B岗; who may set whose status."""

import pytest

from zhengtong.cases import services
from zhengtong.cases.tests.conftest import World, at, complete_case
from zhengtong.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def w() -> World:
    return World()


def absent(client, user, kind="请假", note="年休假"):
    return client.post(
        "/workbench/duty/",
        {"user_id": user.pk, "action": "absent", "kind": kind, "note": note},
    )


def refreshed(user):
    return type(user).objects.get(pk=user.pk)


class TestOwnStatus:
    def test_page_shows_my_post_and_backup(self, client, w):
        client.force_login(w.reviewer)
        page = client.get("/workbench/duty/").content.decode()
        assert "我的岗位" in page and "孙备岗" in page and "区行政审批局" in page

    def test_my_absence_moves_my_open_step_to_the_backup(self, client, w):
        case = services.case_accept(
            case=complete_case(w, at(2026, 3, 2)), actor=w.counter, now=at(2026, 3, 2)
        )
        step = case.steps.get(status="active")
        services.case_step_reassign(
            case=case, actor=w.admin, assignee=w.reviewer, reason="指定承办", step=step
        )
        client.force_login(w.reviewer)
        resp = absent(client, w.reviewer)
        assert resp.status_code == 302
        me = refreshed(w.reviewer)
        assert me.is_absent and me.absent_note == "请假：年休假"
        step.refresh_from_db()
        assert step.assignee_id == w.reviewer_b.pk
        event = AuditEvent.objects.filter(action="staff_absence_set").last()
        assert event.actor_id == w.reviewer.pk and event.to_state == "absent"
        page = client.get("/workbench/duty/").content.decode()
        assert "已转交 B岗 孙备岗" in page

    def test_return_clears_the_absence(self, client, w):
        client.force_login(w.reviewer)
        absent(client, w.reviewer)
        resp = client.post(
            "/workbench/duty/", {"user_id": w.reviewer.pk, "action": "present"}
        )
        assert resp.status_code == 302
        me = refreshed(w.reviewer)
        assert not me.is_absent and me.absent_note == ""

    def test_absence_without_a_reason_is_refused_and_changes_nothing(self, client, w):
        client.force_login(w.reviewer)
        resp = absent(client, w.reviewer, kind="")
        assert resp.status_code == 400
        assert "须选择事由" in resp.content.decode()
        assert not refreshed(w.reviewer).is_absent
        assert not AuditEvent.objects.filter(action="staff_absence_set").exists()

    def test_no_backup_is_allowed_with_a_warning(self, client, w):
        client.force_login(w.counter)
        absent(client, w.counter, kind="培训", note="")
        assert refreshed(w.counter).is_absent
        assert "尚未设置 B岗" in client.get("/workbench/duty/").content.decode()


class TestOthers:
    def test_colleague_cannot_set_someone_else(self, client, w):
        client.force_login(w.counter)
        resp = absent(client, w.reviewer)
        assert resp.status_code == 403
        assert "只能登记本人" in resp.content.decode()
        assert not refreshed(w.reviewer).is_absent

    def test_centre_admin_can_set_anyone(self, client, w):
        client.force_login(w.admin)
        assert absent(client, w.foreign_reviewer, kind="出差").status_code == 302
        assert refreshed(w.foreign_reviewer).is_absent

    def test_board_shows_only_own_department_to_ordinary_staff(self, client, w):
        client.force_login(w.counter)
        page = client.get("/workbench/duty/").content.decode()
        assert "赵审批" in page and "外部门" not in page
        client.force_login(w.admin)
        assert "外部门" in client.get("/workbench/duty/").content.decode()

    def test_unknown_person_and_bad_input(self, client, w):
        client.force_login(w.admin)
        resp = client.post(
            "/workbench/duty/", {"user_id": 999999, "action": "absent", "kind": "请假"}
        )
        assert resp.status_code == 400 and "没有找到" in resp.content.decode()
        resp = client.post("/workbench/duty/", {"user_id": "x", "action": "maybe"})
        assert resp.status_code == 400

    def test_applicant_gets_403_and_anonymous_the_login(self, client, w):
        assert client.get("/workbench/duty/").status_code == 302
        client.force_login(w.applicant)
        assert client.get("/workbench/duty/").status_code == 403
        assert absent(client, w.applicant).status_code == 403

    def test_applicant_cannot_be_marked(self, client, w):
        client.force_login(w.admin)
        resp = absent(client, w.applicant)
        assert resp.status_code == 400
        assert not refreshed(w.applicant).is_absent
