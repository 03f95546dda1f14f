"""
The legal workflow of issue 18: steps cannot be skipped, separation of duties,
extensions as Art. 42 has them, delivery before conclusion.

Every test runs on the cases day (Monday 2026-03-02 10:00 Beijing time, the
``_cases_day`` fixture); tests about the statutory period move the clock with
``time_machine``.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.urls import reverse

import pytest
import time_machine
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from zhengtong.accounts.constants import Role
from zhengtong.accounts.services import user_create
from zhengtong.cases import services
from zhengtong.cases.constants import Action, DocumentKind, Status, StepStatus
from zhengtong.cases.models import Case, CaseExtension, CaseStep
from zhengtong.cases.workflow import TRANSITIONS, case_allowed_actions
from zhengtong.catalog.tests.factories import ServiceItemFactory
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent

from .conftest import at, complete_case, to_deciding_step

SH = ZoneInfo("Asia/Shanghai")


def travel(y: int, m: int, d: int, hour: int = 10):
    return time_machine.travel(datetime(y, m, d, hour, tzinfo=SH), tick=False)


def refused(call, **kwargs) -> tuple[str, int]:
    with pytest.raises(ApplicationError) as err:
        call(**kwargs)
    assert err.value.message  # a Chinese sentence for the person refused
    return err.value.code, err.value.status


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)


def active_step(case: Case) -> CaseStep:
    return CaseStep.objects.select_related("assignee").get(
        case=case, status=StepStatus.ACTIVE
    )


@pytest.fixture
def accepted(world) -> Case:
    """A case accepted on Monday 2026-03-02: 承办 → 审核 → 批准 (default steps)."""
    case = complete_case(world, at(2026, 3, 2))
    return services.case_accept(case=case, actor=world.counter, now=at(2026, 3, 2))


def api(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


# -- 1. steps cannot be skipped ------------------------------------------------


def test_the_table_names_the_guards_of_decision_extension_and_conclusion():
    """The transition table, as data, says which legal conditions apply."""
    for status in (Status.ACCEPTED, Status.UNDER_REVIEW):
        for action in (Action.APPROVE, Action.DENY):
            assert "at_deciding_step" in TRANSITIONS[(status, action)].guards
        assert "not_deciding_step" in TRANSITIONS[(status, Action.STEP_COMPLETE)].guards
    for status in (Status.ACCEPTED, Status.UNDER_REVIEW, Status.SUSPENDED):
        assert "within_statutory_period" in (
            TRANSITIONS[(status, Action.EXTEND_REQUEST)].guards
        )
        assert "within_statutory_period" in TRANSITIONS[(status, Action.EXTEND)].guards
    for status in (Status.DECIDED_APPROVED, Status.DECIDED_DENIED):
        assert "delivery_recorded" in TRANSITIONS[(status, Action.CONCLUDE)].guards


def test_default_steps_mark_the_approval_step_as_deciding(accepted):
    steps = list(accepted.steps.order_by("order"))
    assert [(s.name, s.decides) for s in steps] == [
        ("承办", False),
        ("审核", False),
        ("批准", True),
    ]


def test_the_reviewer_at_the_first_step_cannot_decide(world, accepted):
    """The hole of the issue: step 1 decided 准予许可 and the rest closed."""
    handler = active_step(accepted).assignee
    for outcome in ("approve", "deny"):
        code = refused(
            services.case_decide,
            case=accepted,
            actor=handler,
            outcome=outcome,
            reason="符合条件",
        )
        assert code == ("step_not_deciding", 409)
    assert Action.APPROVE not in case_allowed_actions(case=accepted, user=handler)
    # nor at 审核
    services.case_step_complete(case=accepted, actor=handler, opinion="同意")
    reviewer2 = world.fresh(active_step(accepted).assignee)
    code = refused(
        services.case_decide, case=accepted, actor=reviewer2, outcome="approve"
    )
    assert code == ("step_not_deciding", 409)
    assert fresh(accepted).status == Status.UNDER_REVIEW
    assert not CaseStep.objects.filter(case=accepted, status=StepStatus.CLOSED).exists()


def test_nobody_else_decides_for_the_assignee(world, accepted):
    decider = to_deciding_step(accepted)
    for other in (world.counter, world.admin, world.supervisor, world.head):
        if other.pk == decider.pk:
            continue
        code, status = refused(
            services.case_decide, case=accepted, actor=other, outcome="approve"
        )
        assert status == 403 and code in ("not_assignee", "not_permitted")


def test_each_step_by_its_holder_then_the_decision_at_the_deciding_step(
    world, accepted
):
    handler = world.fresh(active_step(accepted).assignee)
    # someone not holding the step may not complete it
    other = world.reviewer if handler.pk != world.reviewer.pk else world.reviewer_b
    code = refused(services.case_step_complete, case=accepted, actor=other)
    assert code == ("not_assignee", 403)
    decider = to_deciding_step(accepted)
    assert decider.pk != handler.pk
    # the deciding step is decided, not completed
    code = refused(services.case_step_complete, case=accepted, actor=decider)
    assert code == ("step_is_deciding", 409)
    allowed = case_allowed_actions(case=fresh(accepted), user=decider)
    assert Action.APPROVE in allowed and Action.STEP_COMPLETE not in allowed
    case = services.case_decide(
        case=accepted, actor=decider, outcome="approve", reason="符合法定条件"
    )
    assert case.status == Status.DECIDED_APPROVED
    steps = list(case.steps.order_by("order"))
    assert [s.status for s in steps] == [StepStatus.DONE] * 3
    assert steps[2].completed_by_id == decider.pk
    assert steps[0].completed_by_id == handler.pk


def test_a_step_holder_needs_the_step_role(world, accepted):
    """Reassigning a step to someone without its role is refused."""
    code = refused(
        services.case_step_reassign,
        case=accepted,
        actor=world.admin,
        assignee=world.counter,
        reason="人手不足",
    )
    assert code == ("not_entitled", 400)


def test_a_single_step_item_says_so_in_its_data(world):
    item = ServiceItemFactory(
        department=world.dept,
        published__promised_days=5,
        published__statutory_days=20,
    )
    code = refused(
        services.step_templates_set,
        item=item,
        steps=[("审批", Role.REVIEWER, None, False)],
    )
    assert code == ("invalid_steps", 400)
    services.step_templates_set(item=item, steps=[("审批", Role.REVIEWER, None, True)])
    case = complete_case(world, at(2026, 3, 2), item=item)
    case = services.case_accept(case=case, actor=world.counter)
    step = active_step(case)
    assert (step.name, step.decides, case.steps.count()) == ("审批", True, 1)
    case = services.case_decide(
        case=case, actor=world.fresh(step.assignee), outcome="approve"
    )
    assert case.status == Status.DECIDED_APPROVED


def test_a_department_head_decides_where_the_item_names_that_role(world):
    """承办 by a reviewer, 批准 by the 部门负责人 (the demo's steps)."""
    item = ServiceItemFactory(
        department=world.dept,
        published__promised_days=5,
        published__statutory_days=20,
    )
    services.step_templates_set(
        item=item,
        steps=[
            ("承办", Role.REVIEWER, None, False),
            ("批准", Role.DEPARTMENT_HEAD, None, True),
        ],
    )
    case = complete_case(world, at(2026, 3, 2), item=item)
    case = services.case_accept(case=case, actor=world.counter)
    assert to_deciding_step(case).pk == world.head.pk
    case = services.case_decide(
        case=case, actor=world.head, outcome="deny", reason="不符"
    )
    assert case.status == Status.DECIDED_DENIED
    assert case.steps.get(decides=True).completed_by_id == world.head.pk


# -- separation of duties --------------------------------------------------------


def test_separation_of_duties_keeps_the_handler_off_the_deciding_step(world, accepted):
    handler = world.fresh(active_step(accepted).assignee)
    decider = to_deciding_step(accepted)
    assert decider.pk != handler.pk  # picked so
    code = refused(
        services.case_step_reassign,
        case=accepted,
        actor=world.admin,
        assignee=handler,
        reason="改由承办人批准",
    )
    assert code == ("separation_of_duties", 409)
    # even if the handler got hold of the step another way, no decision
    CaseStep.objects.filter(case=accepted, decides=True).update(assignee=handler)
    Case.objects.filter(pk=accepted.pk).update(current_assignee=handler)
    code = refused(
        services.case_decide, case=fresh(accepted), actor=handler, outcome="approve"
    )
    assert code == ("separation_of_duties", 409)
    assert Action.APPROVE not in case_allowed_actions(
        case=fresh(accepted), user=handler
    )


def test_separation_of_duties_is_a_region_setting(world, accepted, settings):
    region = fresh(accepted).region_code or "511602"
    Case.objects.filter(pk=accepted.pk).update(region_code=region)
    settings.CASES_WORKFLOW_RULES = {
        "regions": {region: {"separation_of_duties": False}}
    }
    handler = world.fresh(active_step(accepted).assignee)
    to_deciding_step(accepted)
    services.case_step_reassign(
        case=accepted, actor=world.admin, assignee=handler, reason="本地区不分离"
    )
    case = services.case_decide(case=accepted, actor=handler, outcome="approve")
    assert case.status == Status.DECIDED_APPROVED


def test_with_one_reviewer_the_deciding_step_waits_for_someone_else(world, accepted):
    """Separated duties and nobody else with the role: 批准 stays unassigned
    (the centre reassigns it) rather than go to the 承办人."""
    handler = world.fresh(active_step(accepted).assignee)
    others = (
        type(handler).objects.filter(groups__name="审批人员").exclude(pk=handler.pk)
    )
    others.update(is_active=False)
    services.case_step_complete(case=accepted, actor=handler, opinion="同意")
    services.case_step_complete(case=accepted, actor=handler, opinion="同意")
    step = active_step(accepted)
    assert step.decides and step.assignee is None
    assert fresh(accepted).current_assignee is None


# -- 2. extensions (Art. 42) --------------------------------------------------------


def test_extension_by_role_reviewer_asks_head_approves(world, accepted):
    handler = world.fresh(active_step(accepted).assignee)
    before = fresh(accepted)
    # only the handling assignee asks
    assert refused(
        services.case_extension_request,
        case=accepted,
        actor=world.counter,
        days=5,
        reason="需现场核查",
    ) == ("not_assignee", 403)
    assert refused(
        services.case_extension_request,
        case=accepted,
        actor=world.supervisor,
        days=5,
        reason="需现场核查",
    ) == ("not_permitted", 403)
    assert Action.EXTEND_REQUEST in case_allowed_actions(case=before, user=handler)
    services.case_extension_request(
        case=accepted, actor=handler, days=5, reason="需现场核查"
    )
    assert refused(
        services.case_extension_request,
        case=accepted,
        actor=handler,
        days=1,
        reason="再申请",
    ) == ("extension_pending", 409)
    # only the department's head approves: not counter staff, the supervisor,
    # a reviewer, the centre administrator, the superuser, another head
    foreign_head = user_create(
        username="head_other",
        password="pw-123456",
        roles=[Role.DEPARTMENT_HEAD],
        display_name="周局长",
        department=world.other_dept,
    )
    root = type(handler).objects.create_superuser(username="root", password="pw-1")
    for who in (
        world.counter,
        world.supervisor,
        world.reviewer,
        world.admin,
        root,
        foreign_head,
    ):
        assert refused(services.case_extension_approve, case=accepted, actor=who) == (
            "not_permitted",
            403,
        ), who
    assert Action.EXTEND in case_allowed_actions(case=fresh(accepted), user=world.head)
    extension = services.case_extension_approve(
        case=accepted, actor=world.head, note="同意"
    )
    case = fresh(accepted)
    assert extension.status == "approved" and extension.requested_by_id == handler.pk
    assert case.extension_days == 5
    # the statutory date moves; the promise (default) does not
    assert case.statutory_due_date > before.statutory_due_date
    assert case.due_date == before.due_date
    notice = case.documents.get(kind=DocumentKind.EXTENSION)
    assert notice.context["days"] == 5 and notice.context["reason"] == "需现场核查"
    assert notice.context["promised_date_moves"] is False
    actions = list(
        AuditEvent.objects.filter(stream=f"cases.case:{case.pk}")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-2:] == [Action.EXTEND_REQUEST, Action.EXTEND]


def test_the_extension_notice_tells_the_applicant(world, accepted):
    """The 延期通知书 is a PDF with the reason, the new statutory date and the
    promise kept."""
    import io

    from pypdf import PdfReader

    from zhengtong.cases.documents import document_render

    handler = world.fresh(active_step(accepted).assignee)
    services.case_extension_request(
        case=accepted, actor=handler, days=5, reason="需现场核查经营场所"
    )
    services.case_extension_approve(case=accepted, actor=world.head)
    notice = document_render(fresh(accepted).documents.get(kind=DocumentKind.EXTENSION))
    notice.file.open("rb")
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(notice.file.read())).pages
    )
    notice.file.close()
    for words in ("延期通知书", "需现场核查经营场所", "2026年4月7日", "不因延期而推迟"):
        assert words in text.replace("\n", ""), words


