"""
The supervision desk (监察台): scope, counts equal to the lists, filters,
Excel exports, the staff's own warnings.

Clocks are written straight into the registry (the sync is tested in
test_sweep.py): two departments, two counters, lamps of every colour.
"""

import io
from datetime import date, timedelta
from itertools import count

from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from zhengtong.catalog.tests.factories import CounterFactory
from zhengtong.core.errors import ApplicationError
from zhengtong.supervision import selectors
from zhengtong.supervision.constants import (
    AlertLevel,
    BreachState,
    ClockKind,
    ClockState,
    Lamp,
    OrderState,
    OrderTarget,
)
from zhengtong.supervision.models import (
    Alert,
    AnomalyHit,
    Breach,
    BreachKind,
    Clock,
    MeasureKind,
    SupervisionOrder,
)

pytestmark = pytest.mark.usefixtures("frozen_today")  # Mon 2026-03-02

TODAY = date(2026, 3, 2)
_ids = count(1000)


def clock(
    *,
    department,
    lamp: str,
    kind: str = ClockKind.CASE,
    counter=None,
    owner=None,
    due: date | None = None,
    state: str = ClockState.RUNNING,
    provisional: bool = False,
    case_id: int | None = None,
) -> Clock:
    due = (
        due
        or {
            Lamp.GREEN: TODAY + timedelta(days=10),
            Lamp.YELLOW: TODAY + timedelta(days=1),
            Lamp.RED: TODAY - timedelta(days=3),
        }[lamp]
    )
    ident = next(_ids)
    return Clock.objects.create(
        kind=kind,
        object_id=ident,
        number=f"TEST-{ident}",
        title="测试事项",
        case_id=case_id,
        department=department,
        counter=counter,
        owner=owner,
        started_on=TODAY - timedelta(days=20),
        due_date=due,
        warn_on=due - timedelta(days=2),
        state=state,
        lamp=lamp,
        provisional=provisional,
    )


@pytest.fixture
def desk(sworld):
    """Clocks: dept 2 red (one suspended), 1 yellow, 3 green; other dept 1 red, 2 green."""
    w = sworld
    w.counter_a = CounterFactory(number="3")
    w.counter_b = CounterFactory(number="7")
    for _ in range(2):
        clock(department=w.dept, lamp=Lamp.RED, counter=w.counter_a, owner=w.reviewer)
    clock(
        department=w.dept,
        lamp=Lamp.RED,
        kind=ClockKind.STEP,
        state=ClockState.SUSPENDED,
        counter=w.counter_b,
    )
    clock(department=w.dept, lamp=Lamp.YELLOW, counter=w.counter_a, provisional=True)
    for _ in range(3):
        clock(department=w.dept, lamp=Lamp.GREEN, counter=w.counter_b)
    clock(department=w.other_dept, lamp=Lamp.RED)
    clock(department=w.other_dept, lamp=Lamp.GREEN)
    clock(department=w.other_dept, lamp=Lamp.GREEN)
    # closed clocks are never counted
    clock(department=w.dept, lamp=Lamp.RED, state=ClockState.CLOSED)
    clock(department=None, lamp=Lamp.YELLOW)
    return w


def by_name(rows):
    return {r["name"]: r for r in rows}


# -- scope -------------------------------------------------------------------


def test_supervisor_counts_the_whole_centre(desk):
    rows = by_name(selectors.clock_counts_by_department(user=desk.supervisor))
    assert (rows["区行政审批局"]["red"], rows["区行政审批局"]["yellow"]) == (3, 1)
    assert rows["区行政审批局"]["green"] == 3
    assert rows["区市场监督管理局"]["total"] == 3
    assert rows["未指定"]["yellow"] == 1
    assert selectors.lamp_totals(list(rows.values()))["total"] == 11


