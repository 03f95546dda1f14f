"""
A small world of cases across the 2025 National Day break (10-01..08 off;
09-28 Sunday and 10-11 Saturday are make-up working days), built through
the cases services, with every figure worked out by hand.

The item promises 5 working days (statutory 20).  Accepted Fri 09-26, the
promised due date is 10-10 (09-28, 09-29, 09-30, 10-09, 10-10).

- A early:     decided and concluded 10-09 → early, 4 working days.
- B overdue:   decided and concluded 10-13 → overdue, 7 working days
               (09-28 29 30 10-09 10 11 13).
- C suspended: suspended 09-29, resumed 10-10 (09-30 and 10-09 excluded,
               due 10-13), concluded 10-13 → on time, 7 − 2 = 5 days.
- D extended:  3 days approved 10-09 (the statutory limit moves, Art. 42;
               the promised date stays 10-10), concluded 10-10 → on
               time, not early, 5 working days.
- E refused:   received 09-26, refused 09-29.
- F supplemented: received 09-26, 补正 asked 09-26, answered and accepted
               09-29, still open.

Received 6 (5 on 09-26; F on 09-29, the day its supplement arrived), accepted 5 (4 on 09-26, 1 on 09-29), refused 1,
supplemented 1; concluded 4, on time 3 (A, C, D), early 1 (A), overdue 1
(B), suspended 1, extended 1, one-visit 4; working days 4+7+5+5 = 21,
average 21 / 4 = 5.25; compression 1 − 5/20 = 0.75 for each concluded case.
"""

from collections.abc import Callable
from datetime import date

from zhengtong.cases import services
from zhengtong.cases.models import Case
from zhengtong.cases.tests.conftest import World, at, complete_case, to_deciding_step


def conclude(w: World, case: Case, day: date, hour: int = 11) -> Case:
    """Take an accepted case through its steps, decide, deliver and conclude on ``day``."""
    now = at(day.year, day.month, day.day, hour)
    case = Case.objects.get(pk=case.pk)
    services.case_decide(
        case=case,
        actor=to_deciding_step(case, now=now),
        outcome="approve",
        result_number=f"许字{case.pk}",
        now=now,
    )
    case = Case.objects.get(pk=case.pk)
    services.case_deliver(case=case, actor=w.counter, method="counter_pickup", now=now)
    case = Case.objects.get(pk=case.pk)
    return services.case_conclude(case=case, actor=w.counter, now=now)


def accepted(w: World, day: date) -> Case:
    case = complete_case(w, at(day.year, day.month, day.day, 9))
    return services.case_accept(
        case=case, actor=w.counter, now=at(day.year, day.month, day.day, 9)
    )


def build(w: World, tick: Callable[[], None] = lambda: None) -> dict[str, Case]:
    """
    Build the six cases (the clock is moved by the ``now`` arguments);
    ``tick`` is called between the steps (a test refreshes the rollups there).
    """
    d = date
    a = accepted(w, d(2025, 9, 26))
    b = accepted(w, d(2025, 9, 26))
    c = accepted(w, d(2025, 9, 26))
    e_case = accepted(w, d(2025, 9, 26))
    tick()
    refused = complete_case(w, at(2025, 9, 26, 9))
    supp = complete_case(w, at(2025, 9, 26, 9))
    services.case_supplement_request(
        case=supp, actor=w.counter, missing=["营业执照副本"], now=at(2025, 9, 26, 9)
    )
    services.case_refuse(
        case=refused, actor=w.counter, reason="不属于受理范围", now=at(2025, 9, 29, 9)
    )
    services.case_suspend(
        case=Case.objects.get(pk=c.pk),
        actor=w.reviewer,
        kind="testing",
        reason="送检",
        now=at(2025, 9, 29, 10),
    )
    tick()
    supp = Case.objects.get(pk=supp.pk)
    services.case_supplement_submit(
        case=supp, actor=w.applicant, note="已补齐", now=at(2025, 9, 29, 9)
    )
    supp = services.case_accept(
        case=Case.objects.get(pk=supp.pk), actor=w.counter, now=at(2025, 9, 29, 10)
    )
    conclude(w, a, d(2025, 10, 9))
    tick()
    assignee = w.fresh(Case.objects.get(pk=e_case.pk).current_assignee)
    services.case_extension_request(
        case=Case.objects.get(pk=e_case.pk),
        actor=assignee,
        days=3,
        reason="情况复杂",
        now=at(2025, 10, 9, 10),
    )
    services.case_extension_approve(
        case=Case.objects.get(pk=e_case.pk), actor=w.head, now=at(2025, 10, 9, 11)
    )
    services.case_resume(
        case=Case.objects.get(pk=c.pk), actor=w.reviewer, now=at(2025, 10, 10, 9)
    )
    conclude(w, e_case, d(2025, 10, 10), hour=15)
    tick()
    conclude(w, b, d(2025, 10, 13))
    tick()
    conclude(w, c, d(2025, 10, 13))
    return {"A": a, "B": b, "C": c, "D": e_case, "E": refused, "F": supp}
