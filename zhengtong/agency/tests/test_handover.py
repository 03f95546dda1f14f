"""统一出件: the desk lists the ready cases of its hall; the handover checks."""

import pytest

from zhengtong.agency import selectors, services
from zhengtong.agency.models import Handover
from zhengtong.cases.models import Case, Notification
from zhengtong.core.errors import ApplicationError

from .conftest import APPLICANT_ID


@pytest.fixture
def cases(aworld):
    return {
        "a": aworld.case_received_at(aworld.hall_a),
        "b": aworld.case_received_at(aworld.hall_b),
        "open": aworld.case_received_at(aworld.hall_a, decide=False),
    }


def _desk(user):
    return set(selectors.handover_desk_list(user=user).values_list("pk", flat=True))


def test_the_desk_lists_only_ready_cases_received_in_the_clerks_hall(aworld, cases):
    assert _desk(aworld.counter) == {cases["a"].pk}
    # a clerk of another department at the same hall sees it too (一窗出件)
    assert _desk(aworld.desk_other) == {cases["a"].pk}
    assert _desk(aworld.desk_b) == {cases["b"].pk}
    assert _desk(aworld.admin) == {cases["a"].pk, cases["b"].pk}
    for user in (aworld.applicant, aworld.reviewer):
        with pytest.raises(ApplicationError):
            selectors.handover_desk_list(user=user)


def test_a_wrong_id_is_refused_and_changes_nothing(aworld, cases):
    case = cases["a"]
    with pytest.raises(ApplicationError) as err:
        services.handover_record(
            case=case,
            actor=aworld.desk_other,
            counter=aworld.counter_a,
            method="counter_pickup",
            identity_check="id_check",
            id_number="110101199003070000",
        )
    assert err.value.code == "id_mismatch"
    assert APPLICANT_ID not in err.value.message  # masked
    assert "1101**********1234" in err.value.message
    case.refresh_from_db()
    assert case.delivered_at is None
    assert not Handover.objects.filter(case=case).exists()


def test_handover_with_id_check_delivers_through_cases_and_notifies(
    aworld, cases, django_capture_on_commit_callbacks
):
    case = cases["a"]
    with django_capture_on_commit_callbacks(execute=True):
        handover = services.handover_record(
            case=case,
            actor=aworld.desk_other,  # another department's clerk
            counter=aworld.counter_a,
            method="counter_pickup",
            identity_check="id_check",
            id_number=APPLICANT_ID.lower(),
        )
    case = Case.objects.get(pk=case.pk)
    assert case.delivery_method == "counter_pickup"
    assert case.delivery_recipient == "张三"
    assert handover.counter == aworld.counter_a
    assert handover.handed_by == aworld.desk_other
    assert _desk(aworld.counter) == set()
    assert Notification.objects.filter(case=case, event="delivered").exists()
    with pytest.raises(ApplicationError) as err:  # once only
        services.handover_record(case=case, actor=aworld.counter, method="download")
    assert err.value.code == "result_not_ready"


def test_another_hall_mail_and_signature_rules(aworld, cases):
    with pytest.raises(ApplicationError) as err:
        services.handover_record(
            case=cases["a"], actor=aworld.desk_b, method="download"
        )
    assert err.value.code == "not_at_this_hall"
    with pytest.raises(ApplicationError) as err:
        services.handover_record(
            case=cases["open"], actor=aworld.counter, method="download"
        )
    assert err.value.code == "result_not_ready"
    with pytest.raises(ApplicationError) as err:
        services.handover_record(case=cases["a"], actor=aworld.counter, method="mail")
    assert err.value.code == "tracking_required"
    with pytest.raises(ApplicationError) as err:
        services.handover_record(
            case=cases["a"],
            actor=aworld.counter,
            method="counter_pickup",
            identity_check="signature",
        )
    assert "姓名" in err.value.message
    assert Case.objects.get(pk=cases["a"].pk).delivered_at is None
    services.handover_record(
        case=cases["b"], actor=aworld.desk_b, method="mail", tracking="SF1234567890"
    )
    assert Case.objects.get(pk=cases["b"].pk).delivery_tracking == "SF1234567890"


def test_the_applicant_sets_a_preference_and_is_told_where_to_collect(
    aworld, cases, django_capture_on_commit_callbacks
):
    case = cases["a"]
    with pytest.raises(ApplicationError):
        services.handover_preference_set(
            case=case, actor=aworld.other_applicant, method="download"
        )
    with pytest.raises(ApplicationError) as err:
        services.handover_preference_set(
            case=case, actor=aworld.applicant, method="mail"
        )
    assert "地址" in err.value.message
    services.handover_preference_set(
        case=case, actor=aworld.applicant, method="mail", mail_address="广安区某路1号"
    )
    assert case.handover.preferred_method == "mail"
    with django_capture_on_commit_callbacks(execute=True):
        services.handover_notify_ready(case=case, actor=aworld.counter)
    note = Notification.objects.get(case=case, event="result_ready")
    assert aworld.hall_a.hall.name in note.text
