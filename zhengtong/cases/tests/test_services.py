"""Services: intake variants, steps and AB岗, withdrawal, notifications."""

import threading
from datetime import date

from django.db import connection

import pytest

from zhengtong.accounts.services import agent_authorize, staff_absence_set
from zhengtong.cases import selectors, services
from zhengtong.cases.constants import Lamp, Status, StepStatus
from zhengtong.cases.models import Case, Notification
from zhengtong.catalog.models import Material
from zhengtong.catalog.tests.factories import ServiceItemFactory
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.core.sms import ConsoleSmsBackend

from .conftest import at, complete_case, pdf_file, to_deciding_step


class TestIntake:
    def test_accept_refuses_when_required_materials_are_missing(self, world):
        w = world
        case = services.case_create(
            applicant=w.applicant, item=w.item, actor=w.applicant, now=at(2026, 3, 2)
        )
        with pytest.raises(ApplicationError) as err:
            services.case_accept(case=case, actor=w.counter, now=at(2026, 3, 2))
        assert (err.value.code, err.value.status) == ("materials_incomplete", 409)
        assert [m["name"] for m in err.value.details["missing"]] == [
            "申请书",
            "身份证明",
        ]
        case.refresh_from_db()
        assert case.status == Status.SUBMITTED

    def test_supplement_proposal_lists_every_missing_required_material(self, world):
        w = world
        case = services.case_create(
            applicant=w.applicant, item=w.item, actor=w.applicant, submit=False
        )
        services.case_material_add(
            case=case, actor=w.applicant, file=pdf_file(), material=w.materials[0]
        )
        assert [p["name"] for p in services.case_supplement_proposal(case=case)] == [
            "身份证明"
        ]

    def test_one_supplement_notice_lists_proposal_and_staff_additions(self, world):
        w = world
        case = services.case_create(
            applicant=w.applicant, item=w.item, actor=w.applicant, now=at(2026, 3, 2)
        )
        proposal = services.case_supplement_proposal(case=case)
        request = services.case_supplement_request(
            case=case,
            actor=w.counter,
            missing=[*proposal, {"name": "委托书", "problem": "缺少签字"}],
            now=at(2026, 3, 2),
        )
        assert [i["name"] for i in request.items] == ["申请书", "身份证明", "委托书"]
        assert case.documents.filter(kind="supplement").count() == 1
        with pytest.raises(ApplicationError) as err:
            services.case_supplement_request(
                case=case, actor=w.counter, missing=["申请书"], now=at(2026, 3, 2)
            )
        assert err.value.code == "invalid_transition"

    def test_tolerance_acceptance_sets_follow_up_deadline(self, world):
        w = world
        Material.objects.filter(pk=w.materials[1].pk).update(tolerance_allowed=True)
        case = services.case_create(
            applicant=w.applicant, item=w.item, actor=w.applicant, submit=False
        )
        services.case_material_add(
            case=case, actor=w.applicant, file=pdf_file(), material=w.materials[0]
        )
        services.case_submit(case=case, actor=w.applicant, now=at(2026, 3, 2))
        with pytest.raises(ApplicationError) as err:
            services.case_accept(
                case=case,
                actor=w.counter,
                tolerated_material_ids=[w.materials[0].pk],
                now=at(2026, 3, 2),
            )
        assert err.value.code == "tolerance_not_allowed"
        case = services.case_accept(
            case=case,
            actor=w.counter,
            tolerated_material_ids=[w.materials[1].pk],
            tolerance_days=5,
            now=at(2026, 3, 2),
        )
        assert case.status == Status.ACCEPTED
        assert case.tolerance_due_date == date(2026, 3, 9)
        assert [m["name"] for m in case.tolerated_materials] == ["身份证明"]

    def test_immediate_item_is_accepted_and_concluded_the_same_day(self, world):
        w = world
        item = ServiceItemFactory(
            department=w.dept,
            published__handling_mode="immediate",
            published__promised_days=0,
        )
        case = complete_case(w, at(2026, 3, 2), item=item)
        case = services.case_accept_immediately(
            case=case, actor=w.reviewer, now=at(2026, 3, 2)
        )
        assert case.status == Status.CONCLUDED
        assert case.accepted_date == date(2026, 3, 2)
        assert case.concluded_at.date() == date(2026, 3, 2)
        other = complete_case(w, at(2026, 3, 2))
        with pytest.raises(ApplicationError) as err:
            services.case_accept_immediately(
                case=other, actor=w.reviewer, now=at(2026, 3, 2)
            )
        assert err.value.code == "not_immediate_item"

    def test_refer_and_not_required_close_with_a_notice(self, world):
        w = world
        a = complete_case(w, at(2026, 3, 2))
        services.case_refer(
            case=a,
            actor=w.counter,
            reason="属市级权限",
            authority="市行政审批局",
            now=at(2026, 3, 2),
        )
        a.refresh_from_db()
        assert a.status == Status.REFERRED and a.referral_authority == "市行政审批局"
        b = complete_case(w, at(2026, 3, 2))
        services.case_mark_not_required(
            case=b, actor=w.counter, reason="无需许可", now=at(2026, 3, 2)
        )
        b.refresh_from_db()
        assert b.status == Status.NOT_REQUIRED
        assert b.documents.get(kind="refusal").context["variant"] == "not_required"

    def test_counter_intake_registers_walk_in_with_scans(self, world):
        w = world
        from zhengtong.accounts.services import applicant_walk_in_get_or_create

        person = applicant_walk_in_get_or_create(
            display_name="王五", id_number="11010519491231002X"
        )
        case = services.case_counter_intake(
            actor=w.counter,
            applicant=person,
            item=w.item,
            files=[(m.pk, pdf_file()) for m in w.materials],
            now=at(2026, 3, 2),
        )
        assert case.status == Status.SUBMITTED and case.channel == "counter"
        assert case.created_by == w.counter and case.materials.count() == 2
        with pytest.raises(ApplicationError) as err:
            services.case_counter_intake(
                actor=w.foreign_reviewer, applicant=person, item=w.item
            )
        assert err.value.code == "not_permitted"

    def test_agent_needs_an_authorisation(self, world):
        w = world
        with pytest.raises(ApplicationError) as err:
            services.case_create(
                applicant=w.applicant,
                agent=w.other_applicant,
                item=w.item,
                actor=w.other_applicant,
            )
        assert err.value.code == "agent_not_authorised"
        agent_authorize(
            principal=w.applicant, agent=w.other_applicant, valid_from=date(2020, 1, 1)
        )
        case = services.case_create(
            applicant=w.applicant,
            agent=w.other_applicant,
            item=w.item,
            actor=w.other_applicant,
        )
        assert (
            selectors.case_get_for_user(user=w.other_applicant, case_id=case.pk) == case
        )


