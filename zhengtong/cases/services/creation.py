"""Creating cases: drafts, materials, submission, walk-in intake."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from zhengtong.accounts.identity import IdType, SubjectKind
from zhengtong.accounts.models import User
from zhengtong.accounts.services import (
    applicant_walk_in_get_or_create,
)
from zhengtong.catalog.models import Material, ServiceItem
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import permissions
from ..constants import (
    Action,
    Channel,
    ErrorCode,
    Status,
)
from ..models import (
    Case,
    CaseMaterial,
)
from ..receipts import receipt_issue
from ..uploads import material_file_check
from ..workflow import case_transition, transition_check
from ._base import (
    _lock,
    _notify,
    _now,
    _received,
    _snapshot_applicant,
    _version_for,
)
from .applications import case_create

# -- drafts, materials, submission (the intake itself: applications.py) ----


@transaction.atomic
def case_draft_update(*, case: Case, actor: User, form_data: dict) -> Case:
    """
    Replace the form data of a draft (or of a case awaiting supplement).

    中文：保存草稿
    """
    case = _lock(case)
    if actor.pk not in (case.applicant_id, case.agent_id):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有申请人可以修改申请表。", status=403
        )
    if case.status not in (Status.DRAFT, Status.SUPPLEMENT_REQUESTED):
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION, "申请已提交，不能再修改申请表。", status=409
        )
    if not isinstance(form_data, dict):
        raise ApplicationError("invalid_form_data", "申请表内容格式有误。")
    case.form_data = form_data
    case.save(update_fields=["form_data", "updated_at"])
    audit_record(
        action="form_update", obj=case, actor=actor, details={"keys": sorted(form_data)}
    )
    return case


@transaction.atomic
def case_draft_save(
    *,
    applicant: User,
    item: ServiceItem,
    case: Case | None,
    form_data: dict[str, Any],
    files: Iterable[tuple[Material | int | None, Any]] = (),
    submit: bool = False,
    channel: str = Channel.ONLINE,
) -> Case:
    """
    Create or update an online draft, attach files and optionally submit.

    All in one transaction: a rejected file leaves the draft as it was.

    中文：保存申请（草稿或提交）
    """
    if case is None:
        case = case_create(
            applicant=applicant,
            item=item,
            actor=applicant,
            channel=channel,
            form_data=form_data,
            submit=False,
        )
    else:
        case = case_draft_update(case=case, actor=applicant, form_data=form_data)
    for material, upload in files:
        case_material_add(case=case, actor=applicant, file=upload, material=material)
    if submit:
        case = case_submit(case=case, actor=applicant)
    return case


MATERIAL_EDIT_STATUSES = (Status.DRAFT, Status.SUBMITTED, Status.SUPPLEMENT_REQUESTED)


@transaction.atomic
def case_material_add(
    *,
    case: Case,
    actor: User,
    file,
    material: Material | int | None = None,
    name: str = "",
    same_file_as: CaseMaterial | None = None,
) -> CaseMaterial:
    """
    Attach an uploaded file to a case after checking type and size.

    Applicants add files to drafts and while a supplement is requested;
    intake staff of the department also while the case awaits intake
    (counter scanning). Earlier files are kept. With ``same_file_as`` (a
    file already stored for another case of the same applicant, e.g. a
    一件事 shared material) the new row references that stored file: no
    second copy of the bytes, ``file`` is not read.

    中文：上传申请材料
    """
    case = _lock(case)
    from ..workflow import case_actor_kinds

    kinds = case_actor_kinds(case=case, user=actor)
    allowed = (
        "applicant" in kinds
        and case.status in (Status.DRAFT, Status.SUPPLEMENT_REQUESTED)
    ) or (
        kinds & {"intake", "reviewer", "admin"}
        and case.status in MATERIAL_EDIT_STATUSES
    )
    if not allowed:
        if not kinds:
            raise ApplicationError(
                ErrorCode.NOT_PERMITTED, "您无权为该办件上传材料。", status=403
            )
        raise ApplicationError(
            ErrorCode.INVALID_TRANSITION,
            f"办件当前状态为“{Status(case.status).label}”，不能上传材料。",
            status=409,
        )
    if isinstance(material, int):
        material = Material.objects.filter(
            pk=material, version=case.item_version_id
        ).first()
        if material is None:
            raise ApplicationError("invalid_material", "材料不在该事项的材料清单中。")
    elif material is not None and material.version_id != case.item_version_id:
        raise ApplicationError("invalid_material", "材料不在该事项的材料清单中。")
    if same_file_as is not None:
        return _material_share(
            case=case, actor=actor, stored=same_file_as, material=material, name=name
        )
    return _material_store(
        case=case, actor=actor, file=file, material=material, name=name
    )


def _material_share(
    *,
    case: Case,
    actor: User,
    stored: CaseMaterial,
    material: Material | None,
    name: str = "",
) -> CaseMaterial:
    """File ``stored`` (already checked and saved) with ``case`` too (caller holds the lock)."""
    if stored.case.applicant_id != case.applicant_id:
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只能引用同一申请人已上传的材料。", status=403
        )
    label = (name or "").strip() or (material.name if material else stored.name)
    row = CaseMaterial(
        case=case,
        material=material,
        name=label[:500],
        file=stored.file.name,
        original_name=stored.original_name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        round=case.supplement_requests.count(),
        uploaded_by=actor,
    )
    row.save()
    audit_record(
        action="material_add",
        obj=case,
        actor=actor,
        details={
            "material_id": getattr(material, "pk", None),
            "name": row.name,
            "sha256": stored.sha256,
            "size": stored.size,
            "content_type": stored.content_type,
            "shared_from": stored.pk,
        },
    )
    return row


def _material_store(
    *,
    case: Case,
    actor: User,
    file: Any,
    material: Material | None,
    name: str = "",
    details: dict[str, Any] | None = None,
) -> CaseMaterial:
    """Check, store and audit one uploaded file of ``case`` (caller holds the lock)."""
    original_name = getattr(file, "name", "") or "file"
    checked = material_file_check(file, name=original_name)
    label = (name or "").strip() or (material.name if material else original_name)
    row = CaseMaterial(
        case=case,
        material=material,
        name=label[:500],
        original_name=original_name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        round=case.supplement_requests.count(),
        uploaded_by=actor,
    )
    row.file.save(f"upload.{checked.kind}", file, save=False)
    row.save()
    audit_record(
        action="material_add",
        obj=case,
        actor=actor,
        details={
            "material_id": getattr(material, "pk", None),
            "name": row.name,
            "sha256": checked.sha256,
            "size": checked.size,
            "content_type": checked.content_type,
            **(details or {}),
        },
    )
    return row


@transaction.atomic
def case_submit(*, case: Case, actor: User, now: datetime | None = None) -> Case:
    """
    Submit a draft; the receipt date starts the 5-day intake clock.

    中文：提交申请
    """
    now, today = _now(now)
    case = _lock(case)
    permissions.check_submit(user=actor, department=case.department_id)
    transition_check(case=case, action=Action.SUBMIT, user=actor)
    _snapshot_applicant(case, case.applicant)
    _received(case, now, today)
    case_transition(
        case=case,
        action=Action.SUBMIT,
        actor=actor,
        update_fields=[
            "submitted_at",
            "received_date",
            "intake_due_date",
            "due_date_provisional",
            "applicant_name",
            "applicant_id_type",
            "applicant_id_number",
            "applicant_phone",
        ],
    )
    receipt_issue(case=case, actor=actor, now=now)
    _notify(case, "submitted")
    return case


def case_counter_intake(
    *,
    actor: User,
    applicant: User,
    item: ServiceItem,
    form_data: dict | None = None,
    files: Iterable[tuple[Material | int | None, Any]] = (),
    agent: User | None = None,
    channel: str = Channel.COUNTER,
    now: datetime | None = None,
) -> Case:
    """
    Register a walk-in application at the counter and attach scans.

    ``actor`` must be intake staff of the item's department
    (``permissions.check_intake``). ``files`` are
    (checklist material or id or None, uploaded file) pairs. All or nothing:
    a rejected file leaves no case behind.

    中文：窗口收件
    """
    _version_for(item)
    permissions.check_intake(
        user=actor, department=permissions.item_department_id(item)
    )
    with transaction.atomic():
        case = case_create(
            applicant=applicant,
            item=item,
            actor=actor,
            channel=channel,
            form_data=form_data,
            agent=None,
            submit=False,
            now=now,
        )
        if agent is not None:
            case.agent = agent
            case.save(update_fields=["agent"])
        for material, upload in files:
            case_material_add(case=case, actor=actor, file=upload, material=material)
        return case_submit(case=case, actor=actor, now=now)


@transaction.atomic
def case_counter_intake_walk_in(
    *,
    actor: User,
    item: ServiceItem,
    display_name: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str = "",
    phone: str = "",
    subject_kind: str = SubjectKind.PERSON,
    org_name: str = "",
    credit_code: str = "",
    legal_representative: str = "",
    agent_name: str = "",
    agent_id_type: str = IdType.RESIDENT_ID,
    agent_id_number: str = "",
    address: str = "",
    form_data: dict | None = None,
    files: Iterable[tuple[Material | int | None, Any]] = (),
    now: datetime | None = None,
) -> Case:
    """
    Register a walk-in applicant (a person, or a company by its 统一社会信用代码)
    and their case at the counter, all or nothing.

    A company's 法定代表人 is kept with the application (``form_data``), its
    经办人 (``agent_name`` with an ID document) becomes the case's agent. The
    phone and address given at the counter are this application's contact
    details (``form_data`` ``contact_phone`` / ``contact_address``): an
    applicant found by ID may have an older number on the account.

    The one walk-in intake of every door (workbench page, API). ``actor``
    must be intake staff of the item's department; this is checked before
    any applicant account is created. A company's credit code is checked
    by ``accounts.services.applicant_walk_in_get_or_create``; the ID of its
    representative is optional.

    中文：窗口代为收件（登记申请人并创建办件）
    """
    _version_for(item)
    permissions.check_intake(
        user=actor, department=permissions.item_department_id(item)
    )
    id_number = (id_number or "").strip()
    if subject_kind == SubjectKind.ENTERPRISE and not id_number:
        id_type = ""
    applicant = applicant_walk_in_get_or_create(
        display_name=display_name,
        id_type=id_type,
        id_number=id_number,
        phone=phone,
        subject_kind=subject_kind,
        org_name=org_name,
        credit_code=credit_code,
        actor=actor,
    )
    agent = None
    if (agent_name or "").strip() or (agent_id_number or "").strip():
        agent = applicant_walk_in_get_or_create(
            display_name=agent_name,
            id_type=agent_id_type,
            id_number=(agent_id_number or "").strip(),
            phone=phone,
            actor=actor,
        )
        if agent.pk == applicant.pk:
            agent = None
    form_data = dict(form_data or {})
    extra = {
        "legal_representative": (legal_representative or "").strip()[:100],
        "contact_phone": (phone or "").strip()[:20],
        "contact_address": (address or "").strip()[:200],
    }
    form_data.update({key: value for key, value in extra.items() if value})
    return case_counter_intake(
        actor=actor,
        applicant=applicant,
        item=item,
        form_data=form_data,
        files=list(files),
        agent=agent,
        now=now,
    )
