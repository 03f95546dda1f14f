"""
The fast lanes of ticket issue and call-next (api.fast) answer as DRF does.
"""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.queueing.apis import CounterCallNextApi, TicketIssueApi
from zhengtong.queueing.models import Ticket

from .factories import hall_setup, open_all_day

pytestmark = pytest.mark.django_db

BASE = "/api/v1/queue"
VOLATILE = {
    "id",
    "number",
    "token",
    "arrival_at",
    "called_at",
    "waiting_ahead",
    "estimated_wait_minutes",
}


@pytest.fixture
def setup():
    s = hall_setup()
    open_all_day(s.hall)
    return s


def client_with(token: str = "") -> APIClient:
    client = APIClient()
    if token:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def token_of(user) -> str:
    return Token.objects.get_or_create(user=user)[0].key


def both(monkeypatch, view, send):
    """Return (lane answer, DRF answer) of the same request."""
    lane = send()
    with monkeypatch.context() as m:
        m.setattr(view, "fast_lane", None)
        drf = send()
    return lane, drf


def same_answer(lane, drf, *, exact: bool) -> None:
    assert lane.status_code == drf.status_code
    headers = {k: v for k, v in lane.headers.items() if exact or k != "Content-Length"}
    assert headers == {
        k: v for k, v in drf.headers.items() if exact or k != "Content-Length"
    }
    if exact:
        assert lane.content == drf.content
    else:
        a, b = lane.json(), drf.json()
        assert list(a) == list(b)
        assert {k: v for k, v in a.items() if k not in VOLATILE} == {
            k: v for k, v in b.items() if k not in VOLATILE
        }


class TestIssueLane:
    @pytest.mark.parametrize(
        "who", ["kiosk", "staff", "applicant"], ids=["kiosk", "staff", "mobile"]
    )
    def test_issue_answers_as_drf(self, setup, monkeypatch, who):
        token = {
            "kiosk": "",
            "staff": token_of(setup.staff),
            "applicant": token_of(setup.applicant),
        }[who]
        lane, drf = both(
            monkeypatch,
            TicketIssueApi,
            lambda: client_with(token).post(
                f"{BASE}/tickets/", {"category": "general"}, format="json"
            ),
        )
        if who == "applicant":  # one open ticket per category and applicant
            assert lane.status_code == 201
            assert drf.status_code == 409
            return
        same_answer(lane, drf, exact=False)
        assert lane.status_code == 201
        assert lane.json()["channel"] == {"kiosk": "kiosk", "staff": "staff"}[who]
        assert lane.json()["waiting_ahead"] == 0
        assert drf.json()["waiting_ahead"] == 1

    @pytest.mark.parametrize(
        "body",
        [{"category": "nope"}, {"category": "general", "priority": "elderly"}],
    )
    def test_refusals_are_byte_for_byte_the_same(self, setup, monkeypatch, body):
        token = token_of(setup.applicant) if "priority" in body else ""
        lane, drf = both(
            monkeypatch,
            TicketIssueApi,
            lambda: client_with(token).post(f"{BASE}/tickets/", body, format="json"),
        )
        same_answer(lane, drf, exact=True)
        assert lane.status_code in (400, 409)

    def test_outside_opening_hours(self, monkeypatch):
        s = hall_setup()  # Mon–Fri 9–12, 14–17 only; the test may run any time
        from zhengtong.queueing import selectors

        monkeypatch.setattr(selectors, "hall_session_at", lambda **_kw: None)
        monkeypatch.setattr(selectors, "hall_next_opening", lambda **_kw: None)
        lane, drf = both(
            monkeypatch,
            TicketIssueApi,
            lambda: client_with().post(
                f"{BASE}/tickets/", {"category": s.categories["A"].code}, format="json"
            ),
        )
        same_answer(lane, drf, exact=True)
        assert lane.json()["code"] == "outside_opening_hours"

    def test_the_lane_serves_the_kiosk(self, setup, monkeypatch):
        def refuse(self, request):
            raise AssertionError("DRF path taken")

        monkeypatch.setattr(TicketIssueApi, "post", refuse)
        r = client_with().post(
            f"{BASE}/tickets/", {"category": "general"}, format="json"
        )
        assert r.status_code == 201
        assert Ticket.objects.get(pk=r.json()["id"]).channel == "kiosk"

    @pytest.mark.parametrize(
        "header, status",
        [("Token", 401), ("Token nope", 401), ("Token a b", 401), ("Bearer x", 201)],
    )
    def test_other_credentials_go_to_drf(self, setup, monkeypatch, header, status):
        calls = []
        original = TicketIssueApi.post

        def spy(self, request):
            calls.append(request.user)
            return original(self, request)

        monkeypatch.setattr(TicketIssueApi, "post", spy)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=header)
        r = client.post(f"{BASE}/tickets/", {"category": "general"}, format="json")
        assert r.status_code == status
        assert len(calls) == (1 if status == 201 else 0)  # 401 before post()

    def test_a_browser_session_goes_to_drf(self, setup, monkeypatch):
        calls = []
        original = TicketIssueApi.post

        def spy(self, request):
            calls.append(request.user)
            return original(self, request)

        monkeypatch.setattr(TicketIssueApi, "post", spy)
        client = APIClient()
        client.force_login(setup.applicant)
        r = client.post(f"{BASE}/tickets/", {"category": "general"}, format="json")
        assert r.status_code == 201 and r.json()["channel"] == "mobile"
        assert calls == [setup.applicant]

    def test_odd_input_goes_to_drf(self, setup):
        r = client_with().post(
            f"{BASE}/tickets/", {"category": " general "}, format="json"
        )
        drf_like = client_with().post(
            f"{BASE}/tickets/", {"category": ["general"]}, format="json"
        )
        assert r.status_code == 201
        assert drf_like.status_code == 400
        assert drf_like.json()["code"] == "invalid_input"