def test_the_head_may_reject_with_a_reason(world, accepted):
    handler = world.fresh(active_step(accepted).assignee)
    services.case_extension_request(case=accepted, actor=handler, days=3, reason="x")
    assert refused(
        services.case_extension_reject, case=accepted, actor=world.head, reason=" "
    ) == ("reason_required", 400)
    services.case_extension_reject(case=accepted, actor=world.head, reason="理由不足")
    case = fresh(accepted)
    assert case.extension_days == 0
    assert case.extensions.get().status == "rejected"
    assert refused(
        services.case_extension_approve, case=accepted, actor=world.head
    ) == ("extension_not_pending", 409)


def test_the_promise_moves_where_the_region_says_so(world, accepted, settings):
    settings.CASES_WORKFLOW_RULES = {"extension_moves_promised_date": True}
    before = fresh(accepted)
    handler = world.fresh(active_step(accepted).assignee)
    services.case_extension_request(case=accepted, actor=handler, days=2, reason="x")
    services.case_extension_approve(case=accepted, actor=world.head)
    case = fresh(accepted)
    assert case.due_date > before.due_date
    assert case.promised_extension_days == 2


def test_extension_in_and_after_the_statutory_period(world, accepted):
    case = fresh(accepted)
    due = case.statutory_due_date
    assert due == date(2026, 3, 30)  # 20 working days after Mon 03-02
    handler = world.fresh(active_step(accepted).assignee)
    # on the last day of the period: still in time
    with travel(2026, 3, 30):
        services.case_extension_request(
            case=accepted, actor=handler, days=3, reason="需补充核查"
        )
    # approved one day too late
    with travel(2026, 3, 31):
        code = refused(services.case_extension_approve, case=accepted, actor=world.head)
        assert code == ("extension_too_late", 409)
        assert Action.EXTEND not in case_allowed_actions(
            case=fresh(accepted), user=world.head
        )
    services.case_extension_reject(case=accepted, actor=world.head, reason="已逾期")
    with travel(2026, 4, 2):
        code = refused(
            services.case_extension_request,
            case=accepted,
            actor=handler,
            days=3,
            reason="需补充核查",
        )
        assert code == ("extension_too_late", 409)
    assert fresh(accepted).extension_days == 0