class TestSteps:
    def test_only_the_assignee_completes_a_step(self, world):
        w = world
        case = services.case_accept(
            case=complete_case(w, at(2026, 3, 2)), actor=w.counter, now=at(2026, 3, 2)
        )
        holder = w.fresh(case.current_assignee)
        other = w.reviewer_b if holder == w.reviewer else w.reviewer
        with pytest.raises(ApplicationError) as err:
            services.case_step_complete(case=case, actor=other, opinion="x")
        assert (err.value.code, err.value.status) == ("not_assignee", 403)
        services.case_step_complete(case=case, actor=holder, opinion="同意")
        case.refresh_from_db()
        assert case.status == Status.UNDER_REVIEW
        assert case.steps.get(order=2).status == StepStatus.ACTIVE

    def test_absent_assignee_hands_work_to_backup_post(self, world):
        w = world
        # make the reviewer the only candidate with the lightest load
        case = services.case_accept(
            case=complete_case(w, at(2026, 3, 2)), actor=w.counter, now=at(2026, 3, 2)
        )
        step = case.steps.get(status="active")
        services.case_step_reassign(
            case=case, actor=w.admin, assignee=w.reviewer, reason="指定承办", step=step
        )
        step.refresh_from_db()
        assert step.assignee == w.reviewer
        staff_absence_set(user=w.reviewer, is_absent=True, note="休假", actor=w.admin)
        step.refresh_from_db()
        case.refresh_from_db()
        assert step.assignee == w.reviewer_b and case.current_assignee == w.reviewer_b
        moves = AuditEvent.objects.filter(
            stream=f"cases.case:{case.pk}", action="step_reassign"
        )
        assert moves.count() == 2 and "B岗" in moves.last().reason
        # new work for an absent person goes to the B岗 at once
        services.case_step_complete(
            case=case, actor=w.fresh(w.reviewer_b), opinion="同意"
        )
        case.refresh_from_db()
        assert case.current_assignee != w.reviewer

    def test_return_to_previous_step(self, world):
        w = world
        case = services.case_accept(
            case=complete_case(w, at(2026, 3, 2)), actor=w.counter, now=at(2026, 3, 2)
        )
        first = w.fresh(case.current_assignee)
        services.case_step_complete(case=case, actor=first, opinion="同意")
        case.refresh_from_db()
        second = w.fresh(case.current_assignee)
        with pytest.raises(ApplicationError) as err:
            services.case_step_return(case=case, actor=second, opinion=" ")
        assert err.value.code == "reason_required"
        services.case_step_return(case=case, actor=second, opinion="材料需核实")
        case.refresh_from_db()
        assert case.steps.get(status="active").order == 1
        assert case.current_assignee == first