class TestCallNextLane:
    def path(self, setup, n: int = 0) -> str:
        return f"{BASE}/counters/{setup.counters[n].pk}/call-next/"

    def test_call_answers_as_drf(self, setup, monkeypatch):
        for _ in range(2):
            client_with().post(
                f"{BASE}/tickets/", {"category": "general"}, format="json"
            )
        token = token_of(setup.staff)
        lane = client_with(token).post(self.path(setup))
        ticket = Ticket.objects.get(pk=lane.json()["id"])
        client_with(token).post(
            f"{BASE}/tickets/{ticket.pk}/finish/", {"matter": "测试"}, format="json"
        )
        with monkeypatch.context() as m:
            m.setattr(CounterCallNextApi, "fast_lane", None)
            drf = client_with(token).post(self.path(setup))
        same_answer(lane, drf, exact=False)
        assert lane.status_code == 200 and lane.json()["status"] == "called"
        assert lane.json()["counter"] == setup.counters[0].number

    def test_refusals_are_byte_for_byte_the_same(self, setup, monkeypatch):
        for _ in range(2):
            client_with().post(
                f"{BASE}/tickets/", {"category": "general"}, format="json"
            )
        token = token_of(setup.staff)
        assert client_with(token).post(self.path(setup)).status_code == 200
        for path in (
            self.path(setup),  # counter_busy
            self.path(setup, 1),  # not this staff's counter
            f"{BASE}/counters/999999/call-next/",  # unknown counter
        ):
            lane, drf = both(
                monkeypatch,
                CounterCallNextApi,
                lambda path=path: client_with(token).post(path),
            )
            same_answer(lane, drf, exact=True)
            assert lane.status_code in (403, 404, 409)

    def test_nobody_waiting_answers_as_drf(self, setup, monkeypatch):
        token = token_of(setup.staff)
        lane, drf = both(
            monkeypatch,
            CounterCallNextApi,
            lambda: client_with(token).post(self.path(setup)),
        )
        same_answer(lane, drf, exact=True)
        assert lane.status_code == 204 and lane.content == b""

    def test_nobody_waiting_is_answered_by_the_lane(self, setup, monkeypatch):
        def refuse(self, request, counter_id):  # the DRF path must not run again
            raise AssertionError("DRF path taken")

        monkeypatch.setattr(CounterCallNextApi, "post", refuse)
        r = client_with(token_of(setup.staff)).post(self.path(setup))
        assert r.status_code == 204

    def test_no_token_goes_to_drf(self, setup):
        r = client_with().post(self.path(setup))
        assert r.status_code == 401
        assert r.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "extra", [{"HTTP_ACCEPT": "text/html"}, {"QUERY_STRING": "format=api"}]
)
def test_negotiated_answers_go_to_drf(setup, monkeypatch, extra):
    for _ in range(2):
        client_with().post(f"{BASE}/tickets/", {"category": "general"}, format="json")
    calls = []
    for view in (TicketIssueApi, CounterCallNextApi):
        original = view.post

        def spy(self, request, *args, _original=original, **kwargs):
            calls.append(type(self).__name__)
            return _original(self, request, *args, **kwargs)

        monkeypatch.setattr(view, "post", spy)
    token = token_of(setup.staff)
    client_with().post(
        f"{BASE}/tickets/", {"category": "general"}, format="json", **extra
    )
    client_with(token).post(
        f"{BASE}/counters/{setup.counters[0].pk}/call-next/", **extra
    )
    assert calls == ["TicketIssueApi", "CounterCallNextApi"]
