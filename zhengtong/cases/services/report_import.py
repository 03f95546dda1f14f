"""
The 上报件 exchange between installations (行政许可法第三十五条), until a live
exchange exists: the upper level imports the lower level's signed case
package as a case of its own, and returns its decision as a signed package
that the lower level imports.

- ``package_import``: one entry for both kinds of package (``case.json``
  ``kind``); it verifies through ``case_package.package_read`` (the one
  verification), then
- a **case package** (``kind`` ``case``) → ``_report_receive``: a case of the
  item with the same code (400 ``item_not_found``), created by the one walk-in
  intake (``case_counter_intake_walk_in``) with the applicant and every
  material file of the package, accepted the same day (``case_accept``: the
  upper organ's clock starts on its receipt; the lower organ's limit stays
  with the lower case), and a ``PackageReceipt`` linking it to its origin.
  The same package again (same manifest SHA-256) returns the case created
  first, never a second one;
- a **return package** (``kind`` ``return``, built by ``return_package_build``
  once the imported case is decided) → ``_return_receive``: the lower case
  of that number gets its report's return (``case_report_return``, the same
  service as the manual return) and the upper decision notice as a document
  (``DocumentKind.UPPER_DECISION``); refused for a case that was not
  reported up (409 ``not_reported``) and twice (409 ``package_already_imported``).

Who: the upper level's intake staff of the item's department
(``permissions.can_intake``) import a case package; the lower case's window
or reviewer (``permissions.can_report_up``) import a return package and
download the return package of an imported case.
"""

import hashlib
from datetime import date, datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from zhengtong.accounts.identity import IdType, SubjectKind
from zhengtong.accounts.models import User
from zhengtong.catalog.models import Material, ServiceItem
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import permissions
from ..case_package import (
    KIND_CASE,
    KIND_RETURN,
    Package,
    installation_name,
    package_read,
    package_write,
)
from ..constants import DocumentKind, ErrorCode, Outcome
from ..documents import document_render
from ..models import Case, CaseDocument
from ..models_joint import PackageKind, PackageReceipt
from ._base import _now
from .creation import case_counter_intake_walk_in
from .intake import case_accept
from .report_up import case_report_return

DECISION_NOTICES = (
    DocumentKind.APPROVAL,
    DocumentKind.DENIAL,
    DocumentKind.JOINT_DECISION,
)


def _text(value: Any, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def package_import(
    *, actor: User, data: bytes, now: datetime | None = None
) -> tuple[PackageReceipt, bool]:
    """
    Import a signed package: a 上报件 (a new case here) or the upper organ's
    return (recorded on the lower case). Return the receipt and whether it
    is new (False: this case package was imported before).

    中文：导入案卷包（上报件收件／上级反馈）
    """
    if not permissions.is_department_staff(actor):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有部门工作人员可以导入案卷包。", status=403
        )
    package = package_read(data)
    kind = package.body.get("kind") or KIND_CASE
    if kind == KIND_RETURN:
        return _return_receive(actor=actor, package=package, now=now), True
    if kind != KIND_CASE:
        raise ApplicationError("package_invalid", "案卷包类型不受支持。")
    try:
        return _report_receive(actor=actor, package=package, now=now)
    except IntegrityError:  # the same package imported at the same moment
        twin = PackageReceipt.objects.filter(package_sha256=package.sha256).first()
        if twin is None or twin.kind != PackageKind.REPORT:
            raise
        return twin, False


def _item_for(body: dict[str, Any]) -> ServiceItem:
    item_info = body.get("item")
    code = _text(item_info.get("code"), 100) if isinstance(item_info, dict) else ""
    item = ServiceItem.objects.filter(item_code=code).first() if code else None
    if item is None:
        raise ApplicationError(
            "item_not_found",
            f"本系统没有编码为“{code or '（空）'}”的事项，不能导入该上报件；"
            "请先在事项目录中登记该事项（与下级系统编码一致）。",
        )
    return item