def test_department_head_sees_only_own_department(desk):
    rows = selectors.clock_counts_by_department(user=desk.head)
    assert [r["name"] for r in rows] == ["区行政审批局"]
    other = selectors.clock_counts_by_department(user=desk.other_head)
    assert [(r["name"], r["red"]) for r in other] == [("区市场监督管理局", 1)]
    # asking for another department's list gives nothing, not its rows
    f = selectors.ClockFilters(department=desk.other_dept.pk)
    assert selectors.clock_count_for_user(user=desk.head, filters=f) == 0


@pytest.mark.parametrize("who", ["counter", "reviewer", "applicant"])
def test_others_are_refused(desk, who, client):
    user = getattr(desk, who)
    with pytest.raises(ApplicationError) as exc:
        selectors.clock_counts_by_department(user=user)
    assert exc.value.status == 403
    client.force_login(user)
    for name in (
        "workbench:supervision-desk",
        "workbench:supervision-clocks",
        "workbench:supervision-open-orders",
        "workbench:supervision-to-decide",
        "workbench:supervision-anomalies",
        "workbench:supervision-bulletins",
    ):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("workbench:supervision-sweep")).status_code == 403


def test_anonymous_goes_to_the_login_page(desk, client):
    response = client.get(reverse("workbench:supervision-desk"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_head_desk_page_lists_only_own_department(desk, client):
    client.force_login(desk.head)
    page = client.get(reverse("workbench:supervision-desk")).content.decode()
    assert "区行政审批局" in page
    assert "区市场监督管理局" not in page
    listing = client.get(reverse("workbench:supervision-clocks")).content.decode()
    assert listing.count("TEST-") == 7  # own department's open clocks


# -- counts equal the lists ----------------------------------------------------


def test_every_count_equals_its_list(desk):
    user = desk.supervisor
    for rows, param in (
        (selectors.clock_counts_by_department(user=user), "department"),
        (selectors.clock_counts_by_counter(user=user), "counter"),
    ):
        for row in rows:
            for lamp in (None, *Lamp.values):
                params = {param: str(row["id"] or 0)}
                if lamp:
                    params["lamp"] = lamp
                filters = selectors.clock_filters_parse(params)
                expected = row[lamp] if lamp else row["total"]
                listed = list(selectors.clock_list_for_user(user=user, filters=filters))
                assert len(listed) == expected, (row["name"], lamp)


def test_count_links_open_the_list_with_the_same_number(desk, client):
    client.force_login(desk.supervisor)
    desk_page = client.get(reverse("workbench:supervision-desk"))
    row = by_name(desk_page.context["departments"])["区行政审批局"]
    assert row["red"] == 3
    listing = client.get(row["links"]["red"])
    assert listing.context["total"] == 3
    assert len(listing.context["rows"]) == 3
    assert {r["lamp"] for r in listing.context["rows"]} == {Lamp.RED}


def test_keyset_pages_walk_every_row_once(desk):
    seen = []
    after = None
    while True:
        rows, after = selectors.clock_page_for_user(
            user=desk.supervisor, after=after, size=3
        )
        seen.extend(r["id"] for r in rows)
        if after is None:
            break
    assert len(seen) == len(set(seen)) == 11
    dues = [
        (c.due_date, c.pk)
        for c in Clock.objects.filter(pk__in=seen).order_by("due_date", "id")
    ]
    assert [pk for _, pk in dues] == seen  # most overdue first


def test_list_filters(desk):
    user = desk.supervisor
    f = selectors.clock_filters_parse
    assert selectors.clock_count_for_user(user=user, filters=f({"kind": "step"})) == 1
    assert (
        selectors.clock_count_for_user(user=user, filters=f({"provisional": "1"})) == 1
    )
    assert (
        selectors.clock_count_for_user(
            user=user, filters=f({"owner": str(desk.reviewer.pk)})
        )
        == 2
    )
    overdue = f({"due_to": (TODAY - timedelta(days=1)).isoformat()})
    assert selectors.clock_count_for_user(user=user, filters=overdue) == 4
    assert selectors.clock_count_for_user(user=user, filters=f({"counter": "0"})) == 4


@pytest.mark.parametrize(
    "params",
    [
        {"lamp": "purple"},
        {"kind": "nonsense"},
        {"department": "abc"},
        {"due_from": "2026-13-01"},
        {"due_from": "2026-03-10", "due_to": "2026-03-01"},
        {"provisional": "yes"},
    ],
)
def test_bad_filters_are_refused_with_a_message(desk, client, params):
    with pytest.raises(ApplicationError) as exc:
        selectors.clock_filters_parse(params)
    assert exc.value.code == "invalid_input"
    client.force_login(desk.supervisor)
    response = client.get(reverse("workbench:supervision-clocks"), params)
    assert response.status_code == 400
    assert exc.value.message in response.content.decode()


def test_clock_rows_link_to_the_case_page(desk, sworld, client):
    c = clock(
        department=desk.dept,
        lamp=Lamp.RED,
        case_id=4242,
        due=TODAY - timedelta(days=30),
    )
    client.force_login(desk.supervisor)
    response = client.get(reverse("workbench:supervision-clocks"), {"lamp": "red"})
    first = response.context["rows"][0]
    assert first["id"] == c.pk
    assert first["url"] == reverse("workbench:case-detail", args=[4242])


# -- exports -------------------------------------------------------------------


def workbook_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_clock_list_exports_to_excel_with_its_rows(desk, client):
    client.force_login(desk.supervisor)
    response = client.get(
        reverse("workbench:supervision-clocks"),
        {"lamp": "red", "department": desk.dept.pk, "export": "xlsx"},
    )
    rows = workbook_rows(response)
    assert rows[0][0] == "在办时限清单"
    assert rows[1][:2] == ["编号", "类型"]
    data = rows[2:]
    assert len(data) == 3
    assert all(r[0].startswith("TEST-") for r in data)
    assert {r[9] for r in data} == {"红灯"}
    assert {r[3] for r in data} == {"区行政审批局"}


def test_head_export_holds_only_own_department(desk, client):
    client.force_login(desk.other_head)
    rows = workbook_rows(
        client.get(reverse("workbench:supervision-clocks"), {"export": "xlsx"})
    )
    assert [r[3] for r in rows[2:]] == ["区市场监督管理局"] * 3


def test_count_tables_export(desk, client):
    client.force_login(desk.supervisor)
    rows = workbook_rows(
        client.get(reverse("workbench:supervision-desk"), {"export": "departments"})
    )
    table = {r[0]: r[1:] for r in rows[2:]}
    assert table["区行政审批局"] == [3, 1, 3, 7]  # green, yellow, red, total
    rows = workbook_rows(
        client.get(reverse("workbench:supervision-desk"), {"export": "counters"})
    )
    assert {r[0] for r in rows[2:]} >= {"3 号窗口（综合窗口）", "7 号窗口（综合窗口）"}


def test_orders_cards_and_anomalies_lists_export(desk, client):
    w = desk
    SupervisionOrder.objects.create(
        number="督〔2026〕0001号",
        target=OrderTarget.CASE,
        department=w.dept,
        reason="办件超期",
        action="三日内办结",
        reply_days=3,
        issued_on=TODAY - timedelta(days=7),
        due_date=TODAY - timedelta(days=2),
        state=OrderState.OPEN,
    )
    SupervisionOrder.objects.create(
        number="督〔2026〕0002号",
        target=OrderTarget.DEPARTMENT,
        department=w.other_dept,
        reason="另一部门",
        action="整改",
        reply_days=3,
        state=OrderState.ACCEPTED,
    )
    Breach.objects.create(
        number="诫〔2026〕0001号",
        kind=BreachKind.objects.get(code="overdue_concluded"),
        person=w.reviewer,
        department=w.dept,
        evidence_kind="case",
        evidence_text="超过承诺时限 3 个工作日办结",
        proposed_measure=MeasureKind.objects.get(code="yellow_card"),
        state=BreachState.PROPOSED,
    )
    AnomalyHit.objects.create(
        rule="step_reassigned",
        object_kind="step",
        object_id=1,
        department=w.other_dept,
        detail="环节改派 5 次",
        found_on=TODAY,
    )
    client.force_login(w.supervisor)
    orders = workbook_rows(
        client.get(reverse("workbench:supervision-open-orders"), {"export": "xlsx"})
    )
    assert [r[0] for r in orders[2:]] == ["督〔2026〕0001号"]  # accepted ones are done
    assert orders[2][-1] == "是"  # past its reply deadline
    cards = workbook_rows(
        client.get(reverse("workbench:supervision-to-decide"), {"export": "xlsx"})
    )
    assert cards[2][2] == "超过承诺时限办结"
    assert cards[2][6] == "黄牌（效能告诫）"
    hits = workbook_rows(
        client.get(reverse("workbench:supervision-anomalies"), {"export": "xlsx"})
    )
    assert hits[2][1] == "环节改派 5 次"
    # the department head of the first department sees its order and card, not the hit
    client.force_login(w.head)
    summary = client.get(reverse("workbench:supervision-desk")).context["summary"]
    assert summary == {"orders": 1, "orders_overdue": 1, "breaches": 1, "anomalies": 0}


# -- the sweep button and the staff's warnings ---------------------------------


def test_sweep_button_is_for_supervisors_only(desk, client):
    client.force_login(desk.head)
    response = client.post(reverse("workbench:supervision-sweep"), follow=True)
    assert "只有监察人员或中心管理员可以发起扫描" in response.content.decode()
    client.force_login(desk.supervisor)
    response = client.post(reverse("workbench:supervision-sweep"), follow=True)
    assert "扫描完成" in response.content.decode()


def test_own_warnings_on_the_workbench_home_and_mark_read(desk, client):
    w = desk
    c = Clock.objects.filter(department=w.dept, lamp=Lamp.RED).first()
    mine = Alert.objects.create(
        recipient=w.reviewer,
        clock=c,
        level=AlertLevel.RED,
        day=TODAY,
        text="办件已超期",
    )
    theirs = Alert.objects.create(
        recipient=w.counter, clock=c, level=AlertLevel.RED, day=TODAY, text="别人的预警"
    )
    client.force_login(w.reviewer)
    page = client.get(reverse("workbench:home")).content.decode()
    assert "办件已超期" in page and "别人的预警" not in page
    # someone else's id is ignored
    client.post(reverse("workbench:alerts-read"), {"alert": [mine.pk, theirs.pk]})
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    assert "办件已超期" not in client.get(reverse("workbench:home")).content.decode()
    assert timezone.localdate(mine.read_at) == TODAY


def test_a_long_list_says_how_many_up_to_the_limit(desk, client, monkeypatch):
    # the page's limit, set low (by name: supervision may not import workbench)
    monkeypatch.setattr("zhengtong.workbench.supervision_views.COUNT_LIMIT", 2)
    assert selectors.clock_count_for_user(user=desk.supervisor, limit=2) == 3
    client.force_login(desk.supervisor)
    page = client.get(reverse("workbench:supervision-clocks")).content.decode()
    assert "data-list-total>2+<" in page
    page = client.get(
        reverse("workbench:supervision-clocks"), {"lamp": "yellow", "kind": "case"}
    ).content.decode()
    assert "data-list-total>2<" in page


def test_desk_tables_from_one_pass_equal_the_separate_counts(desk):
    for user in (desk.supervisor, desk.head):
        departments, counters = selectors.clock_counts_for_desk(user=user)
        assert departments == selectors.clock_counts_by_department(user=user)
        assert counters == selectors.clock_counts_by_counter(user=user)
