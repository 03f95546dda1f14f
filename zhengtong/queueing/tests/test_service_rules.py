"""
Weekend and extended-hours service by rule (延时服务, 周末服务).

What a rule opens on a date (calendar, validity, skips), how every door
follows it (slots, ticket issue, pages), and the admin's Chinese errors.
"""

import datetime as dt

import pytest
import time_machine

from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.queueing import rules, selectors, services
from zhengtong.queueing.models import (
    ExtraServiceDay,
    ServiceRule,
    ServiceRuleSkip,
    Ticket,
)

from .factories import MONDAY, SHANGHAI, at, hall_setup

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 9, 1, 10, tzinfo=SHANGHAI)  # Tuesday
SAT = dt.date(2026, 9, 5)
MID_AUTUMN_SAT = dt.date(2026, 9, 26)  # 中秋节 2026-09-25 … 27
NATIONAL_DAY_SAT = dt.date(2026, 10, 3)  # 国庆节 2026-10-01 … 07
MAKEUP_SAT = dt.date(2026, 10, 10)  # 调休上班
LAST_DAY = dt.date(2026, 10, 24)  # validity ends (included)
SUNDAY = dt.date(2026, 9, 6)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def rule_make(setup, **kwargs) -> ServiceRule:
    fields = {
        "hall": setup.hall,
        "name": "周六上午预约服务",
        "days": ServiceRule.Days.WEEKDAYS,
        "weekdays": "5",
        "start": dt.time(9),
        "end": dt.time(12),
        "valid_from": dt.date(2026, 9, 1),
        "valid_until": LAST_DAY,
        "mode": ServiceRule.Mode.APPOINTMENTS,
        **kwargs,
    }
    return rules.service_rule_save(rule=ServiceRule(**fields), actor="测试")


def slots(setup, day, code="A"):
    return selectors.appointment_slots(category=setup.categories[code], day=day)


def rule_sessions(setup, day):
    service_day = selectors.hall_service_day(hall=setup.hall, day=day)
    return [s for s in service_day.sessions if s.source == "rule"]


class TestSaturdayRule:
    def test_opens_the_right_saturdays_of_the_range(self):
        setup = hall_setup()
        rule_make(setup)
        saturdays = [SAT + dt.timedelta(weeks=i) for i in range(9)]  # … Oct 31
        opened = [d for d in saturdays if rule_sessions(setup, d)]
        assert opened == [
            dt.date(2026, 9, 5),
            dt.date(2026, 9, 12),
            dt.date(2026, 9, 19),
            dt.date(2026, 10, 17),
            LAST_DAY,
        ]
        # Before the validity starts and the Sundays: closed.
        assert slots(setup, dt.date(2026, 8, 29)) == []
        assert slots(setup, SUNDAY) == []

    def test_slots_are_appointments_only_and_labelled(self):
        setup = hall_setup()
        rule_make(setup)
        found = slots(setup, SAT)
        # 9:00–12:00 in 10-minute slots.
        assert len(found) == 18
        assert found[0]["start"] == at(SAT, 9) and found[-1]["end"] == at(SAT, 12)
        assert {s["notice"] for s in found} == {"周六上午服务，仅限预约"}
        assert {s["mode"] for s in found} == {ServiceRule.Mode.APPOINTMENTS}

    @pytest.mark.parametrize("holiday", [MID_AUTUMN_SAT, NATIONAL_DAY_SAT])
    def test_a_holiday_saturday_stays_closed(self, holiday):
        setup = hall_setup()
        rule = rule_make(setup)
        service_day = selectors.hall_service_day(hall=setup.hall, day=holiday)
        assert service_day.kind == "holiday" and not service_day.is_open
        assert [(n.rule_id, n.reason) for n in service_day.notes] == [
            (rule.pk, "holiday")
        ]
        assert slots(setup, holiday) == []

    def test_a_rule_may_open_on_holidays(self):
        setup = hall_setup()
        rule_make(setup, on_holidays=True)
        assert len(slots(setup, NATIONAL_DAY_SAT)) == 18

    def test_the_makeup_saturday_keeps_the_ordinary_hours(self):
        setup = hall_setup()
        rule = rule_make(setup)
        service_day = selectors.hall_service_day(hall=setup.hall, day=MAKEUP_SAT)
        assert service_day.kind == "makeup"
        assert [(s.label, s.mode) for s in service_day.sessions] == [
            ("上午", "all"),
            ("下午", "all"),
        ]
        assert [(n.rule_id, n.reason) for n in service_day.notes] == [
            (rule.pk, "makeup")
        ]
        # Ordinary slots (36) and walk-in tickets in the morning.
        assert len(slots(setup, MAKEUP_SAT)) == 36
        ticket = services.ticket_issue(
            category=setup.categories["A"],
            channel=Ticket.Channel.KIOSK,
            now=at(MAKEUP_SAT, 10),
        )
        assert ticket.service_date == MAKEUP_SAT

    def test_the_validity_end_date_is_the_last_day(self):
        setup = hall_setup()
        rule_make(setup)
        assert len(slots(setup, LAST_DAY)) == 18
        assert slots(setup, LAST_DAY + dt.timedelta(weeks=1)) == []

    def test_a_rule_of_one_category_opens_only_that_category(self):
        setup = hall_setup()
        rule_make(setup, category=setup.categories["B"])
        assert slots(setup, SAT, "A") == []
        assert len(slots(setup, SAT, "B")) == 9  # 20-minute slots


