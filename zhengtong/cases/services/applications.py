"""
Creating cases from applications: the one intake (受理前的收件登记) of every
door — online, mobile, kiosk, counter, agent, 一件事 bundle.

``case_create`` takes one application, ``case_create_many`` several at once
(the sub-cases of a bundle); both are ``_cases_create``: the checks,
numbering, idempotency, audit, receipt and notification are written once.

中文：创建办件（统一收件）
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from zhengtong.accounts.models import User
from zhengtong.accounts.services import agent_may_act_for
from zhengtong.catalog.constants import DayUnit
from zhengtong.catalog.models import ServiceItem
from zhengtong.core.audit import audit_record_many
from zhengtong.core.db import row_insert_many
from zhengtong.core.errors import ApplicationError

from .. import permissions
from ..constants import Action, Channel, ErrorCode, Status
from ..models import Case
from ..numbering import case_number_format, query_code_new, sequence_next
from ..receipts import receipt_issue_many
from ._base import _notify_many, _now, _received, _snapshot_applicant, _version_for


def _idempotent_replay(case: Case, fingerprint: str) -> Case:
    """
    Return ``case`` for a repeated request with its idempotency key, or refuse
    a key reused with another body or older than the kept period.

    中文：幂等重放
    """
    if fingerprint and case.idempotency_fingerprint not in ("", fingerprint):
        raise ApplicationError(
            "idempotency_key_reused",
            "该幂等键（Idempotency-Key）已用于另一份不同内容的申请，请换用新的幂等键。",
            status=422,
        )
    kept = timedelta(hours=settings.CASES_IDEMPOTENCY_KEY_HOURS)
    if case.created_at < timezone.now() - kept:
        raise ApplicationError(
            "idempotency_key_expired",
            f"该幂等键（Idempotency-Key）已超过 {settings.CASES_IDEMPOTENCY_KEY_HOURS} 小时有效期，请换用新的幂等键。",
            status=422,
        )
    return case


@dataclass(frozen=True)
class CaseApplication:
    """
    One application of ``case_create_many``: who applies for which item,
    with which form, under which idempotency key.

    中文：一份申请（批量创建办件的一项）
    """

    applicant: User
    item: ServiceItem
    form_data: dict | None = None
    agent: User | None = None
    idempotency_key: str = ""
    idempotency_fingerprint: str = ""


@transaction.atomic
def case_create(
    *,
    applicant: User,
    item: ServiceItem,
    actor: User,
    channel: str = Channel.ONLINE,
    form_data: dict | None = None,
    agent: User | None = None,
    submit: bool = True,
    idempotency_key: str = "",
    idempotency_fingerprint: str = "",
    now: datetime | None = None,
) -> Case:
    """
    Create a case for ``item`` (a draft, or submitted at once).

    ``case_create_many`` with one application (the one intake: checks,
    number, snapshot, idempotency, audit, receipt, notification), in a
    savepoint of its own when the caller is in a transaction.

    The number is allocated here (region-year-sequence, race-safe). With an
    ``idempotency_key`` a repeated call by the same applicant returns the
    case created first — when it carries the same request
    (``idempotency_fingerprint``, a hash of the request body; a different one
    is 422 ``idempotency_key_reused``) and the key is younger than
    ``CASES_IDEMPOTENCY_KEY_HOURS`` (an older one is 422
    ``idempotency_key_expired``). ``agent`` files for ``applicant`` and needs an
    authorisation in force.

    Who: an applicant account for itself or as agent
    (``permissions.check_submit``), or intake staff of the item's department
    (``permissions.check_intake``, walk-in applications).

    中文：创建办件（网上申请／草稿）
    """
    application = CaseApplication(
        applicant=applicant,
        item=item,
        form_data=form_data,
        agent=agent,
        idempotency_key=idempotency_key,
        idempotency_fingerprint=idempotency_fingerprint,
    )
    return _cases_create(
        applications=[application],
        actor=actor,
        channel=channel,
        submit=submit,
        now=now,
    )[0]


def case_create_many(
    *,
    applications: Sequence[CaseApplication],
    actor: User,
    channel: str = Channel.ONLINE,
    submit: bool = True,
    now: datetime | None = None,
    savepoint: bool = True,
) -> list[Case]:
    """
    Create one case per application at once (e.g. the sub-cases of a 一件事
    bundle), in the order given; the same rules as ``case_create``, checked
    for every application before anything is written.

    Statements, whatever the count: one sequence ``UPDATE … SET last = last
    + n`` per region (regions in code order, so two batches never wait on
    each other crosswise), one multi-row INSERT of the cases, one of their
    first audit events, of their receipts and of their notification
    requests (outbox). The region's sequence row is taken last, after every
    check and every case is built. An application whose idempotency key
    already has a case answers with that case (``case_create``'s rules).

    Atomic: in a savepoint of its own when the caller is in a transaction
    (a refusal leaves the caller's transaction usable), or without one with
    ``savepoint=False`` — for a caller whose whole transaction is all or
    nothing anyway (a bundle: SAVEPOINT and RELEASE are two statements).

    中文：批量创建办件（一次申请多个事项）
    """
    with transaction.atomic(savepoint=savepoint):
        return _cases_create(
            applications=applications,
            actor=actor,
            channel=channel,
            submit=submit,
            now=now,
        )


def _key_of(application: CaseApplication) -> str:
    return (application.idempotency_key or "").strip()[:80]


def _existing_by_key(
    applications: Sequence[CaseApplication],
) -> dict[tuple[int, str], Case]:
    """Return the cases already created under the applications' keys."""
    wanted = {(a.applicant.pk, _key_of(a)) for a in applications if _key_of(a)}
    if not wanted:
        return {}
    if len(wanted) == 1:
        ((applicant_id, key),) = wanted
        query = Case.objects.filter(applicant_id=applicant_id, idempotency_key=key)
    else:
        query = Case.objects.filter(
            applicant_id__in={a for a, _ in wanted},
            idempotency_key__in={k for _, k in wanted},
        )
    return {
        (case.applicant_id, case.idempotency_key): case
        for case in query
        if (case.applicant_id, case.idempotency_key) in wanted
    }


def _case_new(
    application: CaseApplication,
    *,
    actor: User,
    channel: str,
    submit: bool,
    now: datetime,
    today: date,
) -> Case:
    """Check one application and return its case, not yet numbered or saved."""
    applicant, agent, item = application.applicant, application.agent, application.item
    form_data = application.form_data
    if agent is not None and not agent_may_act_for(
        agent=agent, principal=applicant, day=today
    ):
        raise ApplicationError(
            ErrorCode.AGENT_NOT_AUTHORISED,
            "您没有该申请人有效的代理授权，不能代为申请。",
            status=403,
        )
    if form_data is not None and not isinstance(form_data, dict):
        raise ApplicationError("invalid_form_data", "申请表内容格式有误。")
    version = _version_for(item)
    department = version.department or item.department
    if actor.pk not in (applicant.pk, getattr(agent, "pk", None)):
        permissions.check_intake(user=actor, department=department)
    region_code = (
        (getattr(item.region, "code", "") if item.region_id else "")
        or getattr(department.region, "code", "")
        or "000000"
    )
    key = _key_of(application)
    case = Case(
        query_code=query_code_new(),
        item=item,
        item_version=version,
        department=department,
        region_code=region_code,
        applicant=applicant,
        agent=agent,
        created_by=actor if actor.pk != applicant.pk else None,
        channel=channel,
        form_data=form_data or {},
        status=Status.DRAFT,
        handling_mode=version.handling_mode or "",
        promised_days=version.promised_days,
        statutory_days=version.statutory_days,
        promised_unit=version.promised_unit or DayUnit.WORKING,
        statutory_unit=version.statutory_unit or DayUnit.WORKING,
        idempotency_key=key,
        idempotency_fingerprint=application.idempotency_fingerprint if key else "",
    )
    _snapshot_applicant(case, applicant)
    if submit:
        _received(case, now, today)
        case.status = Status.SUBMITTED
    return case


def _number(cases: list[Case], year: int) -> None:
    """Number ``cases`` from their regions' sequences, one UPDATE per region."""
    by_scope: dict[str, list[Case]] = {}
    for case in cases:
        by_scope.setdefault(case.region_code[:6], []).append(case)
    for scope in sorted(by_scope):
        group = by_scope[scope]
        last = sequence_next(scope=scope, year=year, count=len(group))
        for seq, case in enumerate(group, start=last - len(group) + 1):
            case.number = case_number_format(
                region_code=case.region_code, year=year, seq=seq
            )


def _cases_create(
    *,
    applications: Sequence[CaseApplication],
    actor: User,
    channel: str,
    submit: bool,
    now: datetime | None,
) -> list[Case]:
    """The one intake of ``case_create`` and ``case_create_many`` (caller is atomic)."""
    now, today = _now(now)
    if any(
        actor.pk in (a.applicant.pk, getattr(a.agent, "pk", None)) for a in applications
    ):
        permissions.check_submit(user=actor)
    replayed = _existing_by_key(applications)
    results: list[Case | None] = [
        replayed.get((a.applicant.pk, _key_of(a))) for a in applications
    ]
    for application, existing in zip(applications, results, strict=True):
        if existing is not None:
            _idempotent_replay(existing, application.idempotency_fingerprint)
    if channel not in Channel.values:
        raise ApplicationError("invalid_channel", "申请渠道无效。")
    todo = [i for i, existing in enumerate(results) if existing is None]
    if not todo:
        return [case for case in results if case is not None]
    cases = [
        _case_new(
            applications[i],
            actor=actor,
            channel=channel,
            submit=submit,
            now=now,
            today=today,
        )
        for i in todo
    ]
    # Last before the insert: the sequence rows stay locked until commit, so
    # concurrent submissions queue only for the inserts and the commit, not
    # for the checks and building the cases.
    _number(cases, today.year)
    keyed = any(case.idempotency_key for case in cases)
    try:
        if keyed:  # a concurrent twin may win: keep the outer transaction
            with transaction.atomic():
                row_insert_many(cases)
        else:
            row_insert_many(cases)
    except IntegrityError:
        twins = _existing_by_key([applications[i] for i in todo]) if keyed else {}
        if twins and len(twins) == len(todo):  # every one created meanwhile
            return [
                results[i]
                or _idempotent_replay(
                    twins[(a.applicant.pk, _key_of(a))], a.idempotency_fingerprint
                )
                for i, a in enumerate(applications)
            ]
        raise
    audit_record_many(
        [
            {
                "obj": case,
                "to_state": case.status,
                "details": {
                    "channel": channel,
                    "item": case.item.item_code,
                    "number": case.number,
                },
            }
            for case in cases
        ],
        action="create" if not submit else Action.SUBMIT,
        actor=actor,
        new_streams=True,  # the case rows were inserted just above
    )
    if submit:
        receipt_issue_many(cases=cases, actor=actor, now=now)
        _notify_many(cases, "submitted")
    for i, case in zip(todo, cases, strict=True):
        results[i] = case
    return [case for case in results if case is not None]
