"""HTTP contract of /api/v1/workdays/."""

from datetime import date

import pytest
from rest_framework.test import APIClient

from zhengtong.workdays.services import calendar_day_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return APIClient()


class TestDeadlineApi:
    url = "/api/v1/workdays/deadline/"

    @pytest.mark.parametrize(
        ("start", "days", "deadline"),
        [
            ("2026-02-10", "20", "2026-03-16"),
            ("2025-09-30", "1", "2025-10-09"),
            ("2025-12-31", "1", "2026-01-04"),
            ("2026-02-10", "0", "2026-02-10"),
        ],
    )
    def test_returns_the_deadline(self, client, start, days, deadline):
        response = client.get(self.url, {"start": start, "days": days})
        assert response.status_code == 200
        assert response.json() == {
            "start": start,
            "days": int(days),
            "deadline": deadline,
            "provisional": False,
        }

    def test_start_day_not_counted_even_when_setting_says_so(self, client, settings):
        settings.WORKDAYS_COUNT_START_DAY = True
        response = client.get(self.url, {"start": "2026-02-10", "days": "20"})
        assert response.json()["deadline"] == "2026-03-16"

    @pytest.mark.parametrize(
        ("params", "code", "message"),
        [
            ({"days": "20"}, "invalid_date", "请提供起算日"),
            ({"start": "", "days": "20"}, "invalid_date", "请提供起算日"),
            ({"start": "2026-02-30", "days": "20"}, "invalid_date", "格式有误"),
            ({"start": "20260210", "days": "20"}, "invalid_date", "格式有误"),
            ({"start": "2026/02/10", "days": "20"}, "invalid_date", "格式有误"),
            ({"start": "明天", "days": "20"}, "invalid_date", "格式有误"),
            ({"start": "2026-02-10"}, "invalid_days", "请提供工作日天数"),
            ({"start": "2026-02-10", "days": "-1"}, "invalid_days", "0 到 3650"),
            ({"start": "2026-02-10", "days": "1.5"}, "invalid_days", "0 到 3650"),
            ({"start": "2026-02-10", "days": "abc"}, "invalid_days", "0 到 3650"),
            ({"start": "2026-02-10", "days": "２０"}, "invalid_days", "0 到 3650"),
            (
                {"start": "2026-02-10", "days": "99999999999999999999"},
                "invalid_days",
                "0 到 3650",
            ),
            (
                {"start": "2026-02-10", "days": "20", "region": "xx"},
                "invalid_region",
                "区划代码",
            ),
        ],
    )
    def test_bad_input_is_400_with_a_chinese_message(
        self, client, params, code, message
    ):
        response = client.get(self.url, params)
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == code
        assert message in body["message"]

    @pytest.mark.parametrize(
        ("start", "days", "year"),
        [
            # 2027 and 2028 are provisional; 2029 lies beyond the horizon
            ("2028-12-20", "20", 2029),
            ("2029-03-01", "1", 2029),
            ("2023-12-01", "5", 2023),
        ],
    )
    def test_year_not_loaded_is_400(self, client, start, days, year):
        response = client.get(self.url, {"start": start, "days": days})
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "calendar_year_missing"
        assert body["message"] == f"{year} 年的节假日安排尚未导入，无法计算工作日。"

    def test_region_layer_is_applied(self, client):
        calendar_day_set(
            day=date(2026, 5, 27), kind="holiday", name="古尔邦节", region_code="650000"
        )
        params = {"start": "2026-05-26", "days": "1"}
        assert client.get(self.url, params).json()["deadline"] == "2026-05-27"
        params["region"] = "650102"
        assert client.get(self.url, params).json()["deadline"] == "2026-05-28"

    def test_only_get_is_allowed(self, client):
        response = client.post(self.url, {"start": "2026-02-10", "days": 20})
        assert response.status_code == 405
        assert response.json()["code"] == "method_not_allowed"


