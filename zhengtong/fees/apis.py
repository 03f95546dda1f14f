"""
/api/v1/cases/…: the fee doors (mounted after the cases' own routes).

- ``GET  {case_id}/fees/`` the case's published fee items, reduction bases,
  charges, payments, refunds and sums (whoever may see the case)
- ``POST {case_id}/charges/`` ``{"fee": ID, "quantity", "amount_fen"?,
  "reduction_basis"?, "note"?, "counter"?}`` → 201; above the published
  standard → 400 ``fee_above_standard``
- ``POST {case_id}/payments/`` ``{"method", "amount_fen", "receipt_number",
  "counter"?}`` → 201
- ``POST {case_id}/refunds/`` ``{"payment": ID, "amount_fen", "reason"}`` → 201
- ``POST {case_id}/charges/{id}/void/`` ``{"reason"}`` → 200 (作废; after a
  payment 409 ``charge_paid``)
- ``POST {case_id}/payment-notices/`` → 201 ``{"id", "number", "due_fen",
  "pdf"}`` (缴费通知书; nothing owed → 409 ``nothing_due``)
- ``GET  refunds/?state=`` refunds the user approves;
  ``POST refunds/{id}/approve/`` ``{"note"?}``, ``…/reject/`` ``{"note"}``
- ``GET  fees/totals/?date_from&date_to&group`` and
  ``GET fees/reconciliation/?date_from&date_to`` (``department`` narrows it)

Amounts are integers of fen. Errors are ``{"code", "message"}``.
"""

from datetime import date
from typing import Any

from django.urls import path, reverse
from django.utils import timezone

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zhengtong.api.shapes import rendered, rendered_many, validated
from zhengtong.cases.selectors import case_get_for_user
from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import ID_MAX

from . import corrections, notices, permissions, selectors, services
from .constants import AMOUNT_MAX_FEN, QUANTITY_MAX, ErrorCode
from .models import PaymentMethod, RefundState

MAX_DAYS = 366


def _id(**kw: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kw)


def _fen(**kw: Any) -> serializers.IntegerField:
    return serializers.IntegerField(max_value=AMOUNT_MAX_FEN, **kw)


class ChargeInput(serializers.Serializer):
    fee = _id()
    quantity = serializers.IntegerField(min_value=1, max_value=QUANTITY_MAX)
    amount_fen = _fen(min_value=0, required=False, allow_null=True)
    reduction_basis = _id(required=False, allow_null=True)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    counter = _id(required=False, allow_null=True)


class PaymentInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=PaymentMethod.choices)
    amount_fen = _fen(min_value=1)
    receipt_number = serializers.CharField(max_length=40)
    counter = _id(required=False, allow_null=True)


class RefundInput(serializers.Serializer):
    payment = _id()
    amount_fen = _fen(min_value=1)
    reason = serializers.CharField(max_length=500)


