"""A case opened at the counter from a called ticket is linked to that ticket."""

import pytest

from zhengtong.cases.models import Case
from zhengtong.cases.tests.test_pages import VALID_ID, Ui, pdf
from zhengtong.queueing import services as queue_services
from zhengtong.queueing.models import StaffCounterAssignment, Ticket
from zhengtong.queueing.tests.factories import MONDAY, at, hall_setup

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def frozen_moment():
    """The counter takes the application right after calling the ticket."""
    return at(MONDAY, 10)


def _called_ticket(counter_user) -> Ticket:
    setup = hall_setup()
    StaffCounterAssignment.objects.create(user=counter_user, counter=setup.counters[0])
    now = at(MONDAY, 10)
    queue_services.ticket_issue(
        category=setup.categories["A"], channel="kiosk", now=now
    )
    return queue_services.ticket_call_next(
        counter=setup.counters[0], actor=counter_user, now=now
    )


def _intake(client, ui, ticket_id):
    return client.post(
        f"/workbench/intake/{ui.item.pk}/?ticket={ticket_id}",
        {
            "display_name": "赵六",
            "id_type": "resident_id",
            "id_number": VALID_ID,
            "phone": "13900002222",
            "matter": "窗口申请",
            f"material_{ui.materials[0].pk}": pdf(),
        },
    )


def test_case_from_called_ticket_is_linked(client):
    ui = Ui()
    ticket = _called_ticket(ui.counter)
    client.force_login(ui.counter)
    page = client.get(f"/workbench/intake/?ticket={ticket.pk}")
    assert f"?ticket={ticket.pk}" in page.content.decode()
    response = _intake(client, ui, ticket.pk)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.case_id == Case.objects.get().pk


def test_ticket_of_another_counter_is_not_linked(client):
    ui = Ui()
    ticket = _called_ticket(ui.foreign)
    client.force_login(ui.counter)
    response = _intake(client, ui, ticket.pk)
    assert response.status_code == 302  # the case is still created
    ticket.refresh_from_db()
    assert ticket.case_id is None
