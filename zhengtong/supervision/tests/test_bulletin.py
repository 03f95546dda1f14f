"""
The monthly bulletin (督查通报): figures per department from the registry and
the sweep's events, the department head's share, the API (JSON and PDF), the
command that archives it, and the PDF read back as text.

The story is March 2026, told on Friday 2026-03-20; February's rows must not
count.
"""

import io
import json
from datetime import date, datetime, timedelta
from io import StringIO
from itertools import count
from zoneinfo import ZoneInfo

from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest
import time_machine
from pypdf import PdfReader

from zhengtong.core.audit import audit_record
from zhengtong.supervision.constants import (
    BreachState,
    ClockKind,
    ClockState,
    Lamp,
    OrderState,
    OrderTarget,
)
from zhengtong.supervision.models import (
    AnomalyHit,
    Breach,
    BreachKind,
    Bulletin,
    Clock,
    MeasureKind,
    OrderReply,
    SupervisionOrder,
)
from zhengtong.supervision.services.bulletin import bulletin_figures, month_parse

TZ = ZoneInfo("Asia/Shanghai")
MARCH = date(2026, 3, 1)
_ids = count(5000)

pytestmark = pytest.mark.usefixtures("frozen_today")


@pytest.fixture
def frozen_moment() -> datetime:
    return datetime(2026, 3, 20, 10, tzinfo=TZ)


def at(m: int, d: int) -> datetime:
    return datetime(2026, m, d, 10, tzinfo=TZ)


def closed_clock(department, closed_on: date, *, late: bool, kind=ClockKind.CASE):
    ident = next(_ids)
    return Clock.objects.create(
        kind=kind,
        object_id=ident,
        number=f"B-{ident}",
        department=department,
        due_date=closed_on - timedelta(days=1 if late else -3),
        warn_on=closed_on - timedelta(days=5),
        state=ClockState.CLOSED,
        lamp=Lamp.RED if late else Lamp.GREEN,
        closed_on=closed_on,
        closed_late=late,
    )


