"""Shared helpers of the case services (locks, time, notices, intake snapshot)."""

from datetime import date, datetime
from typing import Any

from django.utils import timezone

from zhengtong.accounts.constants import Role
from zhengtong.accounts.models import User
from zhengtong.catalog.constants import (
    VersionStatus,
)
from zhengtong.catalog.models import ServiceItem
from zhengtong.core.errors import ApplicationError
from zhengtong.core.outbox import outbox_enqueue, outbox_enqueue_many

from .. import clock
from ..constants import (
    ErrorCode,
)
from ..documents import document_issue, document_render_job
from ..models import (
    Case,
    CaseDocument,
)
from ..notifications import notification_send

DEFAULT_STEPS = (
    # name, role, limit in working days (None: no own limit), decides (批准)
    ("承办", Role.REVIEWER, None, False),
    ("审核", Role.REVIEWER, None, False),
    ("批准", Role.REVIEWER, None, True),
)


# -- helpers -------------------------------------------------------------


def _now(now: datetime | None) -> tuple[datetime, date]:
    now = now or timezone.now()
    return now, timezone.localdate(now)


def _lock(case: Case) -> Case:
    """Return the case re-read with a row lock (caller is atomic)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("department", "item_version")
        .get(pk=case.pk)
    )


def _require(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ApplicationError(ErrorCode.REASON_REQUIRED, f"请填写{what}。")
    return text


def _notify(case: Case, event: str, **extra: Any) -> None:
    """Request the notifications of ``event`` in this transaction (outbox)."""
    _notify_many([case], event, **extra)


def _notify_many(cases: list[Case], event: str, **extra: Any) -> None:
    """Request the notifications of ``event`` of each of ``cases`` (one INSERT)."""
    outbox_enqueue_many(
        notification_send,
        [{"case_id": case.pk, "event": event, "extra": extra} for case in cases],
    )


def _issue(case: Case, kind: str, actor, today: date, **extra: Any) -> CaseDocument:
    document = document_issue(
        case=case, kind=kind, actor=actor, today=today, extra=extra
    )
    # the PDF is rendered by the worker, requested in this transaction
    outbox_enqueue(document_render_job, document_id=document.pk)
    return document


def _version_for(item: ServiceItem):
    version = item.current_version
    if version is None or version.status != VersionStatus.PUBLISHED:
        raise ApplicationError(
            ErrorCode.ITEM_NOT_AVAILABLE, "该事项当前没有已发布的办事指南，暂不能申请。"
        )
    return version


def _snapshot_applicant(case: Case, applicant: User) -> None:
    case.applicant_name = applicant.subject_name[:200]
    case.applicant_id_type = applicant.id_type or (
        "credit_code" if applicant.credit_code else ""
    )
    case.applicant_id_number = applicant.id_number or applicant.credit_code
    case.applicant_phone = applicant.phone


def _received(case: Case, now: datetime, today: date) -> None:
    cal = clock.calendar()
    case.submitted_at = now
    case.received_date = today
    case.intake_due_date = clock.add_days(cal, today, clock.INTAKE_LIMIT_DAYS)
    case.due_date_provisional = cal.is_provisional(case.intake_due_date)
