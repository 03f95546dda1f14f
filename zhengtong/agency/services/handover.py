"""
统一出件 (one window out): the applicant's preference, the handover at the
window that received the case (signature or ID check), by mail or by
download, recorded through cases' own delivery service.
"""

from django.db import transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.cases import services as case_services
from zhengtong.cases.models import Case
from zhengtong.catalog.models import Counter
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError
from zhengtong.core.masking import mask_id_number

from .. import permissions, selectors
from ..acting import ONE_WINDOW, acting_as
from ..constants import ErrorCode, HandoverMethod, IdentityCheck
from ..models import AgencyAssignment, Handover

M = HandoverMethod


def _method(method: str) -> str:
    if method not in M.values:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT,
            "出件方式须为 counter_pickup（窗口领取）、mail（邮寄）或 download（网上下载）。",
        )
    return method


@transaction.atomic
def handover_preference_set(
    *,
    case: Case,
    actor: User,
    method: str,
    mail_address: str = "",
    assignment: AgencyAssignment | None = None,
) -> Handover:
    """
    Record how the applicant wants the result: at the receiving window, by
    mail (with the address) or by download. Set by the applicant, or by the
    authorised 代办员 for them.

    中文：登记领取方式
    """
    if assignment is not None and assignment.case_id == case.pk:
        permissions.check_act_for_applicant(user=actor, assignment=assignment)
    elif not permissions.can_set_delivery_preference(user=actor, case=case):
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED,
            "只有申请人或其代办员可以登记领取方式。",
            status=403,
        )
    method = _method(method)
    mail_address = (mail_address or "").strip()[:300]
    if method == M.MAIL and not mail_address:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "邮寄送达请填写邮寄地址。")
    handover, created = Handover.objects.select_for_update().get_or_create(case=case)
    if handover.handed_at is not None or case.delivered_at is not None:
        raise ApplicationError(
            ErrorCode.INVALID_STATE, "办理结果已送达，不能再修改领取方式。", status=409
        )
    handover.preferred_method = method
    handover.mail_address = mail_address if method == M.MAIL else ""
    handover.preference_by = actor
    handover.save()
    audit_record(
        action="handover_preference",
        obj=handover,
        actor=actor,
        details={"case_id": case.pk, "method": method},
        new_stream=created,
    )
    return handover


def _ready_here(*, case: Case, actor: User, counter: Counter | None) -> Counter | None:
    """Return the counter of the handover after the desk checks."""
    permissions.check_hand_over(user=actor)
    halls = selectors.desk_hall_ids(user=actor)
    if counter is not None:
        if halls is not None and counter.hall_id not in halls:
            raise ApplicationError(
                ErrorCode.NOT_PERMITTED, "您不在该窗口，不能在此出件。", status=403
            )
        halls = {counter.hall_id}
    if not selectors.handover_ready_list(hall_ids=halls).filter(pk=case.pk).exists():
        if not selectors.handover_ready_list(hall_ids=None).filter(pk=case.pk).exists():
            raise ApplicationError(
                ErrorCode.NOT_READY, "该办件的办理结果尚未作出或已送达。", status=409
            )
        raise ApplicationError(
            ErrorCode.NOT_AT_HALL,
            "该办件不是在本大厅收件的，请到收件窗口领取。",
            status=403,
        )
    return counter


@transaction.atomic
def handover_record(
    *,
    case: Case,
    actor: User,
    method: str,
    counter: Counter | None = None,
    identity_check: str = "",
    id_number: str = "",
    recipient: str = "",
    tracking: str = "",
    notify: bool = True,
) -> Handover:
    """
    Hand the result over and record it (统一出件).

    At the window: the collector signs (name) or shows the ID whose number
    must be the applicant's on record; by mail: the tracking number; by
    download: nothing more. The case's delivery is recorded by cases'
    ``case_deliver`` (the applicant is notified there, unless ``notify`` is
    False: ``handover_record_bundle`` tells them once); this record keeps
    the counter, the check and who handed over.

    中文：统一出件
    """
    method = _method(method)
    counter = _ready_here(case=case, actor=actor, counter=counter)
    recipient = (recipient or "").strip()[:100]
    check = ""
    if method == M.COUNTER_PICKUP:
        if identity_check not in IdentityCheck.values:
            raise ApplicationError(
                ErrorCode.INVALID_INPUT,
                "窗口领取须签字确认（signature）或核验身份证件（id_check）。",
            )
        check = identity_check
        if check == IdentityCheck.ID_CHECK:
            given = (id_number or "").strip().upper()
            on_record = (case.applicant_id_number or "").strip().upper()
            if not given:
                raise ApplicationError(
                    ErrorCode.INVALID_INPUT, "请填写领取人证件号码。"
                )
            if not on_record or given != on_record:
                raise ApplicationError(
                    ErrorCode.ID_MISMATCH,
                    "证件号码与申请人登记的证件（"
                    + (mask_id_number(on_record) or "未登记")
                    + "）不一致，不能出件。",
                )
            recipient = recipient or case.applicant_name
        elif not recipient:
            raise ApplicationError(
                ErrorCode.INVALID_INPUT, "签字领取请填写领取人姓名。"
            )
    tracking = (tracking or "").strip()[:60]
    if method == M.MAIL and not tracking:
        raise ApplicationError(ErrorCode.TRACKING_REQUIRED, "邮寄送达须填写快递单号。")
    now = timezone.now()
    with acting_as(user=actor, case_id=case.pk, kind=ONE_WINDOW):
        case = case_services.case_deliver(
            case=case,
            actor=actor,
            method=method,
            recipient=recipient,
            tracking=tracking if method == M.MAIL else "",
            now=now,
            notify=notify,
        )
    handover, created = Handover.objects.select_for_update().get_or_create(case=case)
    handover.method = method
    handover.identity_check = check
    handover.recipient = case.delivery_recipient
    handover.tracking = case.delivery_tracking
    handover.counter = counter
    handover.handed_by = actor
    handover.handed_at = now
    handover.save()
    audit_record(
        action="handover_record",
        obj=handover,
        actor=actor,
        details={
            "case_id": case.pk,
            "method": method,
            "identity_check": check,
            "counter_id": counter.pk if counter else None,
        },
        new_stream=created,
    )
    return handover


def handover_notify_ready(*, case: Case, actor: User) -> None:
    """
    Tell the applicant the result is ready and where to collect it.

    中文：通知领取
    """
    _ready_here(case=case, actor=actor, counter=None)
    place = selectors.case_pickup_place(case=case)
    with transaction.atomic():
        handover, created = Handover.objects.get_or_create(case=case)
        case_services._notify(case, "result_ready", place=place or "收件窗口")
        audit_record(
            action="handover_notify_ready",
            obj=handover,
            actor=actor,
            details={"case_id": case.pk, "place": place},
            new_stream=created,
        )