def lamp_event(clock: Clock, to: str, when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        audit_record(
            action="lamp_changed",
            obj=clock,
            actor="电子监察",
            from_state="green",
            to_state=to,
            details={
                "kind": clock.kind,
                "from": "green",
                "to": to,
                "department": clock.department_id,
            },
        )


def order(department, *, number, issued: date, due: date, state, closed_at=None):
    return SupervisionOrder.objects.create(
        number=number,
        target=OrderTarget.CASE,
        department=department,
        reason="办件超期未办结",
        action="立即办结并说明原因",
        reply_days=3,
        issued_on=issued,
        due_date=due,
        state=state,
        closed_at=closed_at,
    )


def breach(department, person, *, number, decided_at, state=BreachState.DECIDED):
    return Breach.objects.create(
        number=number,
        kind=BreachKind.objects.get(code="overdue_concluded"),
        person=person,
        department=department,
        evidence_kind="case",
        evidence_text="超过承诺时限办结",
        proposed_measure=MeasureKind.objects.get(code="yellow_card"),
        measure=MeasureKind.objects.get(code="yellow_card")
        if state == BreachState.DECIDED
        else None,
        state=state,
        decided_at=decided_at,
    )


@pytest.fixture
def month(sworld):
    w = sworld
    # 办结: three in March (one late), one late in February, a late step clock
    closed_clock(w.dept, date(2026, 3, 3), late=False)
    closed_clock(w.dept, date(2026, 3, 9), late=False)
    late = closed_clock(w.dept, date(2026, 3, 16), late=True)
    closed_clock(w.dept, date(2026, 2, 26), late=True)
    closed_clock(w.dept, date(2026, 3, 10), late=True, kind=ClockKind.STEP)
    closed_clock(w.other_dept, date(2026, 3, 11), late=True)
    # 预警/超期: one clock yellow then red, another yellow; the other dept red
    other = closed_clock(w.other_dept, date(2026, 3, 18), late=False)
    lamp_event(late, Lamp.YELLOW, at(3, 5))
    lamp_event(late, Lamp.RED, at(3, 10))
    w2 = closed_clock(w.dept, date(2026, 3, 17), late=False)
    lamp_event(w2, Lamp.YELLOW, at(3, 12))
    lamp_event(w2, Lamp.YELLOW, at(3, 13))  # the same clock counts once
    lamp_event(other, Lamp.RED, at(3, 2))
    lamp_event(other, Lamp.RED, at(2, 27))  # February
    # 督办: one overdue and unanswered, one replied and accepted in March
    order(
        w.dept,
        number="督〔2026〕0001号",
        issued=date(2026, 3, 3),
        due=date(2026, 3, 6),
        state=OrderState.OPEN,
    )
    done = order(
        w.dept,
        number="督〔2026〕0002号",
        issued=date(2026, 3, 4),
        due=date(2026, 3, 9),
        state=OrderState.ACCEPTED,
        closed_at=at(3, 9),
    )
    with time_machine.travel(at(3, 6), tick=False):
        OrderReply.objects.create(order=done, text="已办结", replied_by=w.head)
    order(
        w.other_dept,
        number="督〔2026〕0003号",
        issued=date(2026, 2, 20),
        due=date(2026, 2, 25),
        state=OrderState.ACCEPTED,
        closed_at=at(2, 25),
    )
    # 效能告诫: one decided in March, one in February, one still proposed
    breach(w.dept, w.reviewer, number="诫1", decided_at=at(3, 17))
    breach(w.dept, w.reviewer, number="诫2", decided_at=at(2, 17))
    breach(w.dept, w.counter, number="诫3", decided_at=None, state=BreachState.PROPOSED)
    # 异常: one found in March (other dept), one in February
    AnomalyHit.objects.create(
        rule="step_reassigned",
        object_kind="step",
        object_id=1,
        department=w.other_dept,
        detail="环节改派 5 次",
        found_on=date(2026, 3, 12),
    )
    AnomalyHit.objects.create(
        rule="offbook",
        object_kind="ticket",
        object_id=2,
        department=w.other_dept,
        detail="叫号后未登记",
        found_on=date(2026, 2, 12),
    )
    return w


def rows_by_name(figures):
    return {r["department"]: r for r in figures["departments"]}


def test_figures_per_department_for_the_month(month):
    figures = bulletin_figures(month=MARCH)
    rows = rows_by_name(figures)
    a, b = rows["区行政审批局"], rows["区市场监督管理局"]
    assert (a["closed"], a["closed_late"], a["on_time_rate"]) == (4, 1, "75.0%")
    assert (a["warned"], a["overdue"]) == (2, 1)
    assert (b["closed"], b["closed_late"], b["warned"], b["overdue"]) == (2, 1, 0, 1)
    assert (a["orders_issued"], a["orders_replied"], a["orders_accepted"]) == (2, 1, 1)
    assert a["orders_overdue"] == 1 and b["orders_issued"] == 0
    assert (a["cards"], b["cards"]) == (1, 0)
    assert (a["anomalies"], b["anomalies"]) == (0, 1)
    assert figures["totals"]["closed"] == 6
    assert figures["totals"]["on_time_rate"] == "66.7%"
    assert figures["cards_by_measure"] == [{"measure": "黄牌（效能告诫）", "count": 1}]
    assert figures["anomalies_by_rule"][0]["count"] == 1


def test_department_head_gets_own_rows_only(month, client):
    client.force_login(month.head)
    response = client.get(reverse("supervision-bulletin"), {"month": "2026-03"})
    assert response.status_code == 200
    body = response.json()
    assert [r["department"] for r in body["departments"]] == ["区行政审批局"]
    assert body["totals"]["closed"] == 4
    assert body["totals"]["anomalies"] == 0  # the other department's hit


def test_supervisor_gets_the_figures_as_json(month, client):
    client.force_login(month.supervisor)
    response = client.get(reverse("supervision-bulletin"), {"month": "2026-03"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["month"] == "2026-03"
    assert body["totals"]["overdue"] == 2
    assert len(body["departments"]) == 2


@pytest.mark.parametrize("who", ["counter", "reviewer", "applicant"])
def test_others_get_403(month, client, who):
    client.force_login(getattr(month, who))
    response = client.get(reverse("supervision-bulletin"), {"month": "2026-03"})
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted"


def test_anonymous_is_refused(month, client):
    response = client.get(reverse("supervision-bulletin"), {"month": "2026-03"})
    assert response.status_code in (401, 403)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"month": "2026-3"},
        {"month": "2026-13"},
        {"month": "März"},
        {"month": "2026-04"},  # not begun on 2026-03-20
        {"month": "2026-03", "format": "docx"},
        {"month": "2026-03", "region": "abc"},
    ],
)
def test_bad_month_or_format_is_400_json(month, client, params):
    client.force_login(month.supervisor)
    response = client.get(reverse("supervision-bulletin"), params)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() for page in reader.pages)


