"""
上报件 between installations (Art. 35): the upper level imports the signed
case package as a case of its own, and returns its decision as a signed
package the lower level imports. Two installations are simulated in one
database: the package of a reported case is imported as a second case of
the item with the same code.
"""

import hashlib
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest

from zhengtong.accounts.identity import IdType, id_number_check_char
from zhengtong.cases import services
from zhengtong.cases.case_package import package_write
from zhengtong.cases.constants import DocumentKind, Status
from zhengtong.cases.models import Case, CaseDocument
from zhengtong.cases.models_joint import PackageReceipt
from zhengtong.catalog.models import ServiceItem
from zhengtong.core.models import AuditEvent

from .conftest import World, at, complete_case, to_deciding_step
from .joint_world import client_for

ID_NUMBER = "11010519491231002"
ID_NUMBER += id_number_check_char(ID_NUMBER) or ""


@pytest.fixture
def reported(world: World) -> tuple[Case, bytes]:
    """A case reported up on 2026-03-02 after its first step, and its package."""
    world.applicant.id_type, world.applicant.id_number = IdType.RESIDENT_ID, ID_NUMBER
    world.applicant.save(update_fields=["id_type", "id_number"])
    case = complete_case(world, at(2026, 3, 2))
    case = services.case_accept(case=case, actor=world.counter, now=at(2026, 3, 2))
    services.case_step_complete(
        case=case, actor=case.current_assignee, opinion="同意上报。"
    )
    _report, package = services.case_report_up(
        case=case,
        actor=world.reviewer,
        upper_authority="市行政审批局",
        opinion="经审查，符合条件，报请决定。",
    )
    return case, package


def upload(user, package: bytes):
    return client_for(user).post(
        "/api/v1/cases/packages/import/",
        {"file": SimpleUploadedFile("p.zip", package, "application/zip")},
        format="multipart",
    )


