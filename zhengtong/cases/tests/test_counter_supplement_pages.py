"""
The workbench case page: 窗口代收补正材料 for a walk-in case, and 送达 /
登记无需送达 recorded once.
"""

from django.urls import reverse

import pytest

from zhengtong.cases import services
from zhengtong.cases.constants import Action, Channel, Status
from zhengtong.cases.models import Case
from zhengtong.cases.workflow import TRANSITIONS, case_allowed_actions
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent

from .conftest import World, complete_case, pdf_file, to_deciding_step

SLUG = "counter-supplement"


def _supplement_requested(w: World, channel: str) -> Case:
    """A case with only the first material: a notice of two lines."""
    actor = w.counter if channel == Channel.COUNTER else w.applicant
    case = services.case_create(
        applicant=w.applicant, item=w.item, actor=actor, channel=channel, submit=False
    )
    services.case_material_add(
        case=case, actor=actor, file=pdf_file(), material=w.materials[0]
    )
    case = services.case_submit(case=case, actor=actor)
    services.case_supplement_request(
        case=case,
        actor=w.counter,
        missing=[
            w.materials[1].pk,
            {"name": "经营场所证明", "problem": "须提供产权证明或租赁合同"},
        ],
        reason="缺材料",
    )
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def walk_in(world) -> Case:
    return _supplement_requested(world, Channel.COUNTER)


@pytest.fixture
def online(world) -> Case:
    return _supplement_requested(world, Channel.ONLINE)


def test_counter_takes_in_the_supplement_of_a_walk_in_line_by_line(
    client, world, walk_in
):
    client.force_login(world.counter)
    page = client.get(reverse("workbench:case-detail", args=[walk_in.pk]))
    assert f"/{SLUG}/" in page.content.decode()
    url = reverse("workbench:case-action", args=[walk_in.pk, SLUG])
    form = client.get(url).content.decode()
    assert "窗口代收补正材料" in form
    assert 'name="line_0"' in form and 'name="line_1"' in form
    response = client.post(
        url,
        {
            "line_0": [pdf_file("执照正本.pdf"), pdf_file("执照副本.pdf")],
            "line_1": pdf_file("章程.pdf"),
            "note": "申请人到窗口补正",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=walk_in.pk)
    assert case.status == Status.SUBMITTED
    first = case.materials.filter(supplement_line=0)
    assert first.count() == 2
    assert {m.material_id for m in first} == {world.materials[1].pk}
    assert case.materials.get(supplement_line=1).material_id is None  # free text
    request = case.supplement_requests.get()
    assert request.answered_at is not None
    assert request.answer_note == "申请人到窗口补正"
    event = AuditEvent.objects.filter(action=Action.SUPPLEMENT).get()
    assert event.actor_id == world.counter.pk
    assert (event.from_state, event.to_state) == (
        Status.SUPPLEMENT_REQUESTED,
        Status.SUBMITTED,
    )
    assert event.details["lines"] == {"0": 2, "1": 1}


def test_empty_counter_supplement_is_refused_and_the_case_stays(client, world, walk_in):
    client.force_login(world.counter)
    url = reverse("workbench:case-action", args=[walk_in.pk, SLUG])
    response = client.post(url, {"note": ""})
    assert response.status_code == 400
    assert "请上传补正材料或填写补正说明" in response.content.decode()
    assert Case.objects.get(pk=walk_in.pk).status == Status.SUPPLEMENT_REQUESTED


def test_online_case_is_answered_by_the_applicant_not_the_counter(
    client, world, online
):
    assert Action.SUPPLEMENT not in case_allowed_actions(
        case=online, user=world.counter
    )
    assert Action.SUPPLEMENT in case_allowed_actions(case=online, user=world.applicant)
    client.force_login(world.counter)
    page = client.get(reverse("workbench:case-detail", args=[online.pk]))
    assert f"/{SLUG}/" not in page.content.decode()
    url = reverse("workbench:case-action", args=[online.pk, SLUG])
    response = client.post(url, {"line_0": pdf_file()})
    assert response.status_code == 403
    with pytest.raises(ApplicationError) as err:
        services.case_supplement_submit(
            case=online, actor=world.counter, line_files=[(0, pdf_file())]
        )
    assert (err.value.code, err.value.status) == ("not_permitted", 403)
    assert Case.objects.get(pk=online.pk).status == Status.SUPPLEMENT_REQUESTED


def test_staff_of_another_department_cannot_take_in_the_supplement(
    client, world, walk_in
):
    client.force_login(world.foreign_reviewer)
    url = reverse("workbench:case-action", args=[walk_in.pk, SLUG])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url, {"line_0": pdf_file()}).status_code in (403, 404)
    assert Case.objects.get(pk=walk_in.pk).status == Status.SUPPLEMENT_REQUESTED


# -- 送达 is recorded once --------------------------------------------------------


@pytest.fixture
def decided(world) -> Case:
    case = services.case_accept(case=complete_case(world, None), actor=world.counter)
    decider = to_deciding_step(case)
    return services.case_decide(case=case, actor=decider, outcome="approve")


def test_the_table_records_delivery_once():
    for (_status, action), transition in TRANSITIONS.items():
        if action in (Action.DELIVER, Action.DELIVERY_NOT_NEEDED):
            assert "delivery_open" in transition.guards


@pytest.mark.parametrize("first", ["deliver", "delivery-not-needed"])
def test_after_delivery_the_buttons_go_and_a_second_one_is_409(
    client, world, decided, first
):
    client.force_login(world.counter)
    detail = reverse("workbench:case-detail", args=[decided.pk])
    page = client.get(detail).content.decode()
    assert "/deliver/" in page and "/delivery-not-needed/" in page
    data = {
        "deliver": {"method": "counter_pickup", "recipient": "张三"},
        "delivery-not-needed": {"reason": "决定书已当场交申请人签收"},
    }
    url = reverse("workbench:case-action", args=[decided.pk, first])
    assert client.post(url, data[first]).status_code == 302
    page = client.get(detail).content.decode()
    assert "/deliver/" not in page and "/delivery-not-needed/" not in page
    assert "送达登记" not in page
    assert "/conclude/" in page
    again = reverse("workbench:case-action", args=[decided.pk, "deliver"])
    assert client.post(again, data["deliver"]).status_code == 409
    with pytest.raises(ApplicationError) as err:
        services.case_deliver(
            case=decided, actor=world.counter, method="counter_pickup"
        )
    assert (err.value.code, err.value.status) == ("delivery_recorded", 409)
    assert (
        AuditEvent.objects.filter(
            action__in=[Action.DELIVER, Action.DELIVERY_NOT_NEEDED]
        ).count()
        == 1
    )