def test_extensions_total_at_most_ten_working_days(world, accepted):
    handler = world.fresh(active_step(accepted).assignee)
    services.case_extension_request(case=accepted, actor=handler, days=6, reason="a")
    services.case_extension_approve(case=accepted, actor=world.head)
    assert refused(
        services.case_extension_request,
        case=accepted,
        actor=handler,
        days=5,
        reason="b",
    ) == ("extension_limit", 409)
    services.case_extension_request(case=accepted, actor=handler, days=4, reason="b")
    services.case_extension_approve(case=accepted, actor=world.head)
    assert fresh(accepted).extension_days == 10
    assert refused(
        services.case_extension_request,
        case=accepted,
        actor=handler,
        days=1,
        reason="c",
    ) == ("extension_limit", 409)
    assert Action.EXTEND_REQUEST not in case_allowed_actions(
        case=fresh(accepted), user=handler
    )


def test_no_one_approves_their_own_request(world, accepted, settings):
    """Where the approving role is the reviewer's own, asking is not approving."""
    settings.CASES_WORKFLOW_RULES = {"extension_approver_role": "reviewer"}
    handler = world.fresh(active_step(accepted).assignee)
    services.case_extension_request(case=accepted, actor=handler, days=2, reason="x")
    assert refused(services.case_extension_approve, case=accepted, actor=handler) == (
        "extension_self_approval",
        409,
    )