def _applicant_fields(body: dict[str, Any]) -> dict[str, Any]:
    raw = body.get("applicant")
    applicant = raw if isinstance(raw, dict) else {}
    name = _text(applicant.get("name"), 200)
    id_type = _text(applicant.get("id_type"), 20)
    id_number = _text(applicant.get("id_number"), 40)
    if not name or not id_number:
        raise ApplicationError(
            "applicant_id_missing",
            "案卷包中的申请人缺少名称或证件号码，本系统无法登记申请人；"
            "请下级机关补录申请人身份信息后重新导出案卷包。",
        )
    fields: dict[str, Any] = {
        "display_name": name,
        "phone": _text(applicant.get("phone"), 20),
    }
    if id_type == "credit_code":
        fields.update(
            subject_kind=SubjectKind.ENTERPRISE,
            org_name=name,
            credit_code=id_number,
            id_type="",
            id_number="",
        )
    else:
        fields.update(
            id_type=id_type if id_type in IdType.values else IdType.OTHER,
            id_number=id_number,
        )
    return fields


def _material_files(
    package: Package, item: ServiceItem
) -> list[tuple[Material | None, ContentFile]]:
    """Every material file of the package, on the checklist line of the same name."""
    checklist = {
        m.name: m for m in Material.objects.filter(version=item.current_version)
    }
    entries = package.body.get("materials")
    files = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("file") not in package.files:
            raise ApplicationError("package_invalid", "案卷包的材料清单有误。")
        path = entry["file"]
        name = path.split("/", 1)[-1].split("-", 1)[-1]
        files.append(
            (
                checklist.get(_text(entry.get("name"), 500)),
                ContentFile(package.files[path], name=name),
            )
        )
    return files


@transaction.atomic
def _report_receive(
    *, actor: User, package: Package, now: datetime | None
) -> tuple[PackageReceipt, bool]:
    now, _today = _now(now)
    body = package.body
    item = _item_for(body)
    permissions.check_intake(
        user=actor, department=permissions.item_department_id(item)
    )
    existing = (
        PackageReceipt.objects.select_related("case")
        .filter(package_sha256=package.sha256)
        .first()
    )
    if existing is not None:
        if existing.kind != PackageKind.REPORT:
            raise _already(existing)
        return existing, False
    form_data = body.get("form_data")
    case = case_counter_intake_walk_in(
        actor=actor,
        item=item,
        form_data=form_data if isinstance(form_data, dict) else {},
        files=_material_files(package, item),
        now=now,
        **_applicant_fields(body),
    )
    origin_number = _text(body.get("number"), 40)
    case = case_accept(
        case=case,
        actor=actor,
        note=f"上报件：下级办件 {origin_number}，本机关自收到之日起计算办理时限。",
        now=now,
    )
    receipt = PackageReceipt.objects.create(
        kind=PackageKind.REPORT,
        package_sha256=package.sha256,
        case=case,
        origin_installation=_text(body.get("installation"), 200),
        origin_authority=_text(body.get("department"), 200),
        origin_number=origin_number,
        origin_opinion=_text(body.get("lower_opinion"), 5000),
        origin_region_code=_text(body.get("region_code"), 12),
        received_at=now,
        received_by=actor,
    )
    audit_record(
        action="report_import",
        obj=case,
        actor=actor,
        reason=receipt.origin_opinion,
        details={
            "receipt": receipt.pk,
            "package_sha256": package.sha256,
            "origin_installation": receipt.origin_installation,
            "origin_authority": receipt.origin_authority,
            "origin_number": origin_number,
            "materials": case.materials.count(),
        },
    )
    return receipt, True


def _already(receipt: PackageReceipt) -> ApplicationError:
    return ApplicationError(
        "package_already_imported",
        f"该案卷包已于{receipt.received_at:%Y-%m-%d}导入（办件 {receipt.case.number}），"
        "不能重复导入。",
        status=409,
    )


