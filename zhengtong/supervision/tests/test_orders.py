"""
Supervision orders (督办单): who may open, reply, accept and return; the reply
deadline in working days; drafts; the order's own escalation; the PDF.
"""

import io
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader

from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.supervision.constants import (
    AlertLevel,
    ClockKind,
    Lamp,
    OrderState,
    OrderTarget,
)
from zhengtong.supervision.documents import order_pdf
from zhengtong.supervision.models import Alert, Clock, SupervisionOrder
from zhengtong.supervision.services.orders import (
    order_accept,
    order_cancel,
    order_create,
    order_escalate,
    order_issue,
    order_reply,
    order_return,
    orders_escalate_due,
)
from zhengtong.supervision.tests.order_world import OrderWorld, at

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def ow(db) -> OrderWorld:
    return OrderWorld()


def _open(ow, now, **kw):
    case = kw.pop("case", None) or ow.accepted_case(now)
    return order_create(
        actor=ow.fresh(ow.supervisor),
        target=OrderTarget.CASE,
        case=case,
        reason="办件临近超期，承办人未办理。",
        action="请立即办理并书面说明原因。",
        now=now,
        **kw,
    )


def _events(order) -> list[str]:
    return list(
        AuditEvent.objects.filter(stream=f"supervision.supervisionorder:{order.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.mark.parametrize("frozen_moment", [at(2026, 9, 29)])
def test_reply_deadline_counts_working_days_across_national_day(ow):
    """Issued Tue 29 Sep, 3 working days: 30 Sep, then 8 and 9 Oct (国庆 1–7 Oct)."""
    now = at(2026, 9, 29)
    order = _open(ow, now, reply_days=3)
    assert order.state == OrderState.OPEN
    assert order.issued_on == date(2026, 9, 29)
    assert order.due_date == date(2026, 10, 9)
    assert order.number == "督〔2026〕0001号"
    assert _events(order) == ["order_open"]
    # addressed to the case's handler and the department's head, once each
    alerted = set(
        Alert.objects.filter(order=order, level=AlertLevel.ORDER).values_list(
            "recipient_id", flat=True
        )
    )
    assert alerted == {ow.reviewer.pk, ow.head.pk}


def test_default_reply_days_come_from_the_policy(ow):
    order = _open(ow, at(2026, 3, 2))
    assert order.reply_days == 3  # SupervisionPolicy.order_reply_days (seeded)
    assert order.due_date == date(2026, 3, 5)
    assert order.person_id == ow.reviewer.pk
    assert order.department_id == ow.dept.pk


@pytest.mark.parametrize(
    "who, allowed",
    [
        ("supervisor", True),
        ("admin", True),
        ("head", False),
        ("counter", False),
        ("reviewer", False),
        ("applicant", False),
    ],
)
def test_who_may_open_an_order(ow, who, allowed):
    now = at(2026, 3, 2)
    case = ow.accepted_case(now)
    actor = ow.fresh(getattr(ow, who))

    def call():
        return order_create(
            actor=actor,
            target=OrderTarget.CASE,
            case=case,
            reason="事由",
            action="要求",
            now=now,
        )

    if allowed:
        assert call().state == OrderState.OPEN
    else:
        with pytest.raises(ApplicationError) as err:
            call()
        assert err.value.status == 403
        assert not SupervisionOrder.objects.exists()


def test_targets_step_department_and_person(ow):
    now = at(2026, 3, 2)
    case = ow.accepted_case(now)
    step = case.steps.order_by("order").first()
    sup = ow.fresh(ow.supervisor)
    on_step = order_create(
        actor=sup, target="step", step=step, reason="环节超期", action="办理", now=now
    )
    assert (on_step.case_id, on_step.step_id) == (case.pk, step.pk)
    assert on_step.person_id == step.assignee_id
    on_dept = order_create(
        actor=sup,
        target="department",
        department=ow.other_dept,
        reason="窗口多次投诉",
        action="整改",
        now=now,
    )
    assert on_dept.person_id is None and on_dept.department_id == ow.other_dept.pk
    on_person = order_create(
        actor=sup,
        target="person",
        person=ow.foreign_reviewer,
        reason="首问推诿",
        action="说明",
        now=now,
    )
    assert on_person.department_id == ow.other_dept.pk
    with pytest.raises(ApplicationError) as err:
        order_create(actor=sup, target="case", reason="x", action="y", now=now)
    assert err.value.code == "invalid_input"
    with pytest.raises(ApplicationError) as err:
        order_create(
            actor=sup, target="case", case=case, reason=" ", action="y", now=now
        )
    assert err.value.code == "invalid_input"
    with pytest.raises(ApplicationError):
        _open(ow, now, case=case, reply_days=0)


def test_reply_accept_and_return_permissions_and_states(ow):
    now = at(2026, 3, 2)
    order = _open(ow, now)
    sup, head, other_head = (
        ow.fresh(u) for u in (ow.supervisor, ow.head, ow.other_head)
    )
    # another department's head: as if it did not exist
    with pytest.raises(ApplicationError) as err:
        order_reply(order=order, actor=other_head, text="已办理")
    assert err.value.status == 404
    for outsider in (ow.counter, ow.applicant):
        with pytest.raises(ApplicationError) as err:
            order_reply(order=order, actor=ow.fresh(outsider), text="已办理")
        assert err.value.status == 403
    # nothing to judge yet
    with pytest.raises(ApplicationError) as err:
        order_accept(order=order, actor=sup)
    assert (err.value.code, err.value.status) == ("invalid_state", 409)

    order_reply(order=order, actor=head, text="已督促承办人办理。", now=at(2026, 3, 3))
    order.refresh_from_db()
    assert order.state == OrderState.REPLIED
    assert Alert.objects.filter(order=order, recipient=ow.supervisor).exists()
    # the department may not judge its own reply
    with pytest.raises(ApplicationError) as err:
        order_accept(order=order, actor=head)
    assert err.value.status == 403
    # returned: the deadline stays
    with pytest.raises(ApplicationError):
        order_return(order=order, actor=sup, note="")
    order_return(order=order, actor=sup, note="未说明超期原因。", now=at(2026, 3, 4))
    order.refresh_from_db()
    assert (order.state, order.due_date) == (OrderState.RETURNED, date(2026, 3, 5))
    # the person addressed may reply too
    order_reply(order=order, actor=ow.fresh(ow.reviewer), text="超期因材料核验。")
    order.refresh_from_db()
    # returned with new days: a new deadline from the day of the return
    order_return(
        order=order, actor=sup, note="请附核验记录。", reply_days=2, now=at(2026, 3, 6)
    )
    order.refresh_from_db()
    assert order.due_date == date(2026, 3, 10)  # Fri 6 → Mon 9, Tue 10
    order_reply(order=order, actor=head, text="附核验记录。", now=at(2026, 3, 9))
    order_accept(order=order, actor=sup, note="同意。", now=at(2026, 3, 9))
    order.refresh_from_db()
    assert order.state == OrderState.ACCEPTED and order.closed_at is not None
    verdicts = list(order.replies.values_list("verdict", flat=True))
    assert verdicts == ["returned", "returned", "accepted"]
    assert _events(order) == [
        "order_open",
        "order_reply",
        "order_return",
        "order_reply",
        "order_return",
        "order_reply",
        "order_accept",
    ]
    with pytest.raises(ApplicationError) as err:
        order_reply(order=order, actor=head, text="再回复")
    assert err.value.code == "invalid_state"


def test_a_draft_is_drafted_once_per_clock_and_issued_by_a_supervisor(ow):
    now = at(2026, 3, 2)
    case = ow.accepted_case(now)
    clock = Clock.objects.create(
        kind=ClockKind.CASE,
        object_id=case.pk,
        number=case.number,
        case_id=case.pk,
        department=ow.dept,
        owner=ow.reviewer,
        due_date=date(2026, 3, 2),
        warn_on=date(2026, 2, 26),
        lamp=Lamp.RED,
    )
    kw = dict(
        actor=None,
        target="case",
        case=case.pk,  # the sweep passes ids
        department=ow.dept,
        person=ow.reviewer.pk,
        reason="办件超期3个工作日",
        action="请查明原因",
        auto=True,
        clock=clock,
        now=now,
    )
    draft = order_create(**kw)
    assert draft.state == OrderState.DRAFT and draft.auto
    assert draft.number.startswith("督拟〔2026〕")
    assert draft.due_date is None
    assert not Alert.objects.filter(order=draft).exists()
    assert order_create(**kw).pk == draft.pk  # once per clock
    assert SupervisionOrder.objects.count() == 1
    with pytest.raises(ApplicationError) as err:
        order_issue(order=draft, actor=ow.fresh(ow.head), now=at(2026, 3, 3))
    assert err.value.status == 403
    issued = order_issue(
        order=draft,
        actor=ow.fresh(ow.supervisor),
        action="请三日内办结并说明原因",
        reply_days=5,
        now=at(2026, 3, 3),
    )
    assert issued.state == OrderState.OPEN
    assert issued.number == "督〔2026〕0001号"
    assert (issued.issued_on, issued.due_date) == (date(2026, 3, 3), date(2026, 3, 10))
    assert issued.created_by_id == ow.supervisor.pk
    assert _events(issued) == ["order_draft", "order_issue"]
    with pytest.raises(ApplicationError) as err:
        order_issue(order=issued, actor=ow.fresh(ow.supervisor))
    assert err.value.code == "invalid_state"
    order_cancel(order=issued, actor=ow.fresh(ow.supervisor), note="重复督办")
    issued.refresh_from_db()
    assert issued.state == OrderState.CANCELLED


def _escalated_to(order) -> set[int]:
    return set(
        Alert.objects.filter(order=order, level=AlertLevel.ESCALATED).values_list(
            "recipient_id", flat=True
        )
    )


def test_an_overdue_order_escalates_one_level_per_step_once(ow):
    order = _open(ow, at(2026, 3, 2))  # due Thu 5 March
    assert order.level == 1
    assert order_escalate(order=order, now=at(2026, 3, 5, 17)) is False
    # Fri 6: one working day late → level 2, the supervisors alerted
    with time_machine.travel(at(2026, 3, 6), tick=False):
        assert order_escalate(order=order, now=at(2026, 3, 6)) is True
        assert order_escalate(order=order, now=at(2026, 3, 6, 15)) is False
    order.refresh_from_db()
    assert order.level == 2
    level2 = _escalated_to(order)
    assert {ow.supervisor.pk, ow.head.pk, ow.reviewer.pk} <= level2
    assert ow.admin.pk not in level2
    # Mon 9, Tue 10: still level 2 (escalate_after_red_days = 3)
    assert order_escalate(order=order, now=at(2026, 3, 10)) is False
    # Wed 11: 4 working days late → level 3, the centre administrators too
    assert order_escalate(order=order, now=at(2026, 3, 11)) is True
    order.refresh_from_db()
    assert order.level == 3
    assert ow.admin.pk in _escalated_to(order)
    count = Alert.objects.filter(order=order).count()
    assert order_escalate(order=order, now=at(2026, 4, 30)) is False
    assert Alert.objects.filter(order=order).count() == count
    assert _events(order).count("order_escalate") == 2


def test_a_replied_order_does_not_escalate_and_the_sweep_helper_finds_late_ones(ow):
    replied = _open(ow, at(2026, 3, 2))
    order_reply(order=replied, actor=ow.fresh(ow.head), text="已办理")
    late = _open(ow, at(2026, 3, 2))
    assert orders_escalate_due(now=at(2026, 3, 6)) == 1
    assert orders_escalate_due(now=at(2026, 3, 6)) == 0
    replied.refresh_from_db()
    late.refresh_from_db()
    assert (replied.level, late.level) == (1, 2)


def test_the_order_pdf_reads_back_as_text(ow):
    order = _open(ow, at(2026, 3, 2))
    order_reply(order=order, actor=ow.fresh(ow.head), text="已督促承办人当日办结。")
    order.refresh_from_db()
    pdf = order_pdf(order)
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = text.replace(" ", "").replace("\n", "")
    assert "督〔2026〕0001号" in flat
    assert "区行政审批局" in flat
    assert "办件临近超期" in flat
    assert "2026年3月5日" in flat
    assert "已督促承办人当日办结" in flat
