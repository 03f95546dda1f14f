"""One bundle application: questionnaire, combined form, shared file, sub-cases."""

import pytest

from zhengtong.bundles import services
from zhengtong.bundles.models import BundleApplication, BundleSubCase
from zhengtong.cases.constants import Status
from zhengtong.cases.models import Case, CaseMaterial
from zhengtong.cases.tests.conftest import pdf_file
from zhengtong.core.errors import ApplicationError


def submit(w, **overrides):
    kwargs = {
        "bundle_code": "newborn",
        "applicant": w.applicant,
        "actor": w.applicant,
        "answers": w.answers,
        "form_data": w.form,
        "files": {"household": pdf_file("户口簿.pdf")},
        "delivery_method": "mail",
        "delivery_address": "广安区建设路1号",
    }
    kwargs.update(overrides)
    return services.bundle_application_submit(**kwargs)


def test_three_of_five_items_one_shared_file_visible_to_all_sub_cases(world):
    w = world
    application = submit(w)
    cases = list(
        Case.objects.filter(bundle_link__application=application).order_by(
            "bundle_link__order"
        )
    )
    assert [c.item_id for c in cases] == [i.pk for i in w.items[:3]]
    assert [c.department_id for c in cases] == [
        w.health.pk,
        w.police.pk,
        w.insurance.pk,
    ]
    assert {c.status for c in cases} == {Status.SUBMITTED}
    assert len({c.number for c in cases}) == 3
    assert application.number.startswith("YJS-2026-")
    # each on its own clock: its own receipt date and intake due date
    assert all(c.received_date and c.intake_due_date for c in cases)
    # the shared file: one stored file, one material row per sub-case
    rows = list(CaseMaterial.objects.filter(case__in=cases))
    assert len(rows) == 3
    assert len({r.file.name for r in rows}) == 1
    assert len({r.sha256 for r in rows}) == 1
    for row in rows:
        assert row.material_id == (
            row.case.item_version.materials.order_by("order").first().pk
        )
        with row.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
    # the combined form: fields asked once, copied into every sub-case
    assert {c.form_data["baby_name"] for c in cases} == {"王小宝"}
    assert {c.bundle_link.application_id for c in cases} == {application.pk}
    assert {c.form_data["delivery_preference"] for c in cases} == {"mail"}
    assert application.delivery_method == "mail"


def test_a_field_of_an_item_not_chosen_is_not_asked(world):
    w = world
    application = submit(w, files=None)
    assert "employer" not in application.form_data
    with pytest.raises(ApplicationError) as err:
        submit(w, files=None, answers={**w.answers, "mother_job": "employed"})
    assert err.value.code == "bundle_field_required"
    assert "母亲工作单位" in err.value.message


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        (
            {"insure": "yes", "card": "no", "mother_job": "x", "pets": "yes"},
            "bundle_unknown_question",
        ),
        ({"insure": "yes", "card": "no"}, "bundle_answer_required"),
        (
            {"insure": "maybe", "card": "no", "mother_job": "employed"},
            "bundle_invalid_choice",
        ),
        (
            {"insure": "yes", "card": "no", "mother_job": ["employed"]},
            "bundle_invalid_choice",
        ),
        (["insure"], "bundle_invalid_answers"),
    ],
)
def test_bad_answers_create_nothing(world, answers, code):
    w = world
    with pytest.raises(ApplicationError) as err:
        submit(w, answers=answers)
    assert err.value.code == code
    assert err.value.status == 400
    assert not BundleApplication.objects.exists()
    assert not Case.objects.exists()


def test_missing_shared_material_and_bad_delivery_create_nothing(world):
    w = world
    for overrides, code in [
        ({"files": {}}, "bundle_material_required"),
        ({"files": {"passport": pdf_file()}}, "bundle_unknown_material"),
        ({"delivery_address": ""}, "delivery_address_required"),
        ({"delivery_method": "pigeon"}, "invalid_delivery"),
        ({"form_data": {**w.form, "x": "1"}}, "bundle_unknown_field"),
        ({"bundle_code": "nope"}, "bundle_not_found"),
    ]:
        with pytest.raises(ApplicationError) as err:
            submit(w, **overrides)
        assert err.value.code == code
    assert not Case.objects.exists()
    assert not CaseMaterial.objects.exists()


def test_a_failing_sub_case_rolls_back_every_other(world):
    """All or nothing: a bad file met after two sub-cases exist undoes them."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    w = world
    bad = SimpleUploadedFile("a.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(ApplicationError):
        submit(w, files={"household": bad})
    assert not Case.objects.exists()
    assert not BundleApplication.objects.exists()
    assert not BundleSubCase.objects.exists()


def test_staff_cannot_submit_a_bundle(world):
    w = world
    with pytest.raises(ApplicationError) as err:
        submit(w, actor=w.police_reviewer, applicant=w.police_reviewer)
    assert err.value.status == 403
    assert not Case.objects.exists()
