"""The main path of a case from submission to conclusion."""

from zhengtong.cases import services
from zhengtong.cases.constants import Status

from .conftest import at, pdf_file


def test_online_case_runs_from_submission_to_conclusion(world):
    w = world
    now = at(2026, 3, 2)
    case = services.case_create(
        applicant=w.applicant, item=w.item, actor=w.applicant, submit=False, now=now
    )
    assert case.number.startswith("511602-2026-")
    services.case_material_add(
        case=case, actor=w.applicant, file=pdf_file(), material=w.materials[0]
    )
    services.case_submit(case=case, actor=w.applicant, now=now)
    services.case_supplement_request(
        case=case, actor=w.counter, missing=None, reason="缺身份证明", now=now
    )
    case.refresh_from_db()
    assert case.status == Status.SUPPLEMENT_REQUESTED
    services.case_supplement_submit(
        case=case,
        actor=w.applicant,
        files=[(w.materials[1].pk, pdf_file("身份证.pdf"))],
        now=at(2026, 3, 3),
    )
    case = services.case_accept(case=case, actor=w.counter, now=at(2026, 3, 4))
    assert case.status == Status.ACCEPTED
    assert case.due_date is not None
    steps = list(case.steps.order_by("order"))
    assert steps[0].assignee == w.reviewer or steps[0].assignee == w.reviewer_b
    # 承办 and 审核 are completed; 批准 is the deciding step: decided, not completed
    for _ in range(2):
        case.refresh_from_db()
        services.case_step_complete(
            case=case,
            actor=w.fresh(case.current_assignee),
            opinion="同意",
            now=at(2026, 3, 5),
        )
    case.refresh_from_db()
    decider = w.fresh(case.current_assignee)
    assert decider != steps[0].assignee  # 承办 and 批准 are not one person
    case = services.case_decide(
        case=case,
        actor=decider,
        outcome="approve",
        reason="符合条件",
        now=at(2026, 3, 6),
    )
    assert case.status == Status.DECIDED_APPROVED
    case = services.case_deliver(
        case=case,
        actor=w.counter,
        method="counter_pickup",
        recipient="张三",
        now=at(2026, 3, 6),
    )
    case = services.case_conclude(case=case, actor=w.counter, now=at(2026, 3, 6))
    assert case.status == Status.CONCLUDED