class TestDatedExceptions:
    def test_a_skip_closes_one_saturday_and_is_audited(self):
        setup = hall_setup()
        rule = rule_make(setup)
        assert slots(setup, SAT)
        skip = rules.service_rule_skip_save(
            skip=ServiceRuleSkip(rule=rule, date=SAT, note="全员培训"), actor="测试"
        )
        assert slots(setup, SAT) == []
        assert len(slots(setup, SAT + dt.timedelta(weeks=1))) == 18
        note = selectors.hall_service_day(hall=setup.hall, day=SAT).notes[0]
        assert note.reason == "skip" and "全员培训" in note.text
        event = AuditEvent.objects.filter(action="service_rule_skip_add").get()
        assert event.details["date"] == "2026-09-05"
        rules.service_rule_skip_remove(skip=skip, actor="测试")
        assert len(slots(setup, SAT)) == 18

    @pytest.mark.parametrize(
        ("day", "phrase"),
        [(dt.date(2026, 11, 7), "不在规则有效期"), (SUNDAY, "本来就不在这天开放")],
    )
    def test_a_skip_must_be_a_rule_day(self, day, phrase):
        setup = hall_setup()
        rule = rule_make(setup)
        with pytest.raises(ApplicationError) as exc:
            rules.service_rule_skip_save(
                skip=ServiceRuleSkip(rule=rule, date=day), actor="测试"
            )
        assert phrase in exc.value.message

    def test_an_extra_day_opens_this_sunday(self):
        setup = hall_setup()
        rule_make(setup)
        ExtraServiceDay.objects.create(
            hall=setup.hall,
            date=SUNDAY,
            kind=ExtraServiceDay.Kind.WEEKEND,
            start=dt.time(9),
            end=dt.time(11),
            appointments_only=True,
        )
        assert {s["notice"] for s in slots(setup, SUNDAY)} == {"周日上午服务，仅限预约"}


class TestOverlaps:
    def test_a_dated_extra_session_wins_the_overlapping_time(self):
        setup = hall_setup()
        ExtraServiceDay.objects.create(
            hall=setup.hall,
            date=MONDAY,
            kind=ExtraServiceDay.Kind.EXTENDED,
            start=dt.time(11),
            end=dt.time(13),
            appointments_only=True,
        )
        sessions = selectors.hall_service_day(hall=setup.hall, day=MONDAY).sessions
        assert [(s.start.time(), s.end.time(), s.source) for s in sessions] == [
            (dt.time(9), dt.time(11), "hours"),
            (dt.time(11), dt.time(13), "extra"),
            (dt.time(14), dt.time(17), "hours"),
        ]
        starts = [s["start"] for s in slots(setup, MONDAY)]
        assert len(starts) == len(set(starts)) == 12 + 12 + 18
        with pytest.raises(ApplicationError) as exc:
            services.ticket_issue(
                category=setup.categories["A"],
                channel=Ticket.Channel.KIOSK,
                now=at(MONDAY, 11, 30),
            )
        assert exc.value.code == "appointments_only"


