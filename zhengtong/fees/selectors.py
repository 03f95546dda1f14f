"""
Every read of fees, with visibility: a case's fees (whoever may see the
case), refunds to approve, and the totals behind reconciliation and the
statistics (``fee_totals``).

Amounts are integers of fen.

中文：收费查询
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.db.models.functions import TruncMonth

from zhengtong.cases.models import Case
from zhengtong.cases.selectors import case_get_for_user
from zhengtong.catalog.models import Counter, Department, ServiceItem
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.core.inputs import int_id

from . import permissions
from .constants import ErrorCode
from .models import (
    Charge,
    FeeItem,
    Payment,
    PaymentMethod,
    ReductionBasis,
    Refund,
    RefundState,
)

NOT_VISIBLE = "记录不存在或无权查看。"
GROUPS = ("department", "counter", "item", "day", "month")
AMOUNTS = ("charged", "reduced", "paid", "refunded", "net")


def fee_items_published(*, version_id: int | None) -> list[FeeItem]:
    """
    Return the published fee items of an item version (the guide shows
    them; charges are made only from them).

    中文：公示收费项目
    """
    if version_id is None:
        return []
    return list(
        FeeItem.objects.filter(version_id=version_id, is_published=True).order_by(
            "order", "id"
        )
    )


def reduction_bases_for_case(*, case: Case) -> list[ReductionBasis]:
    """
    Return the active reduction bases of the case's region.

    中文：本区划减免缓依据
    """
    region_id = case.department.region_id
    if region_id is None:
        return []
    return list(ReductionBasis.objects.filter(region_id=region_id, is_active=True))


@dataclass
class CaseFees:
    """
    A case's charges, payments and refunds with their sums (in fen).

    中文：办件收费情况
    """

    charges: list[Charge]
    payments: list[Payment]
    refunds: list[Refund]
    standard: int = 0
    reduced: int = 0
    due: int = 0
    paid: int = 0
    refunded: int = 0
    pending_refund: int = 0
    outstanding: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def case_fees(*, case: Case) -> CaseFees:
    """
    Return the fees of a case already checked as visible (4 queries).

    中文：办件收费明细
    """
    charges = list(
        Charge.objects.filter(case_id=case.pk)
        .select_related("fee_item", "reduction_basis")
        .order_by("id")
    )
    payments = list(Payment.objects.filter(case_id=case.pk).order_by("id"))
    refunds = list(Refund.objects.filter(case_id=case.pk).order_by("id"))
    out = CaseFees(charges=charges, payments=payments, refunds=refunds)
    in_force = [c for c in charges if c.in_force]  # voided charges are listed only
    out.standard = sum(c.standard_fen for c in in_force)
    out.reduced = sum(c.reduction_fen for c in in_force)
    out.due = sum(c.due_fen for c in in_force)
    out.paid = sum(p.amount_fen for p in payments)
    out.refunded = sum(r.amount_fen for r in refunds if r.state == RefundState.APPROVED)
    out.pending_refund = sum(
        r.amount_fen for r in refunds if r.state == RefundState.REQUESTED
    )
    out.outstanding = out.due - out.paid + out.refunded
    return out


def case_fees_for_user(*, user: Any, case_id: Any) -> tuple[Case, CaseFees]:
    """
    Return a case the user may see and its fees, else raise 404.

    中文：获取办件收费（含权限）
    """
    case = case_get_for_user(user=user, case_id=case_id)
    return case, case_fees(case=case)


def charge_get_for_user(*, user: Any, case_id: Any, charge_id: Any) -> Charge:
    """
    Return a charge of a case ``user`` may see, else raise 404.

    中文：获取收费记录（含权限）
    """
    case = case_get_for_user(user=user, case_id=case_id)
    pk = int_id(str(charge_id))
    charge = (
        Charge.objects.filter(pk=pk, case_id=case.pk).select_related("fee_item").first()
        if pk
        else None
    )
    if charge is None:
        raise NotFoundError(NOT_VISIBLE)
    charge.case = case
    return charge


def payment_get_for_user(*, user: Any, payment_id: Any) -> Payment:
    """
    Return a payment of a case ``user`` may see, else raise 404.

    中文：获取缴费记录（含权限）
    """
    payment = (
        Payment.objects.filter(pk=payment_id).select_related("case").first()
        if isinstance(payment_id, int)
        else None
    )
    if payment is None or not permissions.can_see_fees(user=user, case=payment.case):
        raise NotFoundError(NOT_VISIBLE)
    return payment


def refund_get_for_user(*, user: Any, refund_id: Any) -> Refund:
    """
    Return a refund of a case ``user`` may see, else raise 404.

    中文：获取退费记录（含权限）
    """
    refund = (
        Refund.objects.filter(pk=refund_id)
        .select_related("case", "payment", "requested_by", "decided_by")
        .first()
        if isinstance(refund_id, int)
        else None
    )
    if refund is None:
        raise NotFoundError(NOT_VISIBLE)
    # an approver (finance) may not see the case itself, yet sees its refund
    if not permissions.can_see_fees(
        user=user, case=refund.case
    ) and not permissions.can_approve_refund(user=user, refund=refund):
        raise NotFoundError(NOT_VISIBLE)
    return refund


def refund_list_for_approver(
    *, user: Any, state: str | None = None
) -> QuerySet[Refund]:
    """
    Return the refunds ``user`` approves (their department, or all for the
    centre's finance role), newest first; 403 for others.

    中文：待审批退费
    """
    department = permissions.refund_scope(user)
    qs = Refund.objects.select_related(
        "case", "payment", "requested_by", "decided_by", "department"
    ).order_by("-id")
    if department is not None:
        qs = qs.filter(department_id=department)
    if state:
        qs = qs.filter(state=state)
    return qs


# -- totals -------------------------------------------------------------------

# For each dimension: the column of each table that holds it.
_DATE = {"charge": "charged_on", "payment": "paid_on", "refund": "decided_on"}
_COLUMNS = {
    "department": lambda table: "department_id",
    "counter": lambda table: "counter_id",
    "item": lambda table: "case__item_id",
    "day": lambda table: _DATE[table],
}


def _grouped(
    qs: QuerySet, table: str, dims: tuple[str, ...], extra: tuple[str, ...] = ()
) -> QuerySet:
    names: dict[str, Any] = {}
    for dim in dims:
        if dim == "month":
            names["g_month"] = TruncMonth(_DATE[table])
        else:
            names["g_" + dim] = F(_COLUMNS[dim](table))
    return qs.annotate(**names).values(*names, *extra)


def _key(row: dict[str, Any], dims: tuple[str, ...]) -> tuple:
    return tuple(row["g_" + d] for d in dims)


def _totals(
    *,
    dims: tuple[str, ...],
    date_from: date,
    date_to: date,
    department_id: int | None,
) -> dict[tuple, dict[str, int]]:
    """
    Return the sums per combination of ``dims`` (the one aggregation behind
    ``fee_totals`` and the reconciliation).

    - charged: the standard amounts of the charges in force (voided ones
      excluded), by the day they were recorded;
    - reduced: the reductions and exemptions on them;
    - paid (and paid_cash/card/transfer): payments by the day they were paid;
    - refunded: approved refunds by the day they were approved;
    - net: paid − refunded.
    """
    where: dict[str, Any] = {}
    if department_id is not None:
        where["department_id"] = department_id
    charges = Charge.objects.in_force().filter(
        charged_on__gte=date_from, charged_on__lte=date_to, **where
    )
    payments = Payment.objects.filter(
        paid_on__gte=date_from, paid_on__lte=date_to, **where
    )
    refunds = Refund.objects.filter(
        state=RefundState.APPROVED,
        decided_on__gte=date_from,
        decided_on__lte=date_to,
        **where,
    )
    out: dict[tuple, dict[str, int]] = {}

    def slot(key: tuple) -> dict[str, int]:
        row = out.get(key)
        if row is None:
            row = out[key] = {
                "charged": 0,
                "reduced": 0,
                "paid": 0,
                **{"paid_" + m: 0 for m in PaymentMethod.values},
                "refunded": 0,
                "net": 0,
            }
        return row

    for r in (
        _grouped(charges, "charge", dims)
        .annotate(s_charged=Sum("standard_fen"), s_reduced=Sum("reduction_fen"))
        .order_by()
    ):
        row = slot(_key(r, dims))
        row["charged"] += int(r["s_charged"] or 0)
        row["reduced"] += int(r["s_reduced"] or 0)
    for r in (
        _grouped(payments, "payment", dims, ("method",))
        .annotate(s_paid=Sum("amount_fen"))
        .order_by()
    ):
        row = slot(_key(r, dims))
        row["paid"] += int(r["s_paid"] or 0)
        row["paid_" + r["method"]] += int(r["s_paid"] or 0)
    for r in (
        _grouped(refunds, "refund", dims).annotate(s_ref=Sum("amount_fen")).order_by()
    ):
        slot(_key(r, dims))["refunded"] += int(r["s_ref"] or 0)
    for row in out.values():
        row["net"] = row["paid"] - row["refunded"]
    return out


def _labels(dim: str, keys: Iterable[Any]) -> dict[Any, str]:
    ids = [k for k in keys if k is not None]
    names: dict[Any, str]
    if dim == "department":
        names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    elif dim == "counter":
        names = {
            c.pk: str(c)
            for c in Counter.objects.filter(pk__in=ids).select_related("hall")
        }
    elif dim == "item":
        names = dict(ServiceItem.objects.filter(pk__in=ids).values_list("pk", "name"))
    elif dim == "month":
        names = {k: f"{k:%Y-%m}" for k in ids}
    else:
        names = {k: k.isoformat() for k in ids}
    names[None] = "未指定窗口" if dim == "counter" else "—"
    return names


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


def fee_totals(
    *,
    date_from: date,
    date_to: date,
    group: str,
    department_id: int | None = None,
) -> list[dict[str, Any]]:
    """
    Return fee totals per ``group`` (department | counter | item | day |
    month) between two local dates, inclusive; amounts in fen.

    Each row: ``key`` (the id, or the ISO date / first day of the month),
    ``label``, ``charged``, ``reduced``, ``paid``, ``refunded``, ``net``
    (paid − refunded), plus ``paid_cash``, ``paid_card``,
    ``paid_transfer``. Rows sorted by key. The caller decides who may see
    what (``permissions.reconciliation_scope`` gives the department).

    中文：收费统计
    """
    if group not in GROUPS:
        raise ApplicationError(
            ErrorCode.INVALID_INPUT,
            "分组须为 department、counter、item、day 或 month。",
        )
    if date_from > date_to:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "起始日期不能晚于截止日期。")
    sums = _totals(
        dims=(group,),
        date_from=date_from,
        date_to=date_to,
        department_id=department_id,
    )
    labels = _labels(group, (k[0] for k in sums))
    rows = [
        {"key": _plain(k[0]), "label": labels.get(k[0], "—"), **v}
        for k, v in sums.items()
    ]
    rows.sort(key=lambda r: (r["key"] is None, str(r["key"]).zfill(20)))
    return rows


def reconciliation_rows(
    *, date_from: date, date_to: date, department_id: int | None = None
) -> list[dict[str, Any]]:
    """
    Return the daily reconciliation: one row per day × counter × department
    with ``day``, ``department``, ``department_name``, ``counter``,
    ``counter_name`` and the amounts of ``fee_totals``.

    中文：收费日对账
    """
    if date_from > date_to:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "起始日期不能晚于截止日期。")
    dims = ("day", "department", "counter")
    sums = _totals(
        dims=dims, date_from=date_from, date_to=date_to, department_id=department_id
    )
    departments = _labels("department", (k[1] for k in sums))
    counters = _labels("counter", (k[2] for k in sums))
    rows = [
        {
            "day": k[0],
            "department": k[1],
            "department_name": departments.get(k[1], "—"),
            "counter": k[2],
            "counter_name": counters.get(k[2], "—"),
            **v,
        }
        for k, v in sums.items()
    ]
    rows.sort(key=lambda r: (r["day"], r["department_name"], r["counter_name"]))
    return rows


def totals_sum(rows: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Return the column sums of totals rows (the 合计 line). 中文：合计"""
    keys = (*AMOUNTS[:-1], *("paid_" + m for m in PaymentMethod.values), "net")
    out = dict.fromkeys(keys, 0)
    for row in rows:
        for k in keys:
            out[k] += row[k]
    return out