# -- 3. delivery before conclusion ---------------------------------------------------


@pytest.fixture
def decided(world, accepted) -> Case:
    decider = to_deciding_step(accepted)
    return services.case_decide(case=accepted, actor=decider, outcome="approve")


def test_conclusion_needs_a_recorded_delivery(world, decided):
    assert refused(services.case_conclude, case=decided, actor=world.counter) == (
        "delivery_missing",
        409,
    )
    assert Action.CONCLUDE not in case_allowed_actions(
        case=fresh(decided), user=world.counter
    )
    assert refused(
        services.case_deliver,
        case=decided,
        actor=world.counter,
        method="counter_pickup",
        delivered_on=date(2026, 3, 9),  # in the future
    ) == ("invalid_delivery_date", 400)
    case = services.case_deliver(
        case=decided,
        actor=world.counter,
        method="counter_pickup",
        recipient="张三（本人签收）",
        delivered_on=date(2026, 3, 2),
    )
    assert (case.delivered_on, case.delivery_recipient) == (
        date(2026, 3, 2),
        "张三（本人签收）",
    )
    case = services.case_conclude(case=decided, actor=world.counter)
    assert case.status == Status.CONCLUDED


def test_a_reason_no_delivery_is_needed_also_allows_conclusion(world, decided):
    assert refused(
        services.case_delivery_not_needed, case=decided, actor=world.counter, reason=""
    ) == ("reason_required", 400)
    services.case_delivery_not_needed(
        case=decided, actor=world.counter, reason="决定书已当场交申请人签收"
    )
    case = services.case_conclude(case=decided, actor=world.counter)
    assert case.status == Status.CONCLUDED


