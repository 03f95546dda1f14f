"""
统一出件 of a 一件事 application: one handover for all its sub-cases.

Choice (docs/agency.md): 全部出件 is offered only when every sub-case that
is still going on has a result; a sub-case not yet decided blocks it (409
``bundle_pending``, naming the numbers), since the promise is one
delivery. Sub-cases already delivered, withdrawn or otherwise closed are
left out. The ready ones are each delivered by the one delivery service
(``handover_record`` → cases' ``case_deliver``) with the same check, in one
transaction (one refusal undoes all), and the applicant is told once.
"""

from django.db import transaction

from zhengtong.accounts.models import User
from zhengtong.bundles.models import BundleApplication
from zhengtong.cases import services as case_services
from zhengtong.catalog.models import Counter
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .. import permissions, selectors
from ..constants import ErrorCode
from ..models import Handover
from .handover import handover_record


def handover_record_bundle(
    *,
    application: BundleApplication,
    actor: User,
    method: str,
    counter: Counter | None = None,
    identity_check: str = "",
    id_number: str = "",
    recipient: str = "",
    tracking: str = "",
) -> list[Handover]:
    """
    Hand over every ready sub-case of ``application`` at once (全部出件).

    中文：一件事统一出件
    """
    permissions.check_hand_over(user=actor)
    with transaction.atomic():
        # the group is read in the transaction that hands it over
        group = selectors.bundle_handover_group(user=actor, application=application)
        if group.pending:
            raise ApplicationError(
                ErrorCode.BUNDLE_PENDING,
                "以下子办件尚未作出决定，不能全部出件："
                + "、".join(c.number for c in group.pending)
                + "。",
                status=409,
            )
        if not group.ready:
            raise ApplicationError(
                ErrorCode.NOT_READY, "该一件事没有待出件的办理结果。", status=409
            )
        handovers = [
            handover_record(
                case=case,
                actor=actor,
                method=method,
                counter=counter,
                identity_check=identity_check,
                id_number=id_number,
                recipient=recipient,
                tracking=tracking,
                notify=False,
            )
            for case in group.ready
        ]
        numbers = [case.number for case in group.ready]
        case_services._notify(
            group.ready[0],
            "bundle_delivered",
            bundle_number=application.number,
            count=len(numbers),
            numbers="、".join(numbers),
        )
        audit_record(
            action="handover_record_bundle",
            obj=application,
            actor=actor,
            details={
                "application": application.pk,
                "cases": [case.pk for case in group.ready],
                "method": method,
            },
        )
    return handovers
