"""
无差别受理: a comprehensive window takes in items of the departments the
centre placed under it; the case goes to that department. One definition:
``permissions.can_intake``.
"""

from zhengtong.accounts.constants import Role
from zhengtong.cases import permissions, services
from zhengtong.catalog.tests.factories import CounterFactory, ServiceItemFactory

from .conftest import World, at, complete_case
from .joint_world import staff


def test_a_comprehensive_window_takes_in_other_departments_items(world: World):
    other_item = ServiceItemFactory(department=world.other_dept)
    window = staff("zonghe", world.dept, Role.COUNTER_STAFF)
    plain = staff("plain", world.dept, Role.COUNTER_STAFF)
    counter = CounterFactory(is_integrated=True)
    counter.departments.set([world.other_dept])
    window.counters.add(counter)
    window = world.fresh(window)
    assert permissions.can_intake_item(user=window, item=other_item)
    assert not permissions.can_intake_item(user=world.fresh(plain), item=other_item)
    # a counter that is not integrated gives nothing
    counter.is_integrated = False
    counter.save()
    assert not permissions.can_intake_item(user=world.fresh(window), item=other_item)
    counter.is_integrated = True
    counter.save()
    window = world.fresh(window)
    case = services.case_counter_intake(
        actor=window, applicant=world.applicant, item=other_item, now=at(2026, 3, 2)
    )
    assert case.department_id == world.other_dept.pk  # its back office
    # and the window accepts it there (K.INTAKE of that department)
    case = complete_case(world, at(2026, 3, 2), item=other_item)
    case = services.case_accept(case=case, actor=window, now=at(2026, 3, 2))
    assert case.status == "accepted"


def test_the_intake_page_lists_the_departments_under_the_window(world: World, client):
    other_item = ServiceItemFactory(department=world.other_dept)
    window = staff("zonghe", world.dept, Role.COUNTER_STAFF)
    counter = CounterFactory(is_integrated=True)
    counter.departments.set([world.other_dept])
    client.force_login(window)
    page = client.get("/workbench/intake/").content.decode()
    assert world.item.current_version.name in page
    assert other_item.current_version.name not in page  # not posted there yet
    window.counters.add(counter)
    page = client.get("/workbench/intake/").content.decode()
    assert other_item.current_version.name in page