class NoteInput(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class FeeItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    legal_basis = serializers.CharField()
    standard = serializers.CharField()
    method = serializers.CharField()
    amount_fen = serializers.IntegerField(allow_null=True)
    unit_fen = serializers.IntegerField(allow_null=True)
    unit_name = serializers.CharField()
    tiers = serializers.JSONField()
    cap_fen = serializers.IntegerField(allow_null=True)


class ReductionBasisOutput(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    percent = serializers.IntegerField()
    legal_basis = serializers.CharField()


class ChargeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    fee = serializers.IntegerField(source="fee_item_id")
    fee_name = serializers.CharField(source="fee_item.name")
    quantity = serializers.IntegerField()
    standard_fen = serializers.IntegerField()
    amount_fen = serializers.IntegerField()
    reduction_basis = serializers.IntegerField(
        source="reduction_basis_id", allow_null=True
    )
    reduction_fen = serializers.IntegerField()
    due_fen = serializers.IntegerField()
    deferred = serializers.BooleanField()
    charged_at = serializers.DateTimeField()
    voided_at = serializers.DateTimeField(allow_null=True)
    void_reason = serializers.CharField()


class VoidInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class NoticeOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    due_fen = serializers.IntegerField()
    issued_at = serializers.DateTimeField()
    pdf = serializers.CharField()


class PaymentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    method = serializers.CharField()
    amount_fen = serializers.IntegerField()
    receipt_number = serializers.CharField()
    counter = serializers.IntegerField(source="counter_id", allow_null=True)
    paid_at = serializers.DateTimeField()


class RefundOutput(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    payment = serializers.IntegerField(source="payment_id")
    amount_fen = serializers.IntegerField()
    reason = serializers.CharField()
    state = serializers.CharField()
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class CaseFeesOutput(serializers.Serializer):
    case = serializers.IntegerField()
    fee_items = FeeItemOutput(many=True)
    reduction_bases = ReductionBasisOutput(many=True)
    charges = ChargeOutput(many=True)
    payments = PaymentOutput(many=True)
    refunds = RefundOutput(many=True)
    standard_fen = serializers.IntegerField()
    reduced_fen = serializers.IntegerField()
    due_fen = serializers.IntegerField()
    paid_fen = serializers.IntegerField()
    refunded_fen = serializers.IntegerField()
    outstanding_fen = serializers.IntegerField()


def _case_fees(user: Any, case_id: int) -> dict[str, Any]:
    case, fees = selectors.case_fees_for_user(user=user, case_id=case_id)
    staff = permissions.can_record(user=user, case=case)
    return {
        "case": case.pk,
        "fee_items": rendered_many(
            FeeItemOutput,
            selectors.fee_items_published(version_id=case.item_version_id),
        ),
        "reduction_bases": rendered_many(
            ReductionBasisOutput,
            selectors.reduction_bases_for_case(case=case) if staff else [],
        ),
        "charges": rendered_many(ChargeOutput, fees.charges),
        "payments": rendered_many(PaymentOutput, fees.payments),
        "refunds": rendered_many(RefundOutput, fees.refunds),
        "standard_fen": fees.standard,
        "reduced_fen": fees.reduced,
        "due_fen": fees.due,
        "paid_fen": fees.paid,
        "refunded_fen": fees.refunded,
        "outstanding_fen": fees.outstanding,
    }


class CaseFeesApi(APIView):
    """A case's fees (收费明细)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="办件收费明细", responses=CaseFeesOutput)
    def get(self, request: Request, case_id: int) -> Response:
        return Response(_case_fees(request.user, case_id))


class ChargeCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="登记收费（从公示收费项目）",
        request=ChargeInput,
        responses={201: ChargeOutput},
        description="超过公示标准：400 `fee_above_standard`；不是本事项公示的收费项目："
        "400 `fee_not_published`；低于标准而无减免依据：400 `reduction_basis_required`。",
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = case_get_for_user(user=request.user, case_id=case_id)
        permissions.check_record(user=request.user, case=case)
        v = validated(ChargeInput, request.data)
        charge = services.charge_record(
            case=case,
            fee_item_id=v["fee"],
            quantity=v["quantity"],
            amount_fen=v.get("amount_fen"),
            reduction_basis_id=v.get("reduction_basis"),
            note=v.get("note", ""),
            counter_id=v.get("counter"),
            actor=request.user,
        )
        return Response(rendered(ChargeOutput, charge), status=201)


class PaymentCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="登记缴费（财政票据）",
        request=PaymentInput,
        responses={201: PaymentOutput},
        description="超过未缴金额：400 `payment_above_outstanding`；"
        "票据号在本区划重复：400 `receipt_duplicate`。",
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = case_get_for_user(user=request.user, case_id=case_id)
        permissions.check_record(user=request.user, case=case)
        v = validated(PaymentInput, request.data)
        payment = services.payment_record(
            case=case,
            method=v["method"],
            amount_fen=v["amount_fen"],
            receipt_number=v["receipt_number"],
            counter_id=v.get("counter"),
            actor=request.user,
        )
        return Response(rendered(PaymentOutput, payment), status=201)


class RefundCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="申请退费", request=RefundInput, responses={201: RefundOutput}
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = case_get_for_user(user=request.user, case_id=case_id)
        permissions.check_record(user=request.user, case=case)
        v = validated(RefundInput, request.data)
        payment = selectors.payment_get_for_user(
            user=request.user, payment_id=v["payment"]
        )
        if payment.case_id != case.pk:
            raise ApplicationError(ErrorCode.INVALID_INPUT, "该缴费记录不属于本办件。")
        refund = services.refund_request(
            payment=payment,
            amount_fen=v["amount_fen"],
            reason=v["reason"],
            actor=request.user,
        )
        return Response(rendered(RefundOutput, refund), status=201)


class ChargeVoidApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="作废收费（登记错误，缴费前）",
        request=VoidInput,
        responses=ChargeOutput,
        description="登记该笔收费的窗口人员或本部门负责人；已有缴费：409 `charge_paid`"
        "（请申请退费）；已作废：409 `charge_voided`。",
    )
    def post(self, request: Request, case_id: int, charge_id: int) -> Response:
        charge = selectors.charge_get_for_user(
            user=request.user, case_id=case_id, charge_id=charge_id
        )
        permissions.check_void_charge(user=request.user, charge=charge)
        v = validated(VoidInput, request.data)
        charge = corrections.charge_void(
            charge=charge, actor=request.user, reason=v["reason"]
        )
        return Response(rendered(ChargeOutput, charge))


class PaymentNoticeCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="开具缴费通知书",
        request=None,
        responses={201: NoticeOutput},
        description="本办件所属部门的窗口人员；没有未缴费用：409 `nothing_due`。",
    )
    def post(self, request: Request, case_id: int) -> Response:
        case = case_get_for_user(user=request.user, case_id=case_id)
        notice = notices.payment_notice_issue(case=case, actor=request.user)
        notice.pdf = reverse(
            "portal:fees-notice", kwargs={"case_id": case.pk, "notice_id": notice.pk}
        )
        return Response(rendered(NoticeOutput, notice), status=201)


class RefundListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="待我审批的退费",
        parameters=[OpenApiParameter("state", str, enum=list(RefundState.values))],
        responses=RefundOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state") or None
        if state and state not in RefundState.values:
            raise ApplicationError(ErrorCode.INVALID_INPUT, "状态参数不正确。")
        rows = selectors.refund_list_for_approver(user=request.user, state=state)[:200]
        return Response(rendered_many(RefundOutput, rows))


class RefundDecideApi(APIView):
    permission_classes = [IsAuthenticated]
    approve = True

    @extend_schema(request=NoteInput, responses=RefundOutput)
    def post(self, request: Request, refund_id: int) -> Response:
        refund = selectors.refund_get_for_user(user=request.user, refund_id=refund_id)
        permissions.check_approve_refund(user=request.user, refund=refund)
        note = validated(NoteInput, request.data).get("note", "")
        decide = services.refund_approve if self.approve else services.refund_reject
        refund = decide(refund=refund, actor=request.user, note=note)
        return Response(rendered(RefundOutput, refund))


class RefundApproveApi(RefundDecideApi):
    """批准退费 (部门负责人或中心财务，非申请人)."""

    approve = True


class RefundRejectApi(RefundDecideApi):
    """不予退费 (写明理由)."""

    approve = False


def date_range(params: Any) -> tuple[date, date]:
    """
    Return ``date_from`` and ``date_to`` (ISO dates; default today) or 400.

    中文：日期范围
    """
    today = timezone.localdate()
    try:
        start = date.fromisoformat(params.get("date_from") or today.isoformat())
        end = date.fromisoformat(params.get("date_to") or start.isoformat())
    except (TypeError, ValueError):
        raise ApplicationError(
            ErrorCode.INVALID_INPUT, "日期须为 YYYY-MM-DD 格式。"
        ) from None
    if start > end:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "起始日期不能晚于截止日期。")
    if (end - start).days >= MAX_DAYS:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "日期范围最长一年。")
    return start, end


def department_in_scope(user: Any, raw: str | None) -> int | None:
    """
    Return the department to report on: the user's scope, narrowed by
    ``raw`` for centre-wide users; 403 for users who may not reconcile.

    中文：对账部门
    """
    scope = permissions.reconciliation_scope(user)
    if raw in (None, ""):
        return scope
    if not raw.isdigit() or len(raw) > 18:
        raise ApplicationError(ErrorCode.INVALID_INPUT, "部门参数须为整数。")
    wanted = int(raw)
    if scope is not None and wanted != scope:
        raise ApplicationError(
            ErrorCode.NOT_PERMITTED, "只能查看本部门的收费对账。", status=403
        )
    return wanted


class FeeTotalsApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="收费统计（分组合计，单位：分）",
        parameters=[
            OpenApiParameter("date_from", str),
            OpenApiParameter("date_to", str),
            OpenApiParameter("group", str, enum=list(selectors.GROUPS)),
            OpenApiParameter("department", int),
        ],
    )
    def get(self, request: Request) -> Response:
        department = department_in_scope(
            request.user, request.query_params.get("department")
        )
        start, end = date_range(request.query_params)
        rows = selectors.fee_totals(
            date_from=start,
            date_to=end,
            group=request.query_params.get("group") or "department",
            department_id=department,
        )
        return Response({"results": rows, "total": selectors.totals_sum(rows)})


class ReconciliationApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="收费日对账（日 × 窗口 × 部门，单位：分）",
        parameters=[
            OpenApiParameter("date_from", str),
            OpenApiParameter("date_to", str),
            OpenApiParameter("department", int),
        ],
    )
    def get(self, request: Request) -> Response:
        department = department_in_scope(
            request.user, request.query_params.get("department")
        )
        start, end = date_range(request.query_params)
        rows = selectors.reconciliation_rows(
            date_from=start, date_to=end, department_id=department
        )
        for row in rows:
            row["day"] = row["day"].isoformat()
        return Response({"results": rows, "total": selectors.totals_sum(rows)})


urlpatterns = [
    path("<int:case_id>/fees/", CaseFeesApi.as_view(), name="case-fees"),
    path("<int:case_id>/charges/", ChargeCreateApi.as_view(), name="case-charges"),
    path("<int:case_id>/payments/", PaymentCreateApi.as_view(), name="case-payments"),
    path("<int:case_id>/refunds/", RefundCreateApi.as_view(), name="case-refunds"),
    path(
        "<int:case_id>/charges/<int:charge_id>/void/",
        ChargeVoidApi.as_view(),
        name="case-charge-void",
    ),
    path(
        "<int:case_id>/payment-notices/",
        PaymentNoticeCreateApi.as_view(),
        name="case-payment-notices",
    ),
    path("refunds/", RefundListApi.as_view(), name="fee-refund-list"),
    path(
        "refunds/<int:refund_id>/approve/",
        RefundApproveApi.as_view(),
        name="fee-refund-approve",
    ),
    path(
        "refunds/<int:refund_id>/reject/",
        RefundRejectApi.as_view(),
        name="fee-refund-reject",
    ),
    path("fees/totals/", FeeTotalsApi.as_view(), name="fee-totals"),
    path(
        "fees/reconciliation/",
        ReconciliationApi.as_view(),
        name="fee-reconciliation",
    ),
]
