"""代办 / 帮办: authorisation before the officer acts; marks; the queue."""

import pytest

from zhengtong.agency import selectors, services
from zhengtong.agency.constants import AssignmentStatus, MarkKind
from zhengtong.agency.models import AgencyAssignment, PriorityMark
from zhengtong.cases import services as case_services
from zhengtong.cases.constants import Status
from zhengtong.cases.models import Case
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.queueing import services as queue_services
from zhengtong.queueing.models import Ticket

from .conftest import complete_case, pdf_file


def _requested(w, kind="agency"):
    case = complete_case(w, None)
    case_services.case_supplement_request(
        case=case,
        actor=w.counter,
        missing=[{"name": "营业执照副本", "problem": "复印件不清晰"}],
    )
    case = Case.objects.get(pk=case.pk)
    return case, services.assignment_request(case=case, actor=w.applicant, kind=kind)


def test_the_officer_cannot_act_before_the_applicant_authorises(aworld):
    case, assignment = _requested(aworld)
    with pytest.raises(ApplicationError) as err:
        services.assignment_supplement_submit(
            assignment=assignment, actor=aworld.officer_user, note="补交"
        )
    assert err.value.code == "authorisation_required"
    services.assignment_assign(
        assignment=assignment, actor=aworld.admin, officer=aworld.officer
    )
    # named but not yet authorised: still refused
    with pytest.raises(ApplicationError) as err:
        services.assignment_supplement_submit(
            assignment=assignment, actor=aworld.officer_user, note="补交"
        )
    assert err.value.code == "authorisation_required"
    # an applicant cannot authorise a signed paper for the centre
    with pytest.raises(ApplicationError):
        services.assignment_authorise(
            assignment=assignment, actor=aworld.applicant, method="signed", note="x"
        )
    assignment = services.assignment_authorise(
        assignment=assignment, actor=aworld.applicant, method="online"
    )
    assert assignment.status == AssignmentStatus.AUTHORISED
    case = services.assignment_supplement_submit(
        assignment=assignment,
        actor=aworld.officer_user,
        note="代办员代为补交",
        files=[(None, pdf_file("营业执照.pdf"))],
    )
    assert case.status == Status.SUBMITTED
    event = AuditEvent.objects.filter(stream=f"cases.case:{case.pk}").last()
    assert event.action == "supplement"
    assert event.actor_id == aworld.officer_user.pk
    # the grant lasted for that call only
    assert not getattr(aworld.officer_user, "_agency_acting", None)


def test_another_officer_or_an_expired_qualification_cannot_act(aworld):
    case, assignment = _requested(aworld)
    services.assignment_assign(
        assignment=assignment, actor=aworld.admin, officer=aworld.officer
    )
    services.assignment_authorise(
        assignment=assignment,
        actor=aworld.admin,
        method="file",
        file=pdf_file("授权委托书.pdf"),
    )
    with pytest.raises(ApplicationError) as err:
        services.assignment_supplement_submit(
            assignment=assignment, actor=aworld.counter, note="x"
        )
    assert err.value.status == 403
    aworld.officer.valid_until = aworld.officer.qualified_on
    aworld.officer.save()
    assignment.refresh_from_db()
    with pytest.raises(ApplicationError):
        services.assignment_supplement_submit(
            assignment=assignment, actor=aworld.officer_user, note="x"
        )
    assert Case.objects.get(pk=case.pk).status == Status.SUPPLEMENT_REQUESTED


def test_request_rules_one_open_applicant_only_assisted_states_need(aworld):
    case = complete_case(aworld, None)
    for actor in (aworld.other_applicant, aworld.counter):
        with pytest.raises(ApplicationError) as err:
            services.assignment_request(case=case, actor=actor, kind="agency")
        assert err.value.status == 403
    with pytest.raises(ApplicationError) as err:
        services.assignment_request(case=case, actor=aworld.applicant, kind="assisted")
    assert "帮助" in err.value.message
    services.assignment_request(
        case=case, actor=aworld.applicant, kind="assisted", needs="行动不便"
    )
    with pytest.raises(ApplicationError) as err:
        services.assignment_request(case=case, actor=aworld.applicant, kind="agency")
    assert err.value.code == "assignment_exists"
    assert AgencyAssignment.objects.count() == 1


def test_a_green_channel_mark_raises_the_ticket_through_the_queue(aworld):
    walk_in = queue_services.ticket_issue(
        category=aworld.hall_a.categories["A"], channel="kiosk"
    )
    elder = queue_services.ticket_issue(
        category=aworld.hall_a.categories["A"], channel="kiosk"
    )
    assert elder.priority_class == 1
    services.priority_mark_ticket(
        ticket=elder, actor=aworld.hall_a.staff, kind="elderly", basis="持老年证"
    )
    elder.refresh_from_db()
    assert (elder.priority, elder.priority_class) == (Ticket.Priority.ELDERLY, 0)
    called = queue_services.ticket_call_next(
        counter=aworld.counter_a, actor=aworld.hall_a.staff
    )
    assert called.pk == elder.pk != walk_in.pk
    # a key project has no personal group but still the green channel class
    project = queue_services.ticket_issue(
        category=aworld.hall_a.categories["A"], channel="kiosk"
    )
    services.priority_mark_ticket(
        ticket=project, actor=aworld.hall_a.staff, kind="key_project", basis="市重点"
    )
    project.refresh_from_db()
    assert (project.priority, project.priority_class) == ("none", 0)
    with pytest.raises(ApplicationError) as err:
        services.priority_mark_ticket(
            ticket=project, actor=aworld.hall_a.staff, kind="elderly", basis="x"
        )
    assert err.value.code == "mark_exists"
    with pytest.raises(ApplicationError):
        services.priority_mark_ticket(
            ticket=walk_in, actor=aworld.applicant, kind="elderly", basis="x"
        )


def test_marked_cases_come_first_and_are_counted_separately(aworld):
    plain = complete_case(aworld, None)
    marked = complete_case(aworld, None)
    services.priority_mark_case(
        case=marked, actor=aworld.counter, kind="serviceman", basis="现役军人证"
    )
    with pytest.raises(ApplicationError) as err:
        services.priority_mark_case(
            case=plain, actor=aworld.counter, kind="serviceman", basis=" "
        )
    assert err.value.code == "invalid_input"
    with pytest.raises(ApplicationError):  # another department's clerk
        services.priority_mark_case(
            case=plain, actor=aworld.desk_b, kind="elderly", basis="x"
        )
    qs = selectors.case_list_marked(qs=Case.objects.all())
    assert list(qs.values_list("pk", flat=True)) == [marked.pk]
    day = marked.received_date
    counts = selectors.mark_counts(date_from=day, date_to=day, group="kind")
    assert counts == [
        {"key": "serviceman", "label": "军人", "count": 1, "given": 1, "revoked": 0}
    ]
    by_target = selectors.mark_counts(date_from=day, date_to=day, group="target")
    assert {r["key"]: r["count"] for r in by_target} == {"case": 1, "ticket": 0}
    by_dept = selectors.mark_counts(date_from=day, date_to=day, group="department")
    assert by_dept[0]["label"] == aworld.dept.name
    with pytest.raises(ApplicationError):
        selectors.mark_counts(date_from=day, date_to=day, group="colour")
    assert PriorityMark.objects.filter(kind=MarkKind.SERVICEMAN).count() == 1