class TestTicketsOnAnAppointmentsOnlyMorning:
    @pytest.mark.parametrize(
        "channel", [Ticket.Channel.KIOSK, Ticket.Channel.MOBILE, Ticket.Channel.STAFF]
    )
    def test_walk_in_tickets_are_refused(self, channel):
        setup = hall_setup()
        rule_make(setup)
        with pytest.raises(ApplicationError) as exc:
            services.ticket_issue(
                category=setup.categories["A"],
                channel=channel,
                applicant=setup.applicant if channel == "mobile" else None,
                now=at(SAT, 10),
            )
        assert exc.value.code == "appointments_only" and exc.value.status == 409
        assert "周六上午服务" in exc.value.message
        assert not Ticket.objects.exists()

    def test_the_booked_applicant_checks_in(self):
        setup = hall_setup()
        rule_make(setup)
        appointment = services.appointment_book(
            applicant=setup.applicant,
            category=setup.categories["A"],
            slot_start=at(SAT, 9, 30),
        )
        ticket = services.appointment_check_in(
            code=appointment.code, now=at(SAT, 9, 20)
        )
        assert ticket.priority_class == 0 and ticket.service_date == SAT

    def test_after_the_session_the_hint_names_the_next_walk_in_day(self):
        setup = hall_setup()
        rule_make(setup)
        with pytest.raises(ApplicationError) as exc:
            services.ticket_issue(
                category=setup.categories["A"],
                channel=Ticket.Channel.KIOSK,
                now=at(dt.date(2026, 9, 4), 18),  # Friday evening
            )
        assert exc.value.code == "outside_opening_hours"
        # Not Saturday 9:00 (appointments only): Monday 9:00.
        assert "09月07日 09:00" in exc.value.message


class TestExtendedHours:
    def test_evening_and_noon_rules_extend_working_days_only(self):
        setup = hall_setup()
        rule_make(
            setup,
            name="傍晚延时服务",
            days=ServiceRule.Days.WORKING_DAYS,
            weekdays="",
            start=dt.time(17, 30),
            end=dt.time(19),
            valid_until=None,
            mode=ServiceRule.Mode.ALL,
        )
        rule_make(
            setup,
            name="工作日午间服务",
            days=ServiceRule.Days.WORKING_DAYS,
            weekdays="",
            start=dt.time(12),
            end=dt.time(14),
            valid_until=None,
            mode=ServiceRule.Mode.ALL,
        )
        monday = slots(setup, MONDAY)
        # 36 ordinary + 12 at noon + 9 in the evening.
        assert len(monday) == 57
        assert monday[-1]["end"] == at(MONDAY, 19)
        assert {s["notice"] for s in monday} == {
            "上午",
            "午间延时服务",
            "下午",
            "傍晚延时服务",
        }
        assert len(slots(setup, MAKEUP_SAT)) == 57  # 调休 is a working day
        assert slots(setup, dt.date(2026, 10, 1)) == []  # National Day
        note = selectors.hall_service_day(hall=setup.hall, day=dt.date(2026, 10, 1))
        assert {n.reason for n in note.notes} == {"holiday"}
        ticket = services.ticket_issue(
            category=setup.categories["A"],
            channel=Ticket.Channel.KIOSK,
            now=at(MONDAY, 18, 30),
        )
        assert ticket.number == "A001"

    def test_a_walk_in_only_session_offers_no_slots(self):
        setup = hall_setup()
        rule_make(
            setup,
            days=ServiceRule.Days.WORKING_DAYS,
            weekdays="",
            start=dt.time(17),
            end=dt.time(18),
            mode=ServiceRule.Mode.WALK_IN,
        )
        assert len(slots(setup, dt.date(2026, 9, 7))) == 36
        session = selectors.hall_session_at(
            hall=setup.hall, at=at(dt.date(2026, 9, 7), 17, 30)
        )
        assert session.notice == "傍晚延时服务，仅限现场取号"


