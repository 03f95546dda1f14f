"""Admin page 「导入放假通知」: form, preview, confirm, errors, who may."""

import re
from datetime import date
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.core.models import AuditEvent
from zhengtong.workdays.admin_notice import notice_digest
from zhengtong.workdays.models import CalendarDay, CalendarYear
from zhengtong.workdays.notice import parse_notice
from zhengtong.workdays.selectors import calendar_cache_clear, calendar_year_status
from zhengtong.workdays.services import is_working_day

pytestmark = pytest.mark.django_db
URL = "/admin/workdays/calendaryear/import-notice/"
NOTICES = Path(__file__).parent / "notices"
TEXT_2026 = (NOTICES / "2026.txt").read_text("utf-8")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("root", password="pw-123456")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def provisional_2026():
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    calendar_cache_clear()
    assert calendar_year_status(2026) == "provisional"


def snapshot() -> tuple[int, int, int]:
    return (
        CalendarDay.objects.count(),
        CalendarYear.objects.count(),
        AuditEvent.objects.count(),
    )


def staff(username: str, *perms: str):
    user = user_create(
        username=username,
        password="pw-123456",
        roles=[Role.CENTRE_ADMIN],
        is_staff=True,
    )
    for codename in perms:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


def confirm_data(text: str = TEXT_2026, **extra: str) -> dict[str, str]:
    notice = parse_notice(text)
    return {
        "step": "confirm",
        "text": text,
        "year": str(notice.year),
        "source_url": "",
        "digest": notice_digest(notice),
        **extra,
    }


class TestAccess:
    def test_form_is_shown_to_a_superuser(self, admin_client):
        html = admin_client.get(URL).content.decode()
        assert "导入放假通知" in html
        assert 'name="text"' in html and 'name="upload"' in html
        assert "csrfmiddlewaretoken" in html

    def test_staff_with_the_add_permission_may(self, client):
        client.force_login(staff("calendar1", "add_calendarday"))
        assert client.get(URL).status_code == 200

    def test_staff_who_may_only_view_may_not(self, client):
        client.force_login(staff("viewer1", "view_calendarday", "view_calendaryear"))
        assert client.get(URL).status_code == 403
        assert client.post(URL, confirm_data()).status_code == 403
        html = client.get("/admin/workdays/calendaryear/").content.decode()
        assert URL not in html  # no button either

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(URL)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_post_without_csrf_token_is_refused(self, superuser, provisional_2026):
        client = Client(enforce_csrf_checks=True)
        client.force_login(superuser)
        before = snapshot()
        assert client.post(URL, confirm_data()).status_code == 403
        assert snapshot() == before

    @pytest.mark.parametrize(
        "page",
        [
            "/admin/workdays/calendaryear/",
            "/admin/workdays/calendarday/",
            "/admin/workdays/calendarday/month/?year=2026&month=1",
        ],
    )
    def test_lists_and_month_view_have_the_button(self, admin_client, page):
        assert URL in admin_client.get(page).content.decode()