# -- the API and the workbench ------------------------------------------------------


def test_api_decision_at_a_non_deciding_step_is_409(world, accepted):
    handler = active_step(accepted).assignee
    r = api(handler).post(
        f"/api/v1/cases/{accepted.pk}/decide/",
        {"outcome": "approve", "reason": "符合"},
        format="json",
    )
    assert r.status_code == 409 and r.json()["code"] == "step_not_deciding"


def test_api_extension_request_approve_and_conclude_without_delivery(world, accepted):
    handler = active_step(accepted).assignee
    r = api(handler).post(
        f"/api/v1/cases/{accepted.pk}/extension-request/",
        {"days": 3, "reason": "需现场核查"},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["extensions"][0]["status"] == "requested"
    r = api(world.admin).post(
        f"/api/v1/cases/{accepted.pk}/extension-approve/", {}, format="json"
    )
    assert r.status_code == 403 and r.json()["code"] == "not_permitted"
    r = api(world.head).post(
        f"/api/v1/cases/{accepted.pk}/extension-approve/",
        {"note": "同意"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["extension_days"] == 3
    decider = to_deciding_step(accepted)
    services.case_decide(case=accepted, actor=decider, outcome="approve")
    r = api(world.counter).post(
        f"/api/v1/cases/{accepted.pk}/conclude/", {}, format="json"
    )
    assert r.status_code == 409 and r.json()["code"] == "delivery_missing"
    r = api(world.counter).post(
        f"/api/v1/cases/{accepted.pk}/deliver/",
        {"method": "mail", "tracking": "SF1", "recipient": "张三"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["delivery_recipient"] == "张三"


def test_workbench_buttons_for_reviewer_and_head(client, world, accepted):
    handler = world.fresh(active_step(accepted).assignee)
    url = reverse("workbench:case-detail", args=[accepted.pk])
    client.force_login(handler)
    page = client.get(url).content.decode()
    assert "申请延期" in page and "准予许可" not in page
    client.post(
        reverse("workbench:case-action", args=[accepted.pk, "extension-request"]),
        {"days": "3", "reason": "需现场核查"},
    )
    assert CaseExtension.objects.filter(case=accepted, status="requested").exists()
    client.force_login(world.head)
    page = client.get(url).content.decode()
    assert "批准延期" in page and "驳回延期申请" in page
    client.post(
        reverse("workbench:case-action", args=[accepted.pk, "extension-approve"]),
        {"note": "同意"},
    )
    assert fresh(accepted).extension_days == 3
    client.force_login(world.counter)
    page = client.get(url).content.decode()
    for slug in ("extension-request", "extension-approve", "extension-reject"):
        assert f"/{slug}/" not in page


def test_workbench_case_page_has_the_delivery_form(client, world, decided):
    client.force_login(world.counter)
    url = reverse("workbench:case-detail", args=[decided.pk])
    page = client.get(url).content.decode()
    assert "送达登记" in page and "登记无需送达" in page
    client.post(
        reverse("workbench:case-action", args=[decided.pk, "deliver"]),
        {"method": "counter_pickup", "recipient": "张三", "delivered_on": "2026-03-02"},
    )
    case = fresh(decided)
    assert case.delivery_recipient == "张三" and case.delivered_on == date(2026, 3, 2)
    assert "送达登记" not in client.get(url).content.decode()