class TestIsWorkingDayApi:
    url = "/api/v1/workdays/is-working-day/"

    @pytest.mark.parametrize(
        ("day", "working"),
        [
            ("2025-09-28", True),
            ("2025-10-11", True),
            ("2025-10-08", False),
            ("2026-01-04", True),
            ("2026-02-16", False),
            ("2026-03-07", False),
            ("2026-03-09", True),
        ],
    )
    def test_answers(self, client, day, working):
        response = client.get(self.url, {"date": day})
        assert response.status_code == 200
        assert response.json() == {
            "date": day,
            "working_day": working,
            "provisional": False,
        }

    @pytest.mark.parametrize("value", [None, "", "2026-13-01", "abc", "2026-1-5"])
    def test_bad_date_is_400(self, client, value):
        params = {} if value is None else {"date": value}
        response = client.get(self.url, params)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_date"

    def test_year_not_loaded_is_400(self, client):
        response = client.get(self.url, {"date": "2029-01-04"})
        assert response.status_code == 400
        assert response.json()["code"] == "calendar_year_missing"


class TestProvisionalYears:
    """2027's notice is not loaded: deadlines into it are computed, and say so."""

    def test_a_december_deadline_runs_into_the_provisional_year(self, client):
        response = client.get(
            "/api/v1/workdays/deadline/", {"start": "2026-12-03", "days": "21"}
        )
        assert response.status_code == 200
        # Dec 4-31 holds 20 working days; 1 Jan 2027 (元旦) is statutory, so
        # the 21st working day is Monday 4 Jan.
        assert response.json() == {
            "start": "2026-12-03",
            "days": 21,
            "deadline": "2027-01-04",
            "provisional": True,
        }

    def test_a_deadline_inside_the_official_year_is_not_provisional(self, client):
        response = client.get(
            "/api/v1/workdays/deadline/", {"start": "2026-12-03", "days": "20"}
        )
        assert response.json()["deadline"] == "2026-12-31"
        assert response.json()["provisional"] is False

    @pytest.mark.parametrize(
        ("day", "working"),
        [
            ("2027-02-05", False),  # 除夕 (statutory since 2025)
            ("2027-02-08", False),  # 正月初三
            ("2027-02-09", True),  # no substitute day guessed
            ("2027-04-05", False),  # 清明 (solar term)
            ("2027-06-09", False),  # 端午
            ("2027-09-15", False),  # 中秋
            ("2028-10-03", False),  # 中秋 on 国庆: one day, no extra
            ("2028-10-04", True),
        ],
    )
    def test_is_working_day_marks_provisional(self, client, day, working):
        response = client.get("/api/v1/workdays/is-working-day/", {"date": day})
        assert response.json() == {
            "date": day,
            "working_day": working,
            "provisional": True,
        }


class TestBetweenAndYearsApi:
    def test_between(self, client):
        response = client.get(
            "/api/v1/workdays/between/", {"start": "2026-02-10", "end": "2026-03-16"}
        )
        assert response.json()["working_days"] == 20

    def test_between_bad_input(self, client):
        response = client.get("/api/v1/workdays/between/", {"start": "2026-02-10"})
        assert response.status_code == 400
        assert "结束日期" in response.json()["message"]

    def test_years(self, client):
        response = client.get("/api/v1/workdays/years/")
        rows = response.json()
        assert [row["year"] for row in rows] == [2024, 2025, 2026, 2027, 2028]
        assert [row["status"] for row in rows] == ["official"] * 3 + ["provisional"] * 2
        assert rows[3]["loaded_at"] is None
        assert "放假办法" in rows[3]["source_notice"]


def test_schema_documents_both_endpoints_and_params(client):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    deadline = paths["/api/v1/workdays/deadline/"]["get"]
    names = {p["name"]: p for p in deadline["parameters"]}
    assert names["start"]["required"] is True
    assert names["days"]["required"] is True
    assert names["start"]["schema"]["format"] == "date"
    assert "400" in deadline["responses"]
    working = paths["/api/v1/workdays/is-working-day/"]["get"]
    assert {p["name"] for p in working["parameters"]} >= {"date"}
