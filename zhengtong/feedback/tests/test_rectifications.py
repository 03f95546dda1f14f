"""The bad-rating loop (差评整改): deadlines, steps, appeal, who may do what."""

from datetime import date

import pytest

from zhengtong.feedback.models_ratings import Rectification, RectificationState
from zhengtong.supervision.constants import ClockKind
from zhengtong.supervision.models import Clock
from zhengtong.supervision.services.sync import clocks_sync

from .ratings_world import RATE, RECT, RatingsWorld, at, client_for

S = RectificationState


@pytest.fixture
def frozen_moment():
    # Wednesday before 国庆 2026 (10-01..10-07 off; 09-20 and 10-10 worked)
    return at(2026, 9, 30, 10)


@pytest.fixture
def rw(db, frozen_today) -> RatingsWorld:
    return RatingsWorld()


def _bad(rw, *, real_name: bool = False):
    ticket = rw.ticket()
    body = {"ticket": ticket.pk, "level": 1, "comment": "等了很久，态度冷淡。"}
    if real_name:
        body |= {"name": "王五", "phone": "13912345678"}
    answer = rw.device_client().post(RATE, body, format="json")
    assert answer.status_code == 201, answer.content
    return Rectification.objects.get(pk=answer.json()["rectification"])


def test_bad_rating_opens_one_rectification_with_deadlines_across_national_day(
    rw, frozen_today
):
    r = _bad(rw, real_name=True)
    assert Rectification.objects.count() == 1
    assert r.department_id == rw.dept.pk and r.state == S.VERIFYING
    # real-name: contact within 1 working day → after the holiday, 10-08
    assert r.due_date == date(2026, 10, 8)
    staff = client_for(rw.counter)
    frozen_today.move_to(at(2026, 10, 8, 9), tick=True)
    body = {"finding": "核实属实。", "classification": "limited"}
    refused = staff.post(f"{RECT}{r.pk}/verify/", body, format="json")
    assert refused.status_code == 400  # real-name: contact first
    answer = staff.post(
        f"{RECT}{r.pk}/verify/", body | {"contacted": True}, format="json"
    )
    assert answer.status_code == 200, answer.content
    # 限期整改, default limit 15 working days (10-10 is a 调休 workday)
    assert answer.json()["due_date"] == "2026-10-28"
    r.refresh_from_db()
    assert r.state == S.RECTIFYING


def test_limit_follows_the_region_policy_and_counts_the_makeup_saturday(
    rw, frozen_today
):
    from zhengtong.feedback.models_ratings import RatingPolicy

    RatingPolicy.objects.create(region_code="", limited_days=5)
    r = _bad(rw)
    frozen_today.move_to(at(2026, 10, 8, 9), tick=True)
    answer = client_for(rw.counter).post(
        f"{RECT}{r.pk}/verify/",
        {"finding": "排队系统故障。", "classification": "limited"},
        format="json",
    )
    # 10-09 Fri, 10-10 Sat (调休 workday), 10-12, 10-13, 10-14
    assert answer.json()["due_date"] == "2026-10-14"