class TestValidation:
    def test_end_before_start_and_overlaps_are_refused(self):
        setup = hall_setup()
        rule_make(setup)
        cases = [
            ({"start": dt.time(12), "end": dt.time(9)}, "结束时间须晚于开始时间"),
            (
                {
                    "valid_from": dt.date(2026, 10, 1),
                    "valid_until": dt.date(2026, 9, 1),
                },
                "截止日期不能早于生效日期",
            ),
            ({"name": "重叠", "start": dt.time(11), "end": dt.time(13)}, "时间重叠"),
            ({"weekdays": ""}, "至少选择一个星期"),
            (
                {"weekdays": "1", "start": dt.time(11), "end": dt.time(13)},
                "与大厅办公时间（周二上午 09:00–12:00）重叠",
            ),
            (
                {"days": ServiceRule.Days.WORKING_DAYS, "on_holidays": True},
                "不会在法定节假日开放",
            ),
        ]
        for change, phrase in cases:
            with pytest.raises(ApplicationError) as exc:
                rule_make(setup, **change)
            assert phrase in exc.value.message, change
        assert ServiceRule.objects.count() == 1

    def test_rules_that_do_not_meet_are_accepted(self):
        setup = hall_setup()
        rule_make(setup)
        rule_make(setup, name="周六下午", start=dt.time(12), end=dt.time(15))
        rule_make(setup, name="周日", weekdays="6")
        rule_make(
            setup, name="明年", valid_from=dt.date(2026, 10, 25), valid_until=None
        )
        assert ServiceRule.objects.count() == 4
        assert AuditEvent.objects.filter(action="service_rule_create").count() == 4


ADD_URL = "/admin/queueing/servicerule/add/"


@pytest.fixture
def admin_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("root", password="pw-123456")
    client.force_login(user)
    return client


def admin_post(client, setup, skip_date="", **fields):
    data = {
        "hall": setup.hall.pk,
        "category": "",
        "name": "周六上午预约服务",
        "days": "weekdays",
        "weekday_list": ["5"],
        "start": "09:00",
        "end": "12:00",
        "valid_from": "2026-09-01",
        "valid_until": "2026-10-24",
        "mode": "appointments",
        "note": "",
        "skips-TOTAL_FORMS": "1",
        "skips-INITIAL_FORMS": "0",
        "skips-MIN_NUM_FORMS": "0",
        "skips-MAX_NUM_FORMS": "1000",
        "skips-0-date": skip_date,
        "skips-0-note": "",
        **fields,
    }
    return client.post(ADD_URL, data)


