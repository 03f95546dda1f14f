"""
Who may do what with complaints (投诉) and the first-question register (首问登记).

Complaints:

- **Registering**: any member of staff (at the counter, on the phone, a
  letter, a 12345 transfer) and any signed-in applicant (online, as
  themselves).
- **The complaint office** (投诉办公室: supervisors, centre administrators,
  superusers) sees every complaint except the integrity ones, drafts the
  proposal (拟办意见), approves it (批准, not one's own proposal), transfers,
  replies and revisits.
- **Staff of the responsible or receiving department** see that
  department's complaints and reply to those transferred to them.
- **Integrity complaints** (不廉洁) are seen and handled only by holders of
  ``feedback.handle_integrity_complaint`` (the 纪检监察 group): invisible to
  everyone else in lists, details, counts and exports — except the
  complainant, who sees their own complaint.
- **Applicants** see their own complaints.

First questions: every member of staff registers them and sees their own;
department staff see their department's; the receiver (承接人) confirms a
handover to them; the centre sees all.

中文：投诉与首问权限
"""

from typing import Any

from django.db.models import Q

from zhengtong.cases.permissions import is_department_staff, is_staff_member
from zhengtong.core.errors import ApplicationError, NotFoundError

from .permissions import NOT_FOUND, NOT_PERMITTED, is_centre

INTEGRITY_PERMISSION = "feedback.handle_integrity_complaint"


def _active(user: Any) -> bool:
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
    )


def is_discipline(user: Any) -> bool:
    """
    Return True for holders of the integrity permission (纪检监察).

    中文：纪检人员
    """
    return _active(user) and bool(user.has_perm(INTEGRITY_PERMISSION))


def can_register_complaint(user: Any) -> bool:
    """Return True when ``user`` may register a complaint. 中文：可否登记投诉"""
    return _active(user)


def can_view_complaints(user: Any) -> bool:
    """
    Return True when ``user`` may open the complaint desk (staff side).

    中文：可否查看投诉台账
    """
    return is_centre(user) or is_discipline(user) or is_department_staff(user)


def complaint_filter(user: Any) -> Q:
    """
    Return the filter of the complaints ``user`` may see (staff or applicant).

    Integrity complaints only for the discipline role (and the complainant).

    中文：投诉可见范围
    """
    if not _active(user):
        return Q(pk__in=[])
    own = Q(complainant_id=user.pk)
    if is_staff_member(user):
        seen = Q(pk__in=[])
        if is_centre(user):
            seen |= Q(integrity=False)
        elif is_department_staff(user):
            dept = user.department_id
            seen |= Q(integrity=False) & (
                Q(department_id=dept) | Q(transfer_department_id=dept)
            )
        if is_discipline(user):
            seen |= Q(integrity=True)
        return seen | own
    return own


def _sees_as_staff(user: Any, complaint: Any) -> bool:
    if complaint.integrity:
        return is_discipline(user)
    if is_centre(user):
        return True
    dept = getattr(user, "department_id", None)
    return is_department_staff(user) and dept in (
        complaint.department_id,
        complaint.transfer_department_id,
    )


def check_see_complaint(user: Any, complaint: Any) -> None:
    """Raise 404 unless ``user`` may see ``complaint``."""
    if not _active(user):
        raise NotFoundError(NOT_FOUND)
    if complaint.complainant_id == user.pk:
        return
    if not (is_staff_member(user) and _sees_as_staff(user, complaint)):
        raise NotFoundError(NOT_FOUND)


def can_manage_complaint(user: Any, complaint: Any = None) -> bool:
    """
    Return True when ``user`` acts as the complaint office on ``complaint``
    (propose, approve, transfer, reply, revisit).

    中文：可否作为投诉受理机构办理
    """
    if complaint is not None and complaint.integrity:
        return is_discipline(user)
    return is_centre(user)


def check_manage_complaint(user: Any, complaint: Any) -> None:
    """Raise 404/403 unless ``user`` may act as the complaint office."""
    check_see_complaint(user, complaint)
    if not can_manage_complaint(user, complaint):
        raise ApplicationError(
            NOT_PERMITTED,
            "纪检监察人员办理廉洁类投诉；其他投诉由中心投诉受理人员（监察人员、中心管理员）办理。"
            if complaint.integrity
            else "投诉的拟办、批准、转办和回访由中心投诉受理人员（监察人员、中心管理员）办理。",
            status=403,
        )


def can_reply_complaint(user: Any, complaint: Any) -> bool:
    """
    Return True when ``user`` may reply: the office, or the staff of the
    department a complaint was transferred to.

    中文：可否答复投诉
    """
    if can_manage_complaint(user, complaint):
        return True
    return (
        not complaint.integrity
        and complaint.transfer_department_id is not None
        and is_department_staff(user)
        and user.department_id == complaint.transfer_department_id
    )


def check_reply_complaint(user: Any, complaint: Any) -> None:
    """Raise 404/403 unless ``user`` may reply to ``complaint``."""
    check_see_complaint(user, complaint)
    if not can_reply_complaint(user, complaint):
        raise ApplicationError(
            NOT_PERMITTED,
            "投诉由中心投诉受理人员或承办部门的工作人员答复。",
            status=403,
        )


def check_approve_complaint(user: Any, complaint: Any) -> None:
    """Raise unless ``user`` may approve the proposal (never their own)."""
    check_manage_complaint(user, complaint)
    if complaint.proposed_by_id == user.pk and not user.is_superuser:
        raise ApplicationError(
            NOT_PERMITTED, "拟办意见须由拟办人以外的中心负责人员批准。", status=403
        )


# --- first questions ---------------------------------------------------------


def can_register_first_question(user: Any) -> bool:
    """Return True for staff (首问责任人: every member of staff). 中文：可否首问登记"""
    return is_staff_member(user)


def check_register_first_question(user: Any) -> None:
    if not can_register_first_question(user):
        raise ApplicationError(
            NOT_PERMITTED, "首问登记由中心工作人员填写。", status=403
        )


def first_question_filter(user: Any) -> Q:
    """Return the filter of the register entries ``user`` may see."""
    if is_centre(user):
        return Q()
    if not is_staff_member(user):
        return Q(pk__in=[])
    seen = Q(responsible_id=user.pk) | Q(handover_to_id=user.pk)
    if user.department_id is not None:
        seen |= Q(department_id=user.department_id) | Q(
            handover_department_id=user.department_id
        )
    return seen


def check_see_first_question(user: Any, entry: Any) -> None:
    """Raise 404 unless ``user`` may see ``entry``."""
    if is_centre(user):
        return
    dept = getattr(user, "department_id", None)
    if not is_staff_member(user) or not (
        user.pk in (entry.responsible_id, entry.handover_to_id)
        or (
            dept is not None
            and dept in (entry.department_id, entry.handover_department_id)
        )
    ):
        raise NotFoundError(NOT_FOUND)


def check_handover_first_question(user: Any, entry: Any) -> None:
    """Only the first-responsible person (or the centre) hands an entry over."""
    check_see_first_question(user, entry)
    if not (is_centre(user) or entry.responsible_id == user.pk):
        raise ApplicationError(
            NOT_PERMITTED, "只有首问责任人本人可以转交。", status=403
        )


def check_confirm_first_question(user: Any, entry: Any) -> None:
    """Only the receiving person (承接人) confirms a handover."""
    check_see_first_question(user, entry)
    if entry.handover_to_id != user.pk:
        raise ApplicationError(
            NOT_PERMITTED, "只有承接人本人可以确认承接。", status=403
        )
