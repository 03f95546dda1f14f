"""
The ticket transition table: every allowed and refused move, who may make
it, that nothing else changes a ticket's status, and what it costs.
"""

import ast
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.queueing import services, workflow
from zhengtong.queueing.models import Ticket

from .factories import MONDAY, at, hall_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_moment():
    """The clock of these tests: Monday of the story, 10:00, the hall open."""
    return at(MONDAY, 10)


S = Ticket.Status
STAFF, HOLDER, SYSTEM, PUBLIC = "staff", "holder", "system", "public"
COUNTER = {STAFF, SYSTEM}

# The specification, written out: (from, action) → (to, who may, displays told).
EXPECTED = {
    ("", "issue"): ("waiting", {PUBLIC}, True),
    ("waiting", "call"): ("called", COUNTER, True),
    ("called", "recall"): ("called", COUNTER, True),
    ("called", "start"): ("serving", COUNTER, True),
    ("called", "hold"): ("held", COUNTER, False),
    ("serving", "hold"): ("held", COUNTER, False),
    ("held", "resume"): ("serving", COUNTER, True),
    ("waiting", "transfer"): ("waiting", COUNTER, True),
    ("called", "transfer"): ("waiting", COUNTER, True),
    ("serving", "transfer"): ("waiting", COUNTER, True),
    ("held", "transfer"): ("waiting", COUNTER, True),
    ("called", "no_show"): ("no_show", COUNTER, True),
    ("called", "finish"): ("finished", COUNTER, True),
    ("serving", "finish"): ("finished", COUNTER, True),
    ("held", "finish"): ("finished", COUNTER, True),
    ("waiting", "cancel"): ("cancelled", {HOLDER, STAFF, SYSTEM}, True),
}


def test_the_table_is_the_specification():
    actual = {
        key: (tr.to, set(tr.actors), not tr.quiet)
        for key, tr in workflow.TRANSITIONS.items()
    }
    assert actual == EXPECTED
    assert set(workflow.OPEN_STATUSES) == {"waiting", "called", "serving", "held"}
    assert workflow.single_move("call")[0] == "waiting"
    assert workflow.single_move("issue")[0] == workflow.NEW
    with pytest.raises(ValueError):
        workflow.single_move("finish")  # three sources: no one-statement write


# Every status × every action a counter can take, through the services -------

ACTIONS = ["recall", "start", "hold", "resume", "transfer", "no_show", "finish"]
ACTIONS += ["cancel"]
STATUSES = [s.value for s in S]


def _perform(setup, ticket, action, actor):
    kwargs = {"ticket": ticket, "actor": actor, "now": at(MONDAY, 9, 30)}
    if action == "transfer":
        kwargs["category"] = setup.categories["B"]
    if action == "finish":
        kwargs["matter"] = "咨询"
    name = {"no_show": "ticket_mark_no_show"}.get(action, f"ticket_{action}")
    return getattr(services, name)(**kwargs)


def _events(ticket):
    return AuditEvent.objects.filter(
        object_type="queueing.ticket", object_id=str(ticket.pk)
    )


def _ticket_in(setup, status, *, recalls=0):
    ticket = services.ticket_issue(
        category=setup.categories["A"],
        channel=Ticket.Channel.STAFF,
        applicant=setup.applicant,
        now=at(MONDAY, 9),
    )
    at_counter = status not in ("waiting",)
    Ticket.objects.filter(pk=ticket.pk).update(
        status=status,
        counter=setup.counters[0] if at_counter else None,
        last_called_at=at(MONDAY, 9, 1) if at_counter else None,
        recall_count=recalls,
    )
    return Ticket.objects.get(pk=ticket.pk)


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_move_is_allowed_or_refused_as_the_table_says(status, action):
    setup = hall_setup(policy={"max_recalls": 2})
    ticket = _ticket_in(setup, status, recalls=2 if action == "no_show" else 0)
    events = _events(ticket)
    before = events.count()
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(ApplicationError) as exc:
            _perform(setup, ticket, action, setup.staff)
        assert exc.value.code == "invalid_ticket_state"
        assert exc.value.status == 409
        label = workflow.TicketAction(action).label
        assert exc.value.message == (
            f"A001 号当前状态为“{S(status).label}”，不能{label}。"
        )
        assert Ticket.objects.get(pk=ticket.pk).status == status
        assert events.count() == before
        return
    moved = _perform(setup, ticket, action, setup.staff)
    assert moved.status == expected[0]
    assert Ticket.objects.get(pk=ticket.pk).status == expected[0]
    event = events.order_by("-seq").first()
    assert (event.action, event.from_state, event.to_state) == (
        f"ticket_{action}",
        status,
        expected[0],
    )


