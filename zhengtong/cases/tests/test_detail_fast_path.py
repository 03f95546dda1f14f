"""
The lean detail API (plain rows, one-statement case fetch) gives byte for
byte what CaseDetailOutput makes of selectors.case_detail_get, and sees
exactly the cases case_visibility_q lets a user see.
"""

from datetime import date

import pytest
from rest_framework.renderers import JSONRenderer

from zhengtong.cases import selectors, services
from zhengtong.cases.apis import _detail
from zhengtong.cases.constants import SuspensionKind
from zhengtong.cases.models import (
    Case,
    CaseExtension,
    CaseMaterial,
    CaseStep,
    CaseSuspension,
    SupplementRequest,
)
from zhengtong.cases.serializers import CaseDetailOutput
from zhengtong.catalog.tests.factories import ServiceItemFactory
from zhengtong.core.errors import NotFoundError

from .conftest import at, complete_case, pdf_file
from .test_fast_paths import client_for


def serializer_detail(case_id: int, user) -> dict:
    """The detail payload as the general path makes it (the reference)."""
    detail = selectors.case_detail_get(user=user, case_id=case_id, documents=False)
    c = detail.case
    c._suspensions = detail.suspensions
    c._extensions = detail.extensions
    c._steps = detail.steps
    c._materials = [m for row in detail.checklist for m in row.files] + (
        detail.extra_files
    )
    c._supplements = detail.supplement_requests
    c._events = detail.events
    c._actions = detail.actions
    return CaseDetailOutput().to_representation(c)


def rich_case(w) -> Case:
    """A case with every list filled, edge cases included."""
    case = complete_case(w, at(2026, 3, 2))
    services.case_supplement_request(
        case=case,
        actor=w.counter,
        missing=[w.materials[0].pk, "营业执照复印件"],
        reason="身份证明模糊「请重拍」",
        now=at(2026, 3, 3),
    )
    case = Case.objects.get(pk=case.pk)
    services.case_supplement_submit(
        case=case,
        actor=w.applicant,
        files=[(w.materials[0].pk, pdf_file("补正.pdf"))],
        note="已补 ✓",
        now=at(2026, 3, 4),
    )
    case = Case.objects.get(pk=case.pk)
    services.case_accept(case=case, actor=w.counter, now=at(2026, 3, 5))
    case = Case.objects.get(pk=case.pk)
    # edge rows: a file tied to no material, one of a material outside the
    # case's version (not listed), a step without assignee, an open
    # suspension, an extension without approver, an unanswered supplement
    other = ServiceItemFactory(department=w.dept)
    foreign = other.current_version.materials.first()
    for material, name in ((None, "其他材料"), (foreign, "别的事项材料")):
        CaseMaterial.objects.create(
            case=case,
            material=material,
            name=name,
            file=pdf_file(),
            original_name=f"{name}.pdf",
            content_type="application/pdf",
            size=123,
            sha256="0" * 64,
            round=2,
        )
    CaseStep.objects.create(
        case=case,
        order=99,
        name="会签",
        role="reviewer",
        department=w.dept,
        completed_at=at(2026, 3, 6, 15),
        opinion="同意",
    )
    CaseSuspension.objects.create(
        case=case,
        kind=SuspensionKind.choices[0][0],
        reason="听证",
        expected_days=None,
        started_on=date(2026, 3, 6),
    )
    CaseExtension.objects.create(case=case, days=3, reason="复杂", approved_by=None)
    CaseExtension.objects.create(case=case, days=2, reason="再延", approved_by=w.admin)
    SupplementRequest.objects.create(case=case, items=[{"name": "x", "n": 1}])
    return case


@pytest.mark.parametrize("who", ["applicant", "counter", "reviewer", "admin"])
def test_detail_equals_the_serializer_output(world, who):
    case = rich_case(world)
    user = world.fresh(getattr(world, who))
    reference = serializer_detail(case.pk, world.fresh(user))
    assert reference["steps"] and reference["suspensions"]
    assert reference["extensions"] and len(reference["supplement_requests"]) == 2
    assert len(reference["materials"]) >= 3 and reference["events"]
    names = [m["name"] for m in reference["materials"]]
    assert names[-1] == "其他材料" and "别的事项材料" not in names
    lean = _detail(case.pk, user)
    assert JSONRenderer().render(lean) == JSONRenderer().render(reference)
    # and over HTTP
    body = client_for(world.fresh(user)).get(f"/api/v1/cases/{case.pk}/").content
    assert body == JSONRenderer().render(reference)


def test_detail_of_a_new_draft_equals_the_serializer_output(world):
    case = services.case_create(
        applicant=world.applicant, item=world.item, actor=world.applicant, submit=False
    )
    assert JSONRenderer().render(
        _detail(case.pk, world.fresh(world.applicant))
    ) == JSONRenderer().render(serializer_detail(case.pk, world.applicant))


def test_visibility_equals_the_queryset_filter(world):
    own = complete_case(world, at(2026, 3, 2))
    agented = complete_case(world, at(2026, 3, 2), applicant=world.other_applicant)
    Case.objects.filter(pk=agented.pk).update(agent=world.applicant)
    foreign_item = ServiceItemFactory(department=world.other_dept)
    foreign = complete_case(world, at(2026, 3, 2), item=foreign_item)
    Case.objects.filter(pk=foreign.pk).update(current_assignee=world.reviewer)
    users = [
        world.applicant,
        world.other_applicant,
        world.counter,
        world.reviewer,
        world.reviewer_b,
        world.admin,
        world.supervisor,
        world.foreign_reviewer,
    ]
    for user in users:
        user = world.fresh(user)
        q = selectors.case_visibility_q(user)
        for case in (own, agented, foreign):
            case = Case.objects.get(pk=case.pk)
            expected = q is None or Case.objects.filter(q, pk=case.pk).exists()
            assert selectors.case_visible_to(user=user, case=case) is expected
            if expected:
                got = selectors.case_for_detail_get(user=user, case_id=case.pk)
                assert got.pk == case.pk
                assert got.item.item_code == case.item.item_code
                assert got.department.name == case.department.name
            else:
                with pytest.raises(NotFoundError):
                    selectors.case_for_detail_get(user=user, case_id=case.pk)


@pytest.mark.parametrize("case_id", [None, "x", 10**9])
def test_detail_fetch_of_nothing_is_not_found(world, case_id):
    with pytest.raises(NotFoundError, match="办件不存在或无权查看。"):
        selectors.case_for_detail_get(user=world.admin, case_id=case_id)


def test_detail_statements_do_not_grow_with_the_lists(
    world, django_assert_max_num_queries
):
    case = rich_case(world)
    client = client_for(world.fresh(world.counter))
    client.get(f"/api/v1/cases/{case.pk}/")
    # token (with roles), case, six lists; the lists are not per row
    with django_assert_max_num_queries(8):
        assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200
