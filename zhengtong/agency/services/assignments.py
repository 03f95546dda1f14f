"""
代办 / 帮办: the request, the named officer, the applicant's authorisation,
and the officer acting for the applicant through the cases services.

The service is free of charge: an assignment has no fee, and nothing here
records one (docs/agency.md).
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.cases import services as case_services
from zhengtong.cases.constants import FINAL_STATUSES
from zhengtong.cases.models import Case
from zhengtong.cases.uploads import upload_file_check
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import permissions
from ..acting import APPLICANT_SIDE, acting_as
from ..constants import (
    OPEN_ASSIGNMENT,
    AssignmentKind,
    AssignmentStatus,
    ConsentMethod,
    ErrorCode,
)
from ..models import AgencyAssignment, AgencyOfficer

S = AssignmentStatus


def _text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def _lock(assignment: AgencyAssignment) -> AgencyAssignment:
    return (
        AgencyAssignment.objects.select_for_update(of=("self",))
        .select_related("case", "officer", "officer__user")
        .get(pk=assignment.pk)
    )


def _record(
    assignment: AgencyAssignment,
    action: str,
    actor: Any,
    *,
    before: str = "",
    new: bool = False,
    details: dict[str, Any] | None = None,
) -> None:
    audit_record(
        action=action,
        obj=assignment,
        actor=actor,
        from_state=before,
        to_state=assignment.status,
        details={"case_id": assignment.case_id, **(details or {})},
        new_stream=new,
    )


@transaction.atomic
def officer_register(
    *,
    actor: User,
    user: User,
    qualification: str,
    certificate_number: str,
    qualified_on: date,
    valid_until: date | None = None,
) -> AgencyOfficer:
    """
    Put a member of staff on record as 代办员 with the qualification checked.

    中文：登记代办员资格
    """
    permissions.check_manage_agency(user=actor)
    qualification = _text(qualification, 200)
    certificate_number = _text(certificate_number, 60)
    if not qualification or not certificate_number:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "请填写代办员的资格说明和资格证书编号。"
        )
    if not permissions.is_staff_member(user):
        raise ApplicationError(ErrorCode.INVALID_INPUT, "代办员须为中心在岗工作人员。")
    if valid_until is not None and valid_until < qualified_on:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "资格有效期不能早于资格取得日期。"
        )
    officer, created = AgencyOfficer.objects.update_or_create(
        user=user,
        defaults={
            "qualification": qualification,
            "certificate_number": certificate_number,
            "qualified_on": qualified_on,
            "valid_until": valid_until,
            "is_active": True,
        },
    )
    audit_record(
        action="officer_register",
        obj=officer,
        actor=actor,
        details={"user_id": user.pk, "certificate_number": certificate_number},
        new_stream=created,
    )
    return officer


@transaction.atomic
def assignment_request(
    *, case: Case, actor: User, kind: str, needs: str = ""
) -> AgencyAssignment:
    """
    Ask the centre to handle the case for the applicant (代办) or help (帮办).

    Only the applicant (or their agent) asks; one open request per case;
    帮办 states the special need.

    中文：申请代办帮办
    """
    if not permissions.can_request_agency(user=actor, case=case):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只有申请人本人可以申请代办或帮办。", status=403
        )
    if kind not in AssignmentKind.values:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "类型须为 agency（全程代办）或 assisted（帮办）。"
        )
    needs = _text(needs, 300)
    if kind == AssignmentKind.ASSISTED and not needs:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT,
            "申请帮办请说明需要哪些帮助（如行动不便、视力障碍）。",
        )
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if case.status in FINAL_STATUSES:
        raise ApplicationError(
            ErrorCode.INVALID_STATE,
            "该办件已办结或已终止，不能再申请代办。",
            status=409,
        )
    if AgencyAssignment.objects.filter(case=case, status__in=OPEN_ASSIGNMENT).exists():
        raise ApplicationError(
            ErrorCode.ASSIGNMENT_EXISTS, "该办件已有进行中的代办申请。", status=409
        )
    assignment = AgencyAssignment(
        case=case, kind=kind, needs=needs, requested_by=actor, status=S.REQUESTED
    )
    assignment.full_clean(exclude=["case", "requested_by"])
    assignment.save()
    _record(assignment, "assignment_request", actor, new=True, details={"kind": kind})
    return assignment


@transaction.atomic
def assignment_assign(
    *, assignment: AgencyAssignment, actor: User, officer: AgencyOfficer
) -> AgencyAssignment:
    """
    Name the one 代办员 who follows the case to its conclusion.

    The officer must hold a qualification in force; a named officer may be
    replaced before or after the authorisation (the applicant is told).

    中文：指派代办员
    """
    permissions.check_manage_agency(user=actor)
    assignment = _lock(assignment)
    if assignment.status not in OPEN_ASSIGNMENT:
        raise ApplicationError(
            ErrorCode.INVALID_STATE, "该代办已结束，不能再指派。", status=409
        )
    if not permissions.officer_is_qualified(officer=officer):
        raise ApplicationError(
            ErrorCode.OFFICER_NOT_QUALIFIED, "该代办员不在岗或资格已失效，不能指派。"
        )
    before = assignment.status
    assignment.officer = officer
    assignment.assigned_by = actor
    if assignment.status == S.REQUESTED:
        assignment.status = S.ASSIGNED
    assignment.save(update_fields=["officer", "assigned_by", "status", "updated_at"])
    _record(
        assignment,
        "assignment_assign",
        actor,
        before=before,
        details={"officer_id": officer.pk},
    )
    return assignment


@transaction.atomic
def assignment_authorise(
    *,
    assignment: AgencyAssignment,
    actor: User,
    method: str,
    file: Any = None,
    note: str = "",
    now: Any = None,
) -> AgencyAssignment:
    """
    Record the applicant's authorisation of the named officer.

    Online confirmation by the applicant; or, by centre staff, the signed
    authorisation (签署授权书, with a note of where it is kept) or its
    uploaded file. Before this the officer cannot act.

    中文：授权代办
    """
    assignment = _lock(assignment)
    case = assignment.case
    if method not in ConsentMethod.values:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "授权方式须为 online、signed 或 file。"
        )
    if method == ConsentMethod.ONLINE:
        if not permissions.is_case_applicant(user=actor, case=case):
            raise ApplicationError(
                ErrorCode.NOT_PERMITTED, "只有申请人本人可以网上确认授权。", status=403
            )
    else:
        permissions.check_manage_agency(user=actor)
    if assignment.status != S.ASSIGNED:
        message = (
            "尚未指派代办员，暂不能授权。"
            if assignment.status == S.REQUESTED
            else "该代办不在待授权状态。"
        )
        raise ApplicationError(ErrorCode.INVALID_STATE, message, status=409)
    note = _text(note, 300)
    if method == ConsentMethod.FILE and not file:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "请上传申请人签署的授权委托书。"
        )
    if method == ConsentMethod.SIGNED and not note:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "请注明授权书的签署情况和存放位置。"
        )
    assignment.consent_method = method
    assignment.consent_note = note
    if file:
        upload_file_check(file, name=getattr(file, "name", "") or "授权委托书")
        assignment.consent_file = file
    assignment.authorised_at = now or timezone.now()
    assignment.status = S.AUTHORISED
    assignment.save()
    _record(
        assignment,
        "assignment_authorise",
        actor,
        before=S.ASSIGNED,
        details={"method": method},
    )
    return assignment


@transaction.atomic
def assignment_close(
    *, assignment: AgencyAssignment, actor: User, withdraw: bool = False
) -> AgencyAssignment:
    """
    End the 代办: concluded with the case, or withdrawn by the applicant.

    中文：结束代办
    """
    assignment = _lock(assignment)
    if assignment.status not in OPEN_ASSIGNMENT:
        raise ApplicationError(ErrorCode.INVALID_STATE, "该代办已结束。", status=409)
    applicant = permissions.is_case_applicant(user=actor, case=assignment.case)
    if not (applicant and withdraw) and not permissions.can_manage_agency(user=actor):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "您无权结束该代办。", status=403
        )
    if not withdraw and assignment.case.status not in FINAL_STATUSES:
        raise ApplicationError(
            ErrorCode.INVALID_STATE, "办件尚未办结，代办不能结束。", status=409
        )
    before = assignment.status
    assignment.status = S.WITHDRAWN if withdraw else S.CONCLUDED
    assignment.concluded_at = timezone.now()
    assignment.save(update_fields=["status", "concluded_at", "updated_at"])
    _record(assignment, "assignment_close", actor, before=before)
    return assignment


def assignment_supplement_submit(
    *,
    assignment: AgencyAssignment,
    actor: User,
    note: str = "",
    files: Iterable[tuple[Any, Any]] = (),
) -> Case:
    """
    Hand in the applicant's supplement as their 代办员 (cases' service, the
    officer recorded as actor).

    中文：代办员代为提交补正材料
    """
    permissions.check_act_for_applicant(user=actor, assignment=assignment)
    with acting_as(user=actor, case_id=assignment.case_id, kind=APPLICANT_SIDE):
        return case_services.case_supplement_submit(
            case=assignment.case, actor=actor, note=note, files=files
        )