def test_call_claims_only_waiting_tickets_and_audits_the_move():
    setup = hall_setup()
    for status in STATUSES:
        if status != "waiting":
            ticket = _ticket_in(setup, status)
            Ticket.objects.filter(pk=ticket.pk).update(counter=None)
    assert (
        services.ticket_call_next(counter=setup.counters[0], actor=setup.staff) is None
    )
    waiting = _ticket_in(setup, "waiting")
    called = services.ticket_call_next(counter=setup.counters[0], actor=setup.staff)
    assert called.pk == waiting.pk and called.status == "called"
    event = _events(waiting).order_by("-seq")[0]
    assert (event.action, event.from_state, event.to_state) == (
        "ticket_call",
        "waiting",
        "called",
    )
    assert event.details == {"number": called.number, "counter": "1"}


def test_issue_starts_the_chain_in_waiting():
    setup = hall_setup()
    ticket = services.ticket_issue(
        category=setup.categories["A"], channel="kiosk", now=at(MONDAY, 9)
    )
    event = _events(ticket).get()
    assert (event.action, event.from_state, event.to_state, event.seq) == (
        "ticket_issue",
        "",
        "waiting",
        1,
    )


# Who may ---------------------------------------------------------------------


class TestWhoMay:
    def test_an_applicant_cannot_work_a_counter(self):
        setup = hall_setup()
        ticket = _ticket_in(setup, "called")
        for action in ("recall", "start", "finish", "transfer"):
            with pytest.raises(ApplicationError) as exc:
                _perform(setup, ticket, action, setup.applicant)
            assert (exc.value.code, exc.value.status) == ("permission_denied", 403)
        with pytest.raises(ApplicationError) as exc:
            services.ticket_call_next(counter=setup.counters[0], actor=setup.applicant)
        assert exc.value.code == "permission_denied"
        assert Ticket.objects.get(pk=ticket.pk).status == "called"

    def test_the_holder_staff_and_system_may_cancel_others_not(self):
        from django.contrib.auth.models import AnonymousUser

        from zhengtong.accounts.constants import Role
        from zhengtong.accounts.services import user_create

        setup = hall_setup()
        stranger = user_create(
            username="stranger", password="pw-123456", roles=[Role.APPLICANT]
        )
        for actor in (stranger, AnonymousUser()):
            ticket = _ticket_in(setup, "waiting")
            with pytest.raises(ApplicationError) as exc:
                services.ticket_cancel(ticket=ticket, actor=actor)
            assert exc.value.code == "permission_denied"
        for actor in (setup.applicant, setup.staff, None):
            ticket = _ticket_in(setup, "waiting")
            assert services.ticket_cancel(ticket=ticket, actor=actor).status == (
                "cancelled"
            )

    def test_anyone_may_take_a_ticket(self):
        from django.contrib.auth.models import AnonymousUser

        setup = hall_setup()
        ticket = services.ticket_issue(
            category=setup.categories["A"],
            channel="kiosk",
            actor=AnonymousUser(),
            now=at(MONDAY, 9),
        )
        assert ticket.status == "waiting"


# The API keeps its codes ---------------------------------------------------------


@pytest.mark.parametrize(
    "path,body",
    [
        ("recall", {}),
        ("no-show", {}),
        ("start", {}),
        ("hold", {}),
        ("resume", {}),
        ("transfer", {"category": "business"}),
        ("finish", {"matter": "咨询"}),
        ("cancel", {}),
    ],
)
def test_api_refuses_a_move_of_a_finished_ticket_with_its_code(path, body):
    setup = hall_setup()
    ticket = _ticket_in(setup, "finished")
    client = APIClient()
    client.force_authenticate(setup.staff)
    response = client.post(
        f"/api/v1/queue/tickets/{ticket.pk}/{path}/", body, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_ticket_state"
    assert "已办结" in response.json()["message"]


# Nothing else changes a ticket's status --------------------------------------

ROOT = Path(__file__).resolve().parents[2]  # zhengtong/


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _enclosing_functions(tree):
    """Map each node to the name of the function it is in."""
    owner = {}
    # ast.walk goes outside in, so the innermost function is written last
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if node is not fn:
                    owner[node] = fn.name
    return owner


def _may_be_ticket(target: ast.expr, in_queueing: bool) -> bool:
    name = ast.unparse(target).lower()
    if "ticket" in name:
        return True
    return in_queueing and "appointment" not in name


def _status_writes(node, rel: str, in_queueing: bool, function: str | None):
    """Yield what ``node`` does to a ticket's status outside ticket_transition."""
    targets = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AugAssign | ast.AnnAssign):
        targets = [node.target]
    allowed = (
        rel == "queueing/services/transition.py" and function == "ticket_transition"
    )
    for target in targets:
        if (
            isinstance(target, ast.Attribute)
            and target.attr == "status"
            and _may_be_ticket(target.value, in_queueing)
            and not allowed
        ):
            yield "assignment"
    if not isinstance(node, ast.Call):
        return
    func = ast.unparse(node.func)
    keywords = {k.arg for k in node.keywords}
    is_ticket_call = "ticket" in func.lower() or (
        in_queueing and "appointment" not in func.lower()
    )
    writes = func.endswith((".update", ".create", "update_or_create", "get_or_create"))
    if "status" in keywords and is_ticket_call and (writes or func == "Ticket"):
        yield f"{func}(status=…)"
    if func == "setattr" and "status" in ast.unparse(node.args[1:2]):
        yield "setattr"