class TestPreview:
    def test_preview_shows_every_change_and_writes_nothing(
        self, admin_client, provisional_2026
    ):
        before = snapshot()
        response = admin_client.post(URL, {"step": "preview", "text": TEXT_2026})
        assert response.status_code == 200
        html = response.content.decode()
        assert "导入放假通知：2026 年预览" in html
        assert "推定（按法定节假日，通知尚未公布）" in html
        assert "元旦：1月1日至1月3日休 3 天；1月4日上班" in html
        assert "2026-01-02 周五" in html and "工作日（推定）" in html
        assert "→ 休息日（元旦）" in html and "→ 工作日（元旦调休上班）" in html
        changes = response.context["changes"]
        highlighted = len(re.findall(r'class="[^"]*nt-changed', html))
        assert highlighted == len(changes) > 0  # every change marked in the grid
        assert len(response.context["months"]) == 12
        assert 'name="digest"' in html and 'value="confirm"' in html
        assert snapshot() == before
        assert calendar_year_status(2026) == "provisional"

    def test_preview_of_an_old_year_and_of_a_skipped_year(self, admin_client):
        html = admin_client.post(
            URL, {"step": "preview", "text": (NOTICES / "2008.txt").read_text("utf-8")}
        ).content.decode()
        assert "2008 年目前不在日历中" in html
        assert "2007-12-29" in html and "该年未导入，跳过" in html
        text = "国务院办公厅关于2028年部分节假日安排的通知\n一、元旦：1月1日放假，与周末连休。"
        html = admin_client.post(
            URL, {"step": "preview", "text": text}
        ).content.decode()
        assert 'id="nt-gap"' in html and "请先导入 2027 年的通知" in html

    def test_uploaded_html_page_is_read(self, admin_client, provisional_2026):
        page = (NOTICES / "2026-govcn.html").read_bytes()
        upload = SimpleUploadedFile("notice.html", page, content_type="text/html")
        response = admin_client.post(URL, {"step": "preview", "upload": upload})
        assert response.status_code == 200
        assert response.context["notice"].year == 2026

    def test_uploaded_gbk_text_is_read(self, admin_client, provisional_2026):
        raw = TEXT_2026.encode("gb18030")
        upload = SimpleUploadedFile("notice.txt", raw, content_type="text/plain")
        response = admin_client.post(URL, {"step": "preview", "upload": upload})
        assert response.context["notice"].year == 2026

    def test_unreadable_line_is_shown_with_its_phrase(self, admin_client):
        text = TEXT_2026.replace("共5天", "共6天")
        before = snapshot()
        response = admin_client.post(URL, {"step": "preview", "text": text})
        html = response.content.decode()
        assert response.status_code == 200
        assert "通知没有导入：有内容无法识别" in html
        assert "第 8 行" in html and "<mark>共6天</mark>" in html
        assert "与放假日期不符：5月1日至5月5日共 5 天" in html
        assert text.splitlines()[1] in html  # the text stays in the form
        assert snapshot() == before

    def test_empty_form_asks_for_the_text(self, admin_client):
        html = admin_client.post(
            URL, {"step": "preview", "text": "  "}
        ).content.decode()
        assert "请粘贴通知原文" in html

    def test_going_back_keeps_the_text(self, admin_client):
        response = admin_client.post(URL, {"step": "edit", "text": TEXT_2026})
        assert "一、元旦：1月1日（周四）" in response.content.decode()
        assert response.context["form"].is_bound


class TestConfirm:
    def test_confirm_loads_the_year_through_the_service(
        self, admin_client, superuser, provisional_2026
    ):
        response = admin_client.post(URL, confirm_data())
        assert response.status_code == 200
        html = response.content.decode()
        assert "已按国务院通知导入 2026 年放假安排" in html
        assert "新增 39" in html
        assert "期限校正" in html
        year = CalendarYear.objects.get(year=2026, region_code="")
        assert year.source == "notice"
        assert is_working_day(date(2026, 1, 4)) is True
        event = AuditEvent.objects.filter(action="workdays.year_load").latest("id")
        assert event.actor_id == superuser.pk

    def test_confirm_twice_changes_nothing(self, admin_client, provisional_2026):
        admin_client.post(URL, confirm_data())
        before = snapshot()
        html = admin_client.post(URL, confirm_data()).content.decode()
        assert "日历原已与通知一致，未作改动" in html
        assert snapshot() == before

    def test_confirm_parses_again_and_refuses_other_days(
        self, admin_client, provisional_2026
    ):
        data = confirm_data()
        data["text"] = TEXT_2026.replace("5月9日（周六）上班", "5月10日（周日）上班")
        before = snapshot()
        response = admin_client.post(URL, data)
        assert "通知内容与预览时不同" in response.content.decode()
        assert snapshot() == before

    def test_confirm_of_an_unreadable_text_loads_nothing(
        self, admin_client, provisional_2026
    ):
        data = confirm_data()
        data["text"] = TEXT_2026.replace("（周日）上班", "（周一）上班", 1)
        before = snapshot()
        html = admin_client.post(URL, data).content.decode()
        assert "无法识别" in html or "不是星期一" in html
        assert snapshot() == before
