"""
上报件 (Art. 35, 43): after the local review step the case goes up with a
signed package; before it → 409; a tampered package is refused.
"""

import io
import zipfile
from datetime import date

import pytest

from zhengtong.cases import services
from zhengtong.cases.case_package import case_package_build, package_verify
from zhengtong.cases.models import Case
from zhengtong.cases.models_joint import CaseReport
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent

from .conftest import World, at, complete_case
from .joint_world import client_for


@pytest.fixture
def accepted(world) -> Case:
    case = complete_case(world, at(2026, 3, 2))
    return services.case_accept(case=case, actor=world.counter, now=at(2026, 3, 2))


BODY = {
    "upper_authority": "市市场监督管理局",
    "opinion": "经审查，符合条件，报请决定。",
}


def report_up(user, case, body=BODY):
    return client_for(user).post(
        f"/api/v1/cases/{case.pk}/report-up/", body, format="json"
    )


def test_report_up_before_the_review_step_is_refused(world: World, accepted):
    events = AuditEvent.objects.count()
    response = report_up(world.reviewer, accepted)
    assert response.status_code == 409
    assert response.json()["code"] == "review_not_done"
    assert "第三十五条" in response.json()["message"]
    assert not CaseReport.objects.exists()
    assert AuditEvent.objects.count() == events


def test_report_up_after_review_and_the_applicant_sees_where_it_is(
    world: World, accepted
):
    services.case_step_complete(
        case=accepted, actor=accepted.current_assignee, opinion="同意上报。"
    )
    response = report_up(world.reviewer, accepted, {**BODY, "upper_limit_days": 20})
    assert response.status_code == 200
    report = CaseReport.objects.get(case=accepted)
    # Art. 43: 20 working days from acceptance on 2026-03-02 → 2026-03-30
    assert report.lower_due_date == date(2026, 3, 30)
    assert len(report.package_sha256) == 64
    seen = client_for(world.applicant).get(f"/api/v1/cases/{accepted.pk}/").json()
    assert seen["report"]["upper_authority"] == "市市场监督管理局"
    assert seen["report"]["returned_at"] is None
    again = report_up(world.reviewer, accepted)
    assert (again.status_code, again.json()["code"]) == (409, "report_open")
    services.case_report_return(case=accepted, actor=world.counter, result="同意。")
    report.refresh_from_db()
    assert report.returned_at is not None and report.upper_result == "同意。"


def test_bad_report_input(world: World, accepted):
    services.case_step_complete(
        case=accepted, actor=accepted.current_assignee, opinion="同意。"
    )
    response = report_up(world.reviewer, accepted, {**BODY, "upper_authority": ""})
    assert (response.status_code, response.json()["code"]) == (400, "reason_required")
    response = report_up(world.reviewer, accepted, {**BODY, "upper_limit_days": 0})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_days")
    response = report_up(world.foreign_reviewer, accepted)
    assert response.status_code in (403, 404)
    assert not CaseReport.objects.exists()


def _rewrite(package: bytes, path: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, data if name == path else source.read(name))
    return out.getvalue()


def test_the_package_verifies_and_a_tampered_one_is_refused(world: World, accepted):
    package, _digest = case_package_build(case=accepted, opinion="同意上报")
    body = package_verify(package)
    assert body["number"] == accepted.number and body["lower_opinion"] == "同意上报"
    assert len(body["materials"]) == len(world.materials)
    names = zipfile.ZipFile(io.BytesIO(package)).namelist()
    material = next(n for n in names if n.startswith("files/m"))
    for path, data in (
        ("case.json", b'{"format": 1, "number": "forged"}'),
        (material, b"%PDF-1.3 forged"),
        ("signature", b"0" * 64),
    ):
        with pytest.raises(ApplicationError) as err:
            package_verify(_rewrite(package, path, data))
        assert err.value.code == "package_tampered" and err.value.message
    with pytest.raises(ApplicationError) as err:
        package_verify(b"not a zip")
    assert err.value.code == "package_invalid"
    # over the API, as multipart
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world.counter)
    forged = _rewrite(package, "case.json", b"{}")
    response = client.post(
        "/api/v1/cases/packages/verify/",
        {"file": SimpleUploadedFile("p.zip", forged, "application/zip")},
        format="multipart",
    )
    assert (response.status_code, response.json()["code"]) == (400, "package_tampered")
    response = client.post(
        "/api/v1/cases/packages/verify/",
        {"file": SimpleUploadedFile("p.zip", package, "application/zip")},
        format="multipart",
    )
    assert response.status_code == 200 and response.json()["number"] == accepted.number


def test_a_draft_has_no_package(world: World):
    draft = services.case_create(
        applicant=world.applicant,
        item=world.item,
        actor=world.applicant,
        submit=False,
        now=at(2026, 3, 2),
    )
    with pytest.raises(ApplicationError) as err:
        case_package_build(case=draft)
    assert err.value.code == "not_received" and err.value.message
    response = client_for(world.counter).get(
        f"/api/v1/cases/{draft.pk}/report-package/"
    )
    assert response.status_code in (404, 409)
    assert response["Content-Type"].startswith("application/json")
