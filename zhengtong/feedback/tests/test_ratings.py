"""Ratings (好差评): one per event, who may rate, defaults, the rates."""

import threading
from datetime import date, timedelta

from django.db import connection

import pytest

from zhengtong.core.errors import ApplicationError
from zhengtong.feedback.models_ratings import (
    Rating,
    RatingPolicy,
    Rectification,
    RectificationState,
)
from zhengtong.feedback.selectors import rating_rollup_rows, satisfaction_rate
from zhengtong.feedback.services import rectifications as rect
from zhengtong.feedback.services.ratings import event_for_ticket, rating_create
from zhengtong.feedback.services.ratings_default import ratings_default_apply
from zhengtong.feedback.services.ratings_rollup import rollup_rebuild

from .ratings_world import RATE, RatingsWorld, at, client_for


@pytest.fixture
def frozen_moment():
    return at(2026, 6, 15, 10)


@pytest.fixture
def rw(db, frozen_today) -> RatingsWorld:
    return RatingsWorld()


def _month_rows(group="department"):
    return rating_rollup_rows(
        date_from=date(2026, 6, 1), date_to=date(2026, 6, 30), group=group
    )


class TestOneRatingPerEvent:
    def test_second_rating_of_a_case_is_refused_with_409(self, rw):
        case = rw.concluded_case()
        client = client_for(rw.applicant)
        first = client.post(RATE, {"case": case.pk, "level": 5}, format="json")
        assert first.status_code == 201, first.content
        assert first.json() == {
            "id": first.json()["id"],
            "level": 5,
            "rectification": None,
        }
        second = client.post(RATE, {"case": case.pk, "level": 1}, format="json")
        assert second.status_code == 409
        assert second.json()["code"] == "already_rated"
        assert "只能评价一次" in second.json()["message"]
        assert Rating.objects.count() == 1
        assert Rectification.objects.count() == 0

    def test_device_rates_the_ticket_once(self, rw):
        ticket = rw.ticket()
        client = rw.device_client()
        body = {"ticket": ticket.pk, "level": 4, "indicators": {"attitude": 5}}
        assert client.post(RATE, body, format="json").status_code == 201
        again = client.post(RATE, body, format="json")
        assert again.status_code == 409 and again.json()["code"] == "already_rated"

    @pytest.mark.postgres
    @pytest.mark.django_db(transaction=True)
    def test_twenty_concurrent_ratings_of_one_ticket_leave_one(self, frozen_today):
        """On PostgreSQL: 20 threads rate one ticket; exactly one rating is kept."""
        w = RatingsWorld()
        ticket = w.ticket()
        event = event_for_ticket(ticket)
        barrier = threading.Barrier(20)
        codes: list[str] = []
        lock = threading.Lock()

        def rate(i: int) -> None:
            try:
                barrier.wait()
                rating_create(event=event, level=1 + i % 5, channel="device")
                result = "ok"
            except ApplicationError as exc:
                result = exc.code
            finally:
                connection.close()
            with lock:
                codes.append(result)

        threads = [threading.Thread(target=rate, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(codes) == ["already_rated"] * 19 + ["ok"]
        assert (
            Rating.objects.filter(event_kind="ticket", event_id=ticket.pk).count() == 1
        )
        rows = _month_rows()
        assert rows[0]["ratings"] == 1  # the rollup counted it once
        assert (
            Rectification.objects.count() == Rating.objects.filter(level__lte=2).count()
        )


class TestWhoMayRate:
    def test_clerk_session_cannot_submit_on_the_rater_device(self, rw):
        ticket = rw.ticket()
        clerk = rw.device_client(user=rw.counter)
        answer = clerk.post(RATE, {"ticket": ticket.pk, "level": 5}, format="json")
        assert answer.status_code == 403
        assert "工作人员不能代群众评价" in answer.json()["message"]
        assert not Rating.objects.exists()
        # the citizen on the same device, without the clerk's session, may
        citizen = rw.device_client()
        answer = citizen.post(RATE, {"ticket": ticket.pk, "level": 5}, format="json")
        assert answer.status_code == 201

    def test_staff_cannot_rate_a_case_either(self, rw):
        case = rw.concluded_case()
        answer = client_for(rw.counter).post(
            RATE, {"case": case.pk, "level": 5}, format="json"
        )
        assert answer.status_code == 403

    def test_someone_not_served_gets_403(self, rw):
        case = rw.concluded_case()
        ticket = rw.ticket(applicant=rw.applicant)
        other = client_for(rw.other_applicant)
        for body in ({"case": case.pk, "level": 5}, {"ticket": ticket.pk, "level": 5}):
            answer = other.post(RATE, body, format="json")
            assert answer.status_code == 403, body
        anonymous = client_for().post(
            RATE, {"case": case.pk, "level": 5}, format="json"
        )
        assert anonymous.status_code == 403
        assert not Rating.objects.exists()

    def test_device_of_another_counter_or_an_old_ticket_is_refused(
        self, rw, frozen_today
    ):
        from zhengtong.catalog.tests.factories import CounterFactory
        from zhengtong.feedback.services.ratings_devices import device_bind

        ticket = rw.ticket()
        other = device_bind(
            actor=rw.admin, counter=CounterFactory(hall=rw.hall, number="8")
        )
        answer = rw.device_client(other).post(
            RATE, {"ticket": ticket.pk, "level": 5}, format="json"
        )
        assert answer.status_code == 403
        frozen_today.shift(timedelta(hours=2))
        answer = rw.device_client().post(
            RATE, {"ticket": ticket.pk, "level": 5}, format="json"
        )
        assert answer.status_code == 403

    def test_applicant_rates_own_ticket_online(self, rw):
        ticket = rw.ticket(applicant=rw.applicant)
        answer = client_for(rw.applicant).post(
            RATE, {"ticket": ticket.pk, "level": 5}, format="json"
        )
        assert answer.status_code == 201
        assert Rating.objects.get().channel == "online"

    @pytest.mark.parametrize(
        "body",
        [
            {"level": 6},
            {"level": 0},
            {"level": "五"},
            {"level": 5, "indicators": {"hacking": 5}},
            {"level": 5, "indicators": {"attitude": 9}},
            {"level": 5, "indicators": []},
            {"level": 5, "comment": "长" * 1001},
            {"level": 5, "ticket": 10**20},
        ],
    )
    def test_bad_input_changes_nothing(self, rw, body):
        case = rw.concluded_case()
        answer = client_for(rw.applicant).post(
            RATE, {"case": case.pk, **body}, format="json"
        )
        assert answer.status_code == 400, answer.content
        assert answer.json()["code"] == "invalid_input"
        assert not Rating.objects.exists()

    def test_unfinished_service_cannot_be_rated(self, rw):
        case = rw.concluded_case()
        case.status = "submitted"
        case.save(update_fields=["status"])
        answer = client_for(rw.applicant).post(
            RATE, {"case": case.pk, "level": 5}, format="json"
        )
        assert answer.status_code == 409 and answer.json()["code"] == "not_ratable"


class TestDefaultRating:
    def test_unrated_service_defaults_to_basic_after_seven_days(self, rw, frozen_today):
        RatingPolicy.objects.create(region_code="", default_after_days=7)
        ticket = rw.ticket()
        case = rw.concluded_case()
        frozen_today.shift(timedelta(days=6, hours=23))
        assert ratings_default_apply() == 0
        frozen_today.shift(timedelta(hours=2))
        assert ratings_default_apply() == 2
        assert ratings_default_apply() == 0  # idempotent
        for rating in Rating.objects.all():
            assert (
                rating.is_default and rating.level == 3 and rating.channel == "default"
            )
        assert {r.event_id for r in Rating.objects.all()} == {ticket.pk, case.pk}
        row = _month_rows()[0]
        assert (row["ratings"], row["defaults"], row["satisfaction_rate"]) == (
            0,
            2,
            None,
        )
        # the person may no longer rate a defaulted event
        answer = client_for(rw.applicant).post(
            RATE, {"case": case.pk, "level": 1}, format="json"
        )
        assert answer.status_code == 409

    def test_rated_events_get_no_default(self, rw, frozen_today):
        case = rw.concluded_case()
        client_for(rw.applicant).post(
            RATE, {"case": case.pk, "level": 5}, format="json"
        )
        frozen_today.shift(timedelta(days=8))
        assert ratings_default_apply() == 0


class TestRates:
    def test_satisfaction_rate_definition(self):
        assert satisfaction_rate(satisfied=0, ratings=0) is None
        assert satisfaction_rate(satisfied=2, ratings=3) == 66.7
        assert satisfaction_rate(satisfied=3, ratings=3) == 100.0

    def test_basic_satisfied_counts_as_satisfied_and_bad_as_dissatisfied(self, rw):
        for level in (3, 2):
            rating_create(
                event=event_for_ticket(rw.ticket()), level=level, channel="device"
            )
        row = _month_rows("counter")[0]
        assert row["counter_id"] == rw.counter_desk.pk
        assert (row["ratings"], row["satisfied"], row["dissatisfied"]) == (2, 1, 1)
        assert row["satisfaction_rate"] == 50.0

    def test_upheld_appeal_excludes_the_rating_but_keeps_it(self, rw):
        rating_create(event=event_for_ticket(rw.ticket()), level=5, channel="device")
        bad = rating_create(
            event=event_for_ticket(rw.ticket()), level=1, channel="device"
        )
        assert _month_rows()[0]["satisfaction_rate"] == 50.0
        r = bad.rectification
        rect.rectification_appeal(
            rectification=r,
            actor=rw.counter,
            reason="评价人在窗口外误触，监控录像为证。",
        )
        rect.rectification_decide_appeal(
            rectification=r, actor=rw.supervisor, upheld=True, decision="经查属误评。"
        )
        row = _month_rows()[0]
        assert (row["ratings"], row["excluded"], row["satisfaction_rate"]) == (
            1,
            1,
            100.0,
        )
        for group in ("staff", "item", "counter", "month"):
            assert _month_rows(group)[0]["satisfaction_rate"] == 100.0, group
        bad.refresh_from_db()
        assert bad.excluded and bad.level == 1  # kept, not edited
        r.refresh_from_db()
        assert r.state == RectificationState.EXCLUDED

    def test_rollup_rebuild_gives_the_same_counts(self, rw):
        rating_create(event=event_for_ticket(rw.ticket()), level=5, channel="device")
        bad = rating_create(
            event=event_for_ticket(rw.ticket()), level=2, channel="device"
        )
        rect.rectification_appeal(
            rectification=bad.rectification, actor=rw.counter, reason="误评"
        )
        rect.rectification_decide_appeal(
            rectification=bad.rectification,
            actor=rw.supervisor,
            upheld=True,
            decision="成立",
        )
        before = _month_rows("staff")
        rollup_rebuild()
        assert _month_rows("staff") == before