def test_only_ticket_transition_assigns_a_ticket_status():
    offenders = []
    raw_status_sql = set()
    for path, tree in _sources():
        rel = path.relative_to(ROOT).as_posix()
        owner = _enclosing_functions(tree)
        for node in ast.walk(tree):
            function = owner.get(node)
            offenders += [
                f"{what} at {rel}:{node.lineno} in {function}"
                for what in _status_writes(
                    node, rel, rel.startswith("queueing/"), function
                )
            ]
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and "set status" in node.value.lower()
                and rel.startswith("queueing/")
            ):
                raw_status_sql.add((rel, function))
    assert offenders == []
    # the one raw status write is the claim, with statuses from the table and
    # the desk's own call-order queryset
    assert raw_status_sql == {("queueing/services/calling.py", "_ticket_claim_next")}
    claim = services.calling._ticket_claim_next.__code__
    assert {"single_move", "_claim_queue_sql"} <= set(claim.co_names)
    compiled = services.calling._claim_queue_compiled.__wrapped__.__code__
    assert "ticket_call_order" in compiled.co_names


# What the hot paths cost -------------------------------------------------------


class TestQueryCounts:
    """
    The transition table adds no statement to ticket issue and call-next.

    Counted inside the test's transaction (savepoints included); the figures
    are the counts of the same sequence before the table existed.
    """

    def test_issue_call_and_the_moves(self, django_assert_num_queries):
        setup = hall_setup()
        staff, counter = setup.staff, setup.counters[0]
        services.ticket_issue(category=setup.categories["A"], channel="kiosk")
        staff.has_role("counter_staff")  # the doors ask first (roles cached)
        with django_assert_num_queries(6):
            services.ticket_issue(category=setup.categories["A"], channel="kiosk")
        with django_assert_num_queries(7):  # + the open-ticket check of phones
            services.ticket_issue(
                category=setup.categories["A"],
                channel="mobile",
                applicant=setup.applicant,
            )
        with django_assert_num_queries(12):
            ticket = services.ticket_call_next(counter=counter, actor=staff)
        with django_assert_num_queries(10):
            services.ticket_recall(ticket=ticket, actor=staff)
        with django_assert_num_queries(8):
            services.ticket_start(ticket=ticket, actor=staff)
        with django_assert_num_queries(8):
            services.ticket_hold(ticket=ticket, actor=staff)
        with django_assert_num_queries(9):
            services.ticket_resume(ticket=ticket, actor=staff)
        with django_assert_num_queries(8):
            services.ticket_finish(ticket=ticket, actor=staff, matter="x")
        assert Ticket.objects.get(pk=ticket.pk).status == "finished"


def test_moves_keep_their_display_events(
    django_capture_on_commit_callbacks, monkeypatch
):
    setup = hall_setup()
    sent = []
    monkeypatch.setattr(
        services.display, "_broadcast", lambda t, event: sent.append(event)
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = services.ticket_issue(category=setup.categories["A"], channel="kiosk")
        services.ticket_call_next(counter=setup.counters[0], actor=setup.staff)
        services.ticket_recall(ticket=ticket, actor=setup.staff)
        services.ticket_hold(ticket=ticket, actor=setup.staff)
        services.ticket_resume(ticket=ticket, actor=setup.staff)
        services.ticket_finish(ticket=ticket, actor=setup.staff, matter="x")
    assert sent == ["issue", "call", "recall", "resume", "finish"]


def test_claim_sql_is_the_desk_queryset_compiled():
    """The claim's SELECT is the desk's queryset, compiled (cached per counter)."""
    from django.db import connection, transaction

    from zhengtong.queueing import selectors

    setup = hall_setup()
    counter = setup.counters[1]
    ranks = selectors.counter_category_ranks(counter_id=counter.pk)
    with transaction.atomic():  # FOR UPDATE compiles inside a transaction only
        for minute in (0, 17, 45):
            aged = at(MONDAY, 9, minute)
            claim = services.calling._claim_queue_sql(
                counter=counter, ranks=ranks, aged_before=aged, day=MONDAY
            )
            desk = selectors.ticket_call_order(
                counter=counter, ranks=ranks, aged_before=aged, day=MONDAY
            ).values("id")[:1]
            if connection.features.has_select_for_update_skip_locked:
                desk = desk.select_for_update(skip_locked=True)
            sql, params = desk.query.get_compiler(connection=connection).as_sql()
            assert claim == (sql, list(params))