def test_import_creates_an_accepted_case_with_every_material_once(
    world: World, reported
):
    lower, package = reported
    response = upload(world.counter, package)
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert answer["kind"] == "report" and answer["created"] is True
    assert answer["origin_number"] == lower.number
    upper = Case.objects.get(pk=answer["id"])
    assert upper.pk != lower.pk and upper.item_id == lower.item_id
    # the upper organ's clock starts on its receipt, today
    assert upper.status in (Status.ACCEPTED, Status.UNDER_REVIEW)
    assert upper.accepted_date == at(2026, 3, 2).date()
    assert upper.applicant_id_number == ID_NUMBER
    assert sorted(m.sha256 for m in upper.materials.all()) == sorted(
        m.sha256 for m in lower.materials.all()
    )
    for material in upper.materials.all():
        with material.file.open("rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == material.sha256
    receipt = PackageReceipt.objects.get(case=upper)
    assert receipt.origin_opinion == "经审查，符合条件，报请决定。"
    assert receipt.origin_authority == world.dept.name
    assert AuditEvent.objects.filter(action="report_import").count() == 1
    # the same package again: the same case, never a second one
    cases = Case.objects.count()
    again = upload(world.counter, package)
    assert again.status_code == 200
    assert (again.json()["id"], again.json()["created"]) == (upper.pk, False)
    assert Case.objects.count() == cases


def _rewrite(package: bytes, path: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name, data if name == path else source.read(name))
    return out.getvalue()


def test_refusals_change_nothing(world: World, reported):
    _lower, package = reported
    cases, events = Case.objects.count(), AuditEvent.objects.count()
    names = zipfile.ZipFile(io.BytesIO(package)).namelist()
    material = next(n for n in names if n.startswith("files/m"))
    refusals = [
        (world.counter, _rewrite(package, material, b"%PDF-1.3 forged"), 400),
        (world.counter, b"not a zip", 400),
        (world.applicant, package, 403),
        (world.foreign_reviewer, package, 403),  # another department's window
        (world.reviewer, package, 403),  # not the window that takes it in
    ]
    for user, data, status in refusals:
        response = upload(user, data)
        assert response.status_code == status
        assert set(response.json()) >= {"code", "message"}
        assert response.json()["message"]
    assert upload(world.counter, refusals[0][1]).json()["code"] == "package_tampered"
    # signed, but the applicant cannot be identified here
    no_id, _digest = package_write(
        {"kind": "case", "item": {"code": world.item.item_code}, "applicant": {}}, {}
    )
    response = upload(world.counter, no_id)
    assert (response.status_code, response.json()["code"]) == (
        400,
        "applicant_id_missing",
    )
    # this installation has no item with that code
    ServiceItem.objects.filter(pk=world.item.pk).update(item_code="OTHER-CODE")
    response = upload(world.counter, package)
    assert (response.status_code, response.json()["code"]) == (400, "item_not_found")
    assert "事项" in response.json()["message"]
    assert Case.objects.count() == cases
    assert AuditEvent.objects.count() == events
    assert not PackageReceipt.objects.exists()


def test_the_decision_returns_to_the_lower_case_once(world: World, reported):
    lower, package = reported
    upper = Case.objects.get(pk=upload(world.counter, package).json()["id"])
    counter = client_for(world.counter)
    early = counter.get(f"/api/v1/cases/{upper.pk}/return-package/")
    assert (early.status_code, early.json()["code"]) == (409, "not_decided")
    not_imported = counter.get(f"/api/v1/cases/{lower.pk}/return-package/")
    assert (not_imported.status_code, not_imported.json()["code"]) == (
        409,
        "not_imported",
    )
    decider = to_deciding_step(upper)
    services.case_decide(case=upper, actor=decider, outcome="approve", reason="准予")
    forbidden = client_for(world.foreign_reviewer).get(
        f"/api/v1/cases/{upper.pk}/return-package/"
    )
    assert forbidden.status_code in (403, 404)
    response = counter.get(f"/api/v1/cases/{upper.pk}/return-package/")
    assert response.status_code == 200
    desk = Client()
    desk.force_login(world.counter)
    listed = desk.get("/workbench/joint/packages/").content.decode()
    assert f"/api/v1/cases/{upper.pk}/return-package/" in listed
    back = response.content
    # the applicant cannot import it; the lower window records it
    assert upload(world.applicant, back).status_code == 403
    imported = upload(world.counter, back)
    assert imported.status_code == 201, imported.json()
    assert (imported.json()["kind"], imported.json()["id"]) == ("return", lower.pk)
    report = lower.reports.get()
    assert report.returned_at is not None and "准予许可" in report.upper_result
    notice = CaseDocument.objects.get(case=lower, kind=DocumentKind.UPPER_DECISION)
    approval = upper.documents.get(kind=DocumentKind.APPROVAL)
    assert notice.sha256 == approval.sha256 and notice.number == approval.number
    assert AuditEvent.objects.filter(action="report_return_import").count() == 1
    # the applicant's 办件去向 page shows it
    web = Client()
    web.force_login(world.applicant)
    page = web.get(f"/cases/{lower.pk}/where/").content.decode()
    assert "上级机关决定书" in page and notice.number in page
    # twice: refused, nothing changes
    again = upload(world.counter, back)
    assert (again.status_code, again.json()["code"]) == (
        409,
        "package_already_imported",
    )
    assert CaseDocument.objects.filter(kind=DocumentKind.UPPER_DECISION).count() == 1


def test_the_workbench_page_takes_a_package_in(world: World, reported):
    _lower, package = reported
    web = Client()
    web.force_login(world.applicant)
    assert web.get("/workbench/joint/packages/").status_code == 403
    web.force_login(world.counter)
    assert "导入案卷包" in web.get("/workbench/joint/packages/").content.decode()
    bad = web.post(
        "/workbench/joint/packages/",
        {"file": SimpleUploadedFile("p.zip", b"not a zip", "application/zip")},
    )
    assert bad.status_code == 400 and "案卷包无法读取" in bad.content.decode()
    done = web.post(
        "/workbench/joint/packages/",
        {"file": SimpleUploadedFile("p.zip", package, "application/zip")},
        follow=True,
    )
    receipt = PackageReceipt.objects.get()
    assert receipt.case.number in done.content.decode()
    assert "已收件并受理" in done.content.decode()
    # the case page of the upper organ names where the case came from
    page = web.get(f"/workbench/cases/{receipt.case_id}/").content.decode()
    assert "上报来源" in page and receipt.origin_number in page
    lower_page = web.get(f"/workbench/cases/{_lower.pk}/").content.decode()
    assert "上报来源" not in lower_page
