"""Admin: month view, edits through services, who may not."""

from datetime import date

import pytest

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.core.models import AuditEvent
from zhengtong.workdays.models import CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db
MONTH_URL = "/admin/workdays/calendarday/month/"


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="pw-123456")
    client.force_login(user)
    return client


def test_month_view_shows_holidays_and_makeup_days(admin_client):
    response = admin_client.get(MONTH_URL, {"year": 2025, "month": 10})
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025 年 10 月" in html
    assert "国庆节、中秋节" in html
    assert "wd-holiday" in html and "wd-makeup" in html
    assert "year=2025&amp;month=9" in html and "year=2025&amp;month=11" in html
    # October 2025: 23 weekdays - 6 holidays + Saturday 10-11 = 18.
    assert "<strong>18</strong>" in html


def test_month_view_wraps_the_year(admin_client):
    html = admin_client.get(MONTH_URL, {"year": 2026, "month": 1}).content.decode()
    assert "year=2025&amp;month=12" in html
    assert "元旦调休上班" in html


def test_month_view_marks_a_provisional_year(admin_client):
    html = admin_client.get(MONTH_URL, {"year": 2027, "month": 2}).content.decode()
    assert "推定日历" in html
    assert "不含调休和补休" in html
    assert "wd-prov" in html
    assert "春节" in html  # 除夕 5 Feb to 初三 8 Feb, derived


def test_month_view_says_an_official_year_rests_on_the_notice(admin_client):
    html = admin_client.get(MONTH_URL, {"year": 2026, "month": 2}).content.decode()
    assert "依据国务院通知（正式）" in html
    assert "推定日历" not in html


def test_month_view_warns_for_a_missing_year(admin_client):
    html = admin_client.get(MONTH_URL, {"year": 2029, "month": 3}).content.decode()
    assert "2029 年的节假日安排尚未导入" in html


@pytest.mark.parametrize(
    "params",
    [{"year": "x", "month": "1"}, {"year": "2026", "month": "13"}, {"region": "bad"}],
)
def test_month_view_survives_bad_parameters(admin_client, params):
    response = admin_client.get(MONTH_URL, params)
    assert response.status_code == 200


def test_month_view_with_region(admin_client):
    CalendarDay.objects.create(
        date=date(2026, 5, 27),
        kind="holiday",
        name="古尔邦节",
        region_code="650000000000",
    )
    html = admin_client.get(
        MONTH_URL, {"year": 2026, "month": 5, "region": "650000"}
    ).content.decode()
    assert "古尔邦节" in html
    assert 'value="650000000000" selected' in html
    national = admin_client.get(MONTH_URL, {"year": 2026, "month": 5}).content.decode()
    assert "古尔邦节" not in national


def test_anonymous_and_non_staff_cannot_see_the_month_view(client):
    response = client.get(MONTH_URL)
    assert response.status_code == 302
    user = user_create(
        username="applicant1", password="pw-123456", roles=[Role.APPLICANT]
    )
    client.force_login(user)
    assert client.get(MONTH_URL).status_code == 302


def test_staff_without_calendar_permission_is_refused(client):
    user = user_create(
        username="counter1",
        password="pw-123456",
        roles=[Role.COUNTER_STAFF],
        is_staff=True,
    )
    client.force_login(user)
    assert client.get(MONTH_URL).status_code == 403


def test_adding_a_day_in_admin_goes_through_the_service(admin_client):
    response = admin_client.post(
        "/admin/workdays/calendarday/add/",
        {
            "date": "2026-03-02",
            "kind": "holiday",
            "name": "临时放假",
            "region_code": "",
            "source_notice": "测试",
        },
    )
    assert response.status_code == 302
    assert CalendarDay.objects.get(date=date(2026, 3, 2)).name == "临时放假"
    assert AuditEvent.objects.filter(action="workdays.day_set").count() == 1


def test_admin_refuses_a_weekday_makeup_day(admin_client):
    response = admin_client.post(
        "/admin/workdays/calendarday/add/",
        {"date": "2026-03-03", "kind": "makeup_workday", "name": "", "region_code": ""},
    )
    assert response.status_code == 200
    assert "不能设为调休上班日" in response.content.decode()
    assert not CalendarDay.objects.filter(date=date(2026, 3, 3)).exists()


def test_deleting_in_admin_is_audited(admin_client):
    row = CalendarDay.objects.get(date=date(2026, 1, 4), region_code="")
    response = admin_client.post(
        f"/admin/workdays/calendarday/{row.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(action="workdays.day_delete").count() == 1


def test_years_cannot_be_added_or_deleted_in_admin(admin_client):
    assert admin_client.get("/admin/workdays/calendaryear/add/").status_code == 403
    year = CalendarYear.objects.get(year=2026, region_code="")
    assert (
        admin_client.get(f"/admin/workdays/calendaryear/{year.pk}/delete/").status_code
        == 403
    )
    html = admin_client.get("/admin/workdays/calendaryear/").content.decode()
    assert "查看月历" in html


def test_changelist_links_to_month_view(admin_client):
    html = admin_client.get("/admin/workdays/calendarday/").content.decode()
    assert MONTH_URL in html