class TestDecisionAndAfter:
    def test_deny_needs_reasons_and_names_remedies(self, world):
        w = world
        case = services.case_accept(
            case=complete_case(w, at(2026, 3, 2)), actor=w.counter, now=at(2026, 3, 2)
        )
        decider = to_deciding_step(case, now=at(2026, 3, 2))
        with pytest.raises(ApplicationError) as err:
            services.case_decide(case=case, actor=decider, outcome="deny", reason="")
        assert err.value.code == "reason_required"
        with pytest.raises(ApplicationError) as err:
            services.case_decide(case=case, actor=decider, outcome="maybe")
        assert err.value.code == "invalid_outcome"
        case = services.case_decide(
            case=case,
            actor=decider,
            outcome="deny",
            reason="不符合条件",
            now=at(2026, 3, 3),
        )
        doc = case.documents.get(kind="denial")
        assert (
            doc.context["review_days"] == "六十日"
            and doc.context["litigation_months"] == "六个月"
        )
        assert (
            case.lamp == Lamp.NONE and not case.steps.filter(status="active").exists()
        )

    def test_delivery_by_mail_needs_tracking_number(self, world):
        w = world
        case = services.case_accept(
            case=complete_case(w, at(2026, 3, 2)), actor=w.counter, now=at(2026, 3, 2)
        )
        services.case_decide(
            case=case,
            actor=to_deciding_step(case, now=at(2026, 3, 2)),
            outcome="approve",
            result_number="许字001",
            now=at(2026, 3, 3),
        )
        with pytest.raises(ApplicationError) as err:
            services.case_deliver(case=case, actor=w.counter, method="mail")
        assert err.value.code == "tracking_required"
        case = services.case_deliver(
            case=case,
            actor=w.counter,
            method="mail",
            tracking="SF123",
            now=at(2026, 3, 3),
        )
        assert case.delivery_tracking == "SF123" and case.result_number == "许字001"
        assert case.delivery_recipient == case.applicant_name  # default
        case = services.case_conclude(case=case, actor=w.counter, now=at(2026, 3, 3))
        assert (
            case.status == Status.CONCLUDED and case.certificate_issued_at is not None
        )

    def test_applicant_withdraws_before_decision_but_not_after(self, world):
        w = world
        a = services.case_accept(
            case=complete_case(w, at(2026, 3, 2)), actor=w.counter, now=at(2026, 3, 2)
        )
        services.case_suspend(
            case=a,
            actor=w.reviewer,
            kind="appraisal",
            reason="鉴定",
            now=at(2026, 3, 3),
        )
        a = services.case_withdraw(
            case=a, actor=w.applicant, reason="不再需要", now=at(2026, 3, 4)
        )
        assert a.status == Status.WITHDRAWN
        assert a.suspensions.get().ended_on == date(2026, 3, 4)
        b = services.case_accept(
            case=complete_case(w, at(2026, 3, 2)), actor=w.counter, now=at(2026, 3, 2)
        )
        services.case_decide(
            case=b,
            actor=to_deciding_step(b, now=at(2026, 3, 2)),
            outcome="approve",
            now=at(2026, 3, 3),
        )
        with pytest.raises(ApplicationError) as err:
            services.case_withdraw(case=b, actor=w.applicant)
        assert err.value.code == "invalid_transition"

    def test_termination_is_for_the_centre_admin_with_reason(self, world):
        w = world
        case = complete_case(w, at(2026, 3, 2))
        with pytest.raises(ApplicationError) as err:
            services.case_terminate(case=case, actor=w.reviewer, reason="x")
        assert err.value.code == "not_permitted"
        with pytest.raises(ApplicationError):
            services.case_terminate(case=case, actor=w.admin, reason="")
        case = services.case_terminate(case=case, actor=w.admin, reason="申请人死亡")
        assert case.status == Status.TERMINATED