class TestAdmin:
    def test_a_rule_with_a_skip_is_saved_through_the_services(self, admin_client):
        setup = hall_setup()
        response = admin_post(admin_client, setup, skip_date="2026-09-12")
        assert response.status_code == 302, response.content.decode()[:2000]
        rule = ServiceRule.objects.get()
        assert rule.weekdays == "5"
        assert list(rule.skips.values_list("date", flat=True)) == [dt.date(2026, 9, 12)]
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"service_rule_create", "service_rule_skip_add"} <= actions
        assert slots(setup, dt.date(2026, 9, 12)) == []

    @pytest.mark.parametrize(
        ("fields", "phrase"),
        [
            ({"start": "12:00", "end": "09:00"}, "结束时间须晚于开始时间"),
            ({"valid_until": "2026-08-01"}, "截止日期不能早于生效日期"),
            ({"weekday_list": []}, "请至少选择一个星期"),
            ({"skip_date": "2026-11-07"}, "不在规则有效期"),
        ],
    )
    def test_bad_input_gives_a_chinese_error(self, admin_client, fields, phrase):
        setup = hall_setup()
        response = admin_post(admin_client, setup, **fields)
        assert response.status_code == 200
        html = response.content.decode()
        assert phrase in html
        assert html.count(phrase) == 1  # said once, not by two checks
        assert not ServiceRule.objects.exists()

    def test_an_overlapping_rule_gives_a_chinese_error(self, admin_client):
        setup = hall_setup()
        rule_make(setup)
        response = admin_post(
            admin_client, setup, name="周六加开", start="11:00", end="13:00"
        )
        assert response.status_code == 200
        assert "与规则“周六上午预约服务”" in response.content.decode()
        assert ServiceRule.objects.count() == 1

    def test_month_preview_marks_open_saturdays_and_closed_holidays(self, admin_client):
        setup = hall_setup()
        rule_make(setup)
        url = "/admin/queueing/servicerule/preview/"
        response = admin_client.get(
            url, {"hall": setup.hall.pk, "year": 2026, "month": 10}
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "2026 年 10 月" in html
        # Saturdays open by the rule: 10-17 and 10-24; 10-03 a holiday.
        assert "周末/节假日开放：<strong>2</strong> 天（10月17日、10月24日）" in html
        assert "法定节假日不开放规则服务：<strong>1</strong> 天（10月3日）" in html
        assert "调休上班日（按正常办公时间）：<strong>1</strong> 天（10月10日）" in html
        assert "周六上午预约服务：法定节假日不开放" in html

    def test_rule_list_and_forms_render_in_chinese(self, admin_client):
        setup = hall_setup()
        rule = rule_make(setup)
        html = admin_client.get("/admin/queueing/servicerule/").content.decode()
        assert "周六上午预约服务" in html and "2026-09-01 至 2026-10-24" in html
        assert "月历预览" in html
        url = f"/admin/queueing/servicerule/{rule.pk}/change/"
        html = admin_client.get(url).content.decode()
        assert "法定节假日照常" in html and "例外日期" in html
        assert 'value="5" id="id_weekday_list_5" checked>' in html

    def test_month_preview_survives_bad_parameters(self, admin_client):
        hall_setup()
        url = "/admin/queueing/servicerule/preview/"
        assert admin_client.get(url, {"year": "x", "hall": "y"}).status_code == 200
        html = admin_client.get(url, {"year": 2031, "month": 3}).content.decode()
        assert "尚未导入" in html


class TestPages:
    def test_the_booking_page_labels_the_saturday_session(self, client):
        setup = hall_setup()
        rule_make(setup)
        client.force_login(setup.applicant)
        url = "/queue/appointments/"
        html = client.get(
            url, {"hall": setup.hall.pk, "category": "general", "date": "2026-09-05"}
        ).content.decode()
        assert "周六上午服务，仅限预约" in html
        assert html.count('class="day-mark"') == 2  # Sep 5 and Sep 12
        html = client.get(
            url, {"hall": setup.hall.pk, "category": "general", "date": "2026-09-06"}
        ).content.decode()
        assert "当天不办公" in html

    def test_kiosk_and_display_show_the_appointments_only_morning(self, client):
        setup = hall_setup()
        rule_make(setup)
        with time_machine.travel(at(SAT, 10), tick=False):
            kiosk = client.get("/queue/kiosk/", {"hall": setup.hall.pk})
            display = client.get("/queue/display/", {"hall": setup.hall.pk})
        assert "本时段只接待预约群众" in kiosk.content.decode()
        assert (
            "今日服务：09:00–12:00 周六上午服务，仅限预约" in display.content.decode()
        )

    def test_slots_api_carries_the_notice(self, client):
        setup = hall_setup()
        rule_make(setup)
        response = client.get(
            "/api/v1/queue/appointments/slots/",
            {"category": "general", "date": "2026-09-05"},
        )
        assert response.status_code == 200
        first = response.json()[0]
        assert first["notice"] == "周六上午服务，仅限预约"
        assert first["mode"] == "appointments"