def test_whole_loop_closes_and_counts_as_rectified(rw):
    r = _bad(rw)
    staff = client_for(rw.counter)
    steps = [
        ("verify", {"finding": "属实", "classification": "immediate"}, S.RECTIFYING),
        ("rectify", {"text": "已增开窗口，电话13912345678 已告知。"}, S.REPLYING),
        ("reply", {"text": "已整改并反馈。"}, S.REVISITING),
        ("revisit", {"response": "评价人表示满意。", "satisfied": True}, S.CLOSED),
    ]
    for action, body, state in steps:
        answer = staff.post(f"{RECT}{r.pk}/{action}/", body, format="json")
        assert answer.status_code == 200, (action, answer.content)
        assert answer.json()["state"] == state
    again = staff.post(f"{RECT}{r.pk}/reply/", {"text": "x"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    from zhengtong.feedback.selectors_public import public_results

    data = public_results(region=None, month=date(2026, 9, 1))
    assert data["totals"]["rectified"] == 1
    assert "139****5678" in data["rectified"][0]["rectification"]  # masked


def test_dismissed_appeal_resumes_with_the_days_left(rw, frozen_today):
    r = _bad(rw)
    staff, centre = client_for(rw.counter), client_for(rw.supervisor)
    assert (
        staff.post(
            f"{RECT}{r.pk}/appeal/", {"reason": "恶意差评"}, format="json"
        ).status_code
        == 200
    )
    # the appellant's own centre role may not decide; a staff member neither
    assert (
        staff.post(
            f"{RECT}{r.pk}/decide-appeal/",
            {"upheld": True, "decision": "x"},
            format="json",
        ).status_code
        == 403
    )
    answer = centre.post(
        f"{RECT}{r.pk}/decide-appeal/",
        {"upheld": False, "decision": "证据不足，驳回。"},
        format="json",
    )
    assert answer.status_code == 200
    assert answer.json()["state"] == S.VERIFYING
    assert answer.json()["due_date"] == "2026-10-08"
    second = staff.post(f"{RECT}{r.pk}/appeal/", {"reason": "再诉"}, format="json")
    assert second.status_code == 409


def test_rectification_clock_appears_in_the_supervision_registry(rw):
    r = _bad(rw)
    clocks_sync(objects={"feedback.rectification": [r.pk]})
    clock = Clock.objects.get(kind=ClockKind.RECTIFICATION, object_id=r.pk)
    assert clock.due_date == date(2026, 10, 8)
    assert clock.department_id == rw.dept.pk and clock.state == "running"


# --- permission matrix -------------------------------------------------------

ACTIONS = {
    "list": ("get", "", None),
    "detail": ("get", "{id}/", None),
    "verify": (
        "post",
        "{id}/verify/",
        {"finding": "属实", "classification": "explain"},
    ),
    "rectify": ("post", "{id}/rectify/", {"text": "t"}),
    "reply": ("post", "{id}/reply/", {"text": "t"}),
    "revisit": ("post", "{id}/revisit/", {"response": "t"}),
    "appeal": ("post", "{id}/appeal/", {"reason": "t"}),
    "decide-appeal": ("post", "{id}/decide-appeal/", {"upheld": True, "decision": "t"}),
}
# who → expected status per action (on a fresh rectification in its state)
MATRIX = {
    "anonymous": dict.fromkeys(ACTIONS, 401),
    "applicant": dict.fromkeys(ACTIONS, 403),
    "foreign": {"list": 200, **dict.fromkeys(list(ACTIONS)[1:], 404)},
    "counter": {**dict.fromkeys(ACTIONS, 200), "decide-appeal": 403},
    "head": {**dict.fromkeys(ACTIONS, 200), "decide-appeal": 403},
    "supervisor": dict.fromkeys(ACTIONS, 200),
}
STATE_FOR = {
    "rectify": S.RECTIFYING,
    "reply": S.REPLYING,
    "revisit": S.REVISITING,
    "decide-appeal": S.APPEALED,
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_permission_matrix(rw, who):
    users = {
        "anonymous": None,
        "applicant": rw.applicant,
        "foreign": rw.foreign_reviewer,
        "counter": rw.counter,
        "head": rw.head,
        "supervisor": rw.supervisor,
    }
    client = client_for(users[who])
    for action, (method, suffix, body) in ACTIONS.items():
        r = _bad(rw)
        state = STATE_FOR.get(action)
        if state:
            fields = {"state": state}
            if state == S.APPEALED:
                fields |= {
                    "appeal_state_before": S.VERIFYING,
                    "appealed_by": rw.counter,
                }
            Rectification.objects.filter(pk=r.pk).update(**fields)
        url = RECT + suffix.format(id=r.pk)
        answer = getattr(client, method)(url, body, format="json")
        assert answer.status_code == MATRIX[who][action], (who, action, answer.content)
        if answer.status_code >= 400:
            assert set(answer.json()) >= {"code", "message"}


def test_foreign_staff_list_is_empty_and_state_filter_checked(rw):
    _bad(rw)
    foreign = client_for(rw.foreign_reviewer).get(RECT)
    assert foreign.json()["results"] == []
    own = client_for(rw.counter).get(RECT, {"state": "verifying"})
    assert len(own.json()["results"]) == 1
    assert own.json()["results"][0]["rater_name"] == "匿名"
    bad = client_for(rw.counter).get(RECT, {"state": "nonsense"})
    assert bad.status_code == 400


def test_public_results_are_cached_yet_never_older_than_the_last_commit(
    rw, django_capture_on_commit_callbacks
):
    from zhengtong.feedback.selectors_public import public_results

    month = date(2026, 9, 1)
    before = public_results(region=None, month=month)["totals"]["ratings"]
    with django_capture_on_commit_callbacks(execute=True):
        _bad(rw)
    after = public_results(region=None, month=month)["totals"]["ratings"]
    assert after == before + 1
    # unchanged data: the second read is the cached one
    assert public_results(region=None, month=month) == public_results(
        region=None, month=month
    )