def test_notifications_are_sent_after_commit(
    world, django_capture_on_commit_callbacks, mailoutbox
):
    w = world
    ConsoleSmsBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = complete_case(w, at(2026, 3, 2))
    assert Notification.objects.count() == 0  # nothing before commit
    for callback in callbacks:
        callback()
    note = Notification.objects.get(user=w.applicant, case=case)
    assert note.title == "申请已提交" and note.email_sent and note.sms_sent
    assert mailoutbox and case.number in mailoutbox[0].body
    assert ConsoleSmsBackend.sent and ConsoleSmsBackend.sent[-1][0] == "13800001111"
    services.notification_mark_read(notification=note, user=w.applicant)
    assert (
        selectors.notification_list_for_user(user=w.applicant, unread_only=True).count()
        == 0
    )


def test_inboxes(world):
    w = world
    submitted = complete_case(w, at(2026, 3, 2))
    accepted = services.case_accept(
        case=complete_case(w, at(2026, 3, 2)), actor=w.counter, now=at(2026, 3, 2)
    )
    Case.objects.filter(pk=accepted.pk).update(lamp=Lamp.RED)
    holder = accepted.current_assignee
    assert list(selectors.case_list_for_user(user=w.counter, inbox="intake")) == [
        submitted
    ]
    assert list(selectors.case_list_for_user(user=w.fresh(holder), inbox="mine")) == [
        accepted
    ]
    assert list(selectors.case_list_for_user(user=w.counter, inbox="overdue")) == [
        accepted
    ]
    assert (
        list(selectors.case_list_for_user(user=w.foreign_reviewer, inbox="intake"))
        == []
    )
    assert list(selectors.case_list_for_user(user=w.applicant, inbox="intake")) == []
    assert selectors.case_inbox_counts(user=w.counter)["intake"] == 1
    detail = selectors.case_detail_get(user=w.counter, case_id=submitted.pk)
    assert "accept" in detail.actions and all(row.satisfied for row in detail.checklist)
    with pytest.raises(ApplicationError):
        selectors.case_detail_get(user=w.other_applicant, case_id=submitted.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_distinct_numbers():
    from .conftest import World

    w = World()
    numbers: list[str] = []
    errors: list[Exception] = []

    def submit(n: int) -> None:
        try:
            for _ in range(n):
                case = services.case_create(
                    applicant=w.applicant, item=w.item, actor=w.applicant
                )
                numbers.append(case.number)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(10,)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(numbers) == 80 and len(set(numbers)) == 80
    seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers)
    assert seqs == list(range(1, 81))
