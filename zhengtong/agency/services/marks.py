"""
Green channel (绿色通道 / 特办) marks on cases and tickets.

A marked ticket is put in its priority group through queueing's own
service (``ticket_prioritise``: the one call-class rule); a marked case
comes first in the staff inbox (``selectors.case_list_marked``).

A mark may be revoked (撤销) by who may give it, with a reason: the row
stays (who, when, why), the case leaves the marked list and a waiting
ticket goes back to the priority group it had before the mark.
"""

from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.cases.models import Case
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.queueing import services as queue_services
from zhengtong.queueing.models import Ticket
from zhengtong.queueing.permissions import check_call_tickets

from .. import permissions
from ..constants import ErrorCode, MarkKind
from ..models import PriorityMark

# the queue's priority group of each mark (key projects: the green channel
# class without a personal group)
TICKET_PRIORITY = {
    MarkKind.KEY_PROJECT: Ticket.Priority.NONE,
    MarkKind.ELDERLY: Ticket.Priority.ELDERLY,
    MarkKind.DISABLED: Ticket.Priority.DISABLED,
    MarkKind.SERVICEMAN: Ticket.Priority.MILITARY,
}


def _checked(kind: str, basis: str) -> str:
    if kind not in MarkKind.values:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT,
            "绿色通道类别须为 key_project、elderly、disabled 或 serviceman。",
        )
    basis = (basis or "").strip()
    if not basis:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT,
            "请填写绿色通道的依据（如重点项目批文、证件类型）。",
        )
    return basis[:300]


def _save(mark: PriorityMark, actor: User) -> PriorityMark:
    mark.save()
    audit_record(
        action="priority_mark",
        obj=mark,
        actor=actor,
        details={
            "kind": mark.kind,
            "case_id": mark.case_id,
            "ticket_id": mark.ticket_id,
        },
        new_stream=True,
    )
    return mark


@transaction.atomic
def priority_mark_case(
    *, case: Case, actor: User, kind: str, basis: str
) -> PriorityMark:
    """
    Mark a case for the green channel (特办): first in the staff inboxes.

    中文：办件标记绿色通道
    """
    permissions.check_mark_priority(user=actor, case=case)
    basis = _checked(kind, basis)
    if PriorityMark.objects.filter(case=case, revoked_at__isnull=True).exists():
        raise ApplicationError(
            ErrorCode.MARK_EXISTS, "该办件已标记绿色通道。", status=409
        )
    mark = PriorityMark(
        case=case,
        kind=kind,
        basis=basis,
        marked_by=actor,
        marked_on=timezone.localdate(),
    )
    return _save(mark, actor)


@transaction.atomic
def priority_mark_ticket(
    *, ticket: Ticket, actor: User, kind: str, basis: str
) -> PriorityMark:
    """
    Mark a waiting ticket for the green channel: it is called before
    walk-ins (queueing's priority class, set by its own service).

    中文：排队号标记绿色通道
    """
    check_call_tickets(user=actor)
    permissions.check_mark_priority(user=actor)
    basis = _checked(kind, basis)
    if PriorityMark.objects.filter(ticket=ticket, revoked_at__isnull=True).exists():
        raise ApplicationError(
            ErrorCode.MARK_EXISTS, "该排队号已标记绿色通道。", status=409
        )
    before = Ticket.objects.filter(pk=ticket.pk).values_list("priority", flat=True)[0]
    queue_services.ticket_prioritise(
        ticket=ticket, actor=actor, priority=TICKET_PRIORITY[MarkKind(kind)]
    )
    mark = PriorityMark(
        ticket_priority_before=before,
        ticket=ticket,
        kind=kind,
        basis=basis,
        marked_by=actor,
        marked_on=timezone.localdate(),
    )
    return _save(mark, actor)


@transaction.atomic
def priority_mark_revoke(
    *, mark: PriorityMark, actor: User, reason: str
) -> PriorityMark:
    """
    Revoke a green channel mark with ``reason`` (by who may give it): the
    case or ticket loses its priority from now on; the mark is kept.

    中文：撤销绿色通道标记
    """
    if mark.ticket_id is not None:
        check_call_tickets(user=actor)
    permissions.check_mark_priority(user=actor, case=mark.case)
    reason = (reason or "").strip()
    if not reason or "\x00" in reason:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "请填写撤销绿色通道的理由。")
    locked = PriorityMark.objects.select_for_update().get(pk=mark.pk)
    if locked.revoked_at is not None:
        raise ApplicationError(
            ErrorCode.MARK_REVOKED, "该绿色通道标记已撤销。", status=409
        )
    now = timezone.now()
    locked.revoked_at = now
    locked.revoked_on = timezone.localdate(now)
    locked.revoked_by = actor
    locked.revoke_reason = reason[:300]
    locked.save(
        update_fields=["revoked_at", "revoked_on", "revoked_by", "revoke_reason"]
    )
    if locked.ticket is not None:
        queue_services.ticket_priority_restore(
            ticket=locked.ticket,
            actor=actor,
            priority=locked.ticket_priority_before or Ticket.Priority.NONE,
        )
    audit_record(
        action="priority_mark_revoke",
        obj=locked,
        actor=actor,
        reason=locked.revoke_reason,
        details={"case_id": locked.case_id, "ticket_id": locked.ticket_id},
    )
    return locked