@transaction.atomic
def _return_receive(
    *, actor: User, package: Package, now: datetime | None
) -> PackageReceipt:
    now, _today = _now(now)
    body = package.body
    number = _text(body.get("lower_number"), 40)
    case = Case.objects.filter(number=number).first() if number else None
    if case is None or not case.reported_up:
        raise ApplicationError(
            "not_reported",
            f"本系统没有已上报的办件“{number}”，不能导入该上级决定。",
            status=409,
        )
    if not permissions.can_report_up(user=actor, case=case):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有该办件所属部门的窗口人员或审批人员可以导入上级决定。",
            status=403,
        )
    existing = (
        PackageReceipt.objects.select_related("case")
        .filter(package_sha256=package.sha256)
        .first()
    )
    if existing is not None:
        raise _already(existing)
    authority = _text(body.get("upper_authority"), 200) or "上级机关"
    outcome = _text(body.get("outcome_label"), 40)
    reason = _text(body.get("decision_reason"), 4000)
    result = f"{authority}{outcome and '决定：' + outcome}。{reason}".strip()
    case_report_return(case=case, actor=actor, result=result, now=now)
    notices = body.get("notices")
    for entry in notices if isinstance(notices, list) else []:
        if not isinstance(entry, dict) or entry.get("file") not in package.files:
            raise ApplicationError("package_invalid", "案卷包的文书清单有误。")
        document = CaseDocument(
            case=case,
            kind=DocumentKind.UPPER_DECISION,
            number=_text(entry.get("number"), 80),
            issued_on=_date(entry.get("issued_on")) or now.date(),
            context={
                "upper_authority": authority,
                "upper_number": _text(body.get("number"), 40),
                "title": _text(entry.get("title"), 60),
                "outcome": outcome,
            },
            created_by=actor,
        )
        data = package.files[entry["file"]]
        document.file.save("upper_decision.pdf", ContentFile(data), save=False)
        document.sha256 = hashlib.sha256(data).hexdigest()
        document.save()
    receipt = PackageReceipt.objects.create(
        kind=PackageKind.RETURN,
        package_sha256=package.sha256,
        case=case,
        origin_installation=_text(body.get("installation"), 200),
        origin_authority=authority,
        origin_number=_text(body.get("number"), 40),
        origin_opinion=result[:5000],
        received_at=now,
        received_by=actor,
    )
    audit_record(
        action="report_return_import",
        obj=case,
        actor=actor,
        reason=result,
        details={
            "receipt": receipt.pk,
            "package_sha256": package.sha256,
            "upper_number": receipt.origin_number,
            "notices": len(notices) if isinstance(notices, list) else 0,
        },
    )
    return receipt


def return_package_build(*, case: Case, actor: User) -> tuple[bytes, str]:
    """
    Return the signed return package of an imported 上报件 once decided: the
    decision, its notice PDFs and the origin it answers.

    中文：导出上级决定（反馈包）
    """
    receipt = (
        PackageReceipt.objects.filter(case=case, kind=PackageKind.REPORT)
        .order_by("id")
        .first()
    )
    if receipt is None:
        raise ApplicationError(
            "not_imported", "该办件不是导入的上报件，没有上级决定可反馈。", status=409
        )
    if not permissions.can_report_up(user=actor, case=case):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有本部门工作人员可以导出上级决定。",
            status=403,
        )
    if not case.outcome or case.decided_at is None:
        raise ApplicationError(
            "not_decided", "该办件尚未作出决定，不能反馈下级机关。", status=409
        )
    files: dict[str, bytes] = {}
    notices = []
    for n, document in enumerate(
        case.documents.filter(kind__in=DECISION_NOTICES).order_by("id"), start=1
    ):
        document = document_render(document)
        path = f"files/d{n}-{document.kind}.pdf"
        with document.file.open("rb") as handle:
            files[path] = handle.read()
        notices.append(
            {
                "kind": document.kind,
                "title": document.get_kind_display(),
                "number": document.number,
                "issued_on": document.issued_on,
                "file": path,
            }
        )
    body = {
        "kind": KIND_RETURN,
        "installation": installation_name(),
        "upper_authority": case.department.name,
        "number": case.number,
        "lower_number": receipt.origin_number,
        "lower_installation": receipt.origin_installation,
        "report_sha256": receipt.package_sha256,
        "outcome": case.outcome,
        "outcome_label": Outcome(case.outcome).label,
        "decision_reason": case.decision_reason,
        "result_number": case.result_number,
        "decided_at": case.decided_at,
        "notices": notices,
    }
    return package_write(body, files)