def test_pdf_read_back_holds_the_figures(month, client):
    client.force_login(month.supervisor)
    response = client.get(
        reverse("supervision-bulletin"), {"month": "2026-03", "format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "2026年3月督查通报" in text
    assert "区行政审批局" in text and "区市场监督管理局" in text
    assert "共办结办件6件" in text
    assert "超期办结2件" in text
    assert "按期办结率66.7%" in text
    assert "黄牌（效能告诫）1人次" in text


def test_head_pdf_names_only_own_department(month, client):
    client.force_login(month.head)
    response = client.get(
        reverse("supervision-bulletin"), {"month": "2026-03", "format": "pdf"}
    )
    text = pdf_text(response.content)
    assert "区行政审批局" in text
    assert "区市场监督管理局" not in text


def test_command_archives_the_bulletin_with_its_pdf(month):
    out = StringIO()
    call_command("supervision_bulletin", "--month", "2026-03", stdout=out)
    summary = json.loads(out.getvalue())
    assert summary["month"] == "2026-03"
    assert summary["closed"] == 6
    bulletin = Bulletin.objects.get(pk=summary["id"])
    assert bulletin.month == MARCH
    assert bulletin.figures["totals"]["closed_late"] == 2
    assert "按期办结率66.7%" in bulletin.text
    with bulletin.pdf.open("rb") as fh:
        assert "共办结办件6件" in pdf_text(fh.read())
    # generated again: a second archived row, the first one kept
    call_command("supervision_bulletin", "--month", "2026-03", stdout=StringIO())
    assert Bulletin.objects.filter(month=MARCH).count() == 2


def test_command_defaults_to_last_month_and_refuses_a_bad_one(month):
    out = StringIO()
    call_command("supervision_bulletin", stdout=out)
    assert json.loads(out.getvalue())["month"] == "2026-02"
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("supervision_bulletin", "--month", "03/2026")


def test_generate_from_the_desk(month, client):
    client.force_login(month.head)
    client.post(reverse("workbench:supervision-bulletins"), {"month": "2026-03"})
    assert not Bulletin.objects.exists()  # heads do not issue the centre's bulletin
    client.force_login(month.supervisor)
    response = client.post(
        reverse("workbench:supervision-bulletins"), {"month": "2026-03"}, follow=True
    )
    bulletin = Bulletin.objects.get()
    assert bulletin.generated_by == month.supervisor
    assert "已生成并归档" in response.content.decode()
    pdf = client.get(reverse("workbench:supervision-bulletin-pdf", args=[bulletin.pk]))
    assert pdf.status_code == 200
    assert "2026年3月督查通报" in pdf_text(b"".join(pdf.streaming_content))
    client.force_login(month.head)
    denied = client.get(
        reverse("workbench:supervision-bulletin-pdf", args=[bulletin.pk])
    )
    assert denied.status_code == 404


def test_month_parse():
    with time_machine.travel(datetime(2026, 3, 20, 10, tzinfo=TZ), tick=False):
        assert month_parse("2026-03") == MARCH
        assert month_parse(" 2025-12 ") == date(2025, 12, 1)
