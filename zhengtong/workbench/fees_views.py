"""
Fee pages of the staff workbench (收费): a case's charges and payments with
the forms to record them, the refunds to approve, and the daily
reconciliation per counter and department with its Excel export.

Who may do what is asked of ``zhengtong.fees.permissions``; every write goes
through ``zhengtong.fees.services``; the pages hold no rules.

中文：收费（工作台）
"""

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from zhengtong.catalog.models import Department
from zhengtong.core.errors import ApplicationError
from zhengtong.fees import corrections, notices, permissions, selectors, services
from zhengtong.fees.formulas import fen_to_yuan, yuan_to_fen
from zhengtong.fees.models import RefundState

from .fees_forms import (
    ChargeForm,
    PaymentForm,
    RefundDecisionForm,
    RefundForm,
    VoidForm,
)
from .supervision_exports import Column, xlsx_response
from .views import StaffRequiredMixin

TEMPLATES = "workbench/fees/"


def _case_context(request: HttpRequest, case_id: int, **forms: Any) -> dict[str, Any]:
    case, fees = selectors.case_fees_for_user(user=request.user, case_id=case_id)
    may_record = permissions.can_record(user=request.user, case=case)
    context: dict[str, Any] = {
        "case": case,
        "fees": fees,
        "fee_items": selectors.fee_items_published(version_id=case.item_version_id),
        "may_record": may_record,
        "wb_section": "cases",
    }
    if may_record:
        bases = selectors.reduction_bases_for_case(case=case)
        context["charge_form"] = forms.get("charge_form") or ChargeForm(
            fee_items=context["fee_items"], bases=bases
        )
        context["payment_form"] = forms.get("payment_form") or PaymentForm(
            outstanding=fees.outstanding
        )
        if fees.payments:
            context["refund_form"] = forms.get("refund_form") or RefundForm(
                payments=fees.payments
            )
    paid_at = [p.paid_at for p in fees.payments]
    voidable = [
        c
        for c in fees.charges
        if c.in_force
        and not corrections.charge_may_be_paid(charge=c, paid_at=paid_at)
        and permissions.can_void_charge(user=request.user, charge=c)
    ]
    if voidable:
        context["void_form"] = forms.get("void_form") or VoidForm(charges=voidable)
    context["notice"] = notices.payment_notice_latest(case=case)
    return context


class CaseFeesView(StaffRequiredMixin, View):
    """A case's fees with the forms to charge, take payment and ask a refund."""

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        try:
            context = _case_context(request, case_id)
        except ApplicationError as exc:
            raise Http404(exc.message) from None
        return render(request, TEMPLATES + "case.html", context)


class CaseFeeActionView(StaffRequiredMixin, View):
    """Record a charge, a payment or a refund request (POST only)."""

    def post(self, request: HttpRequest, case_id: int, action: str) -> HttpResponse:
        try:
            context = _case_context(request, case_id)
        except ApplicationError as exc:
            raise Http404(exc.message) from None
        case, fees = context["case"], context["fees"]
        if action == "notice" and context["may_record"]:
            return self._notice(request, context)
        if action == "void" and "void_form" in context:
            return self._void(request, context)
        if not context["may_record"]:
            context["page_error"] = (
                "只有本办件所属部门的窗口人员可以登记收费、收款和申请退费。"
            )
            return render(request, TEMPLATES + "case.html", context, status=403)
        form: Any
        if action == "charge":
            form = ChargeForm(
                request.POST,
                fee_items=context["fee_items"],
                bases=selectors.reduction_bases_for_case(case=case),
            )
            key = "charge_form"
        elif action == "payment":
            form = PaymentForm(request.POST)
            key = "payment_form"
        elif action == "refund":
            form = RefundForm(request.POST, payments=fees.payments)
            key = "refund_form"
        else:
            raise Http404("没有这个操作。")
        try:
            if not form.is_valid():
                raise ApplicationError("invalid_input", "请按提示更正后再提交。")
            done = self._perform(request, case, form.cleaned_data, action, fees)
        except ApplicationError as exc:
            context = _case_context(request, case_id, **{key: form})
            context[action + "_error"] = exc.message  # on that form only
            return render(request, TEMPLATES + "case.html", context, status=400)
        messages.success(request, done)
        return redirect(reverse("workbench:fees-case", args=[case.pk]))

    def _notice(self, request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
        case = context["case"]
        try:
            notice = notices.payment_notice_issue(case=case, actor=request.user)
        except ApplicationError as exc:
            context["page_error"] = exc.message
            return render(request, TEMPLATES + "case.html", context, status=exc.status)
        messages.success(request, f"已开具缴费通知书 {notice.number}。")
        return redirect(reverse("workbench:fees-case", args=[case.pk]))

    def _void(self, request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
        case, fees = context["case"], context["fees"]
        voidable = [c for c in fees.charges if c.in_force]
        form = VoidForm(request.POST, charges=voidable)
        try:
            if not form.is_valid():
                raise ApplicationError(
                    "invalid_input", "请选择要作废的收费并填写理由。"
                )
            charge = next(c for c in voidable if c.pk == form.cleaned_data["charge"])
            charge.case = case
            corrections.charge_void(
                charge=charge, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            context = _case_context(request, case.pk, void_form=form)
            context["void_error"] = exc.message
            return render(request, TEMPLATES + "case.html", context, status=exc.status)
        messages.success(request, f"已作废收费：{charge.fee_item.name}。")
        return redirect(reverse("workbench:fees-case", args=[case.pk]))

    def _perform(self, request, case, data, action, fees) -> str:
        user = request.user
        if action == "charge":
            amount = data.get("amount")
            charge = services.charge_record(
                case=case,
                fee_item_id=data["fee"],
                quantity=data["quantity"],
                amount_fen=yuan_to_fen(amount) if amount else None,
                reduction_basis_id=data.get("reduction_basis"),
                note=data.get("note", ""),
                actor=user,
            )
            return f"已登记收费：{charge.fee_item.name}，应缴 {fen_to_yuan(charge.due_fen)} 元。"
        if action == "payment":
            payment = services.payment_record(
                case=case,
                method=data["method"],
                amount_fen=yuan_to_fen(data["amount"]),
                receipt_number=data["receipt_number"],
                actor=user,
            )
            return f"已登记缴费 {fen_to_yuan(payment.amount_fen)} 元，票据号 {payment.receipt_number}。"
        payment = next(p for p in fees.payments if p.pk == data["payment"])
        payment.case = case
        refund = services.refund_request(
            payment=payment,
            amount_fen=yuan_to_fen(data["amount"]),
            reason=data["reason"],
            actor=user,
        )
        return f"已提交退费申请 {fen_to_yuan(refund.amount_fen)} 元，待部门负责人或中心财务审批。"


class RefundListView(StaffRequiredMixin, View):
    """The refunds one approves (部门负责人: own department; 中心财务: all)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request)

    def _render(self, request, status=200, error="", form=None) -> HttpResponse:
        if not permissions.can_approve_refunds(request.user):
            return render(request, "workbench/forbidden.html", status=403)
        state = request.GET.get("state", RefundState.REQUESTED)
        if state not in RefundState.values:
            state = RefundState.REQUESTED
        refunds = list(
            selectors.refund_list_for_approver(user=request.user, state=state)[:200]
        )
        for refund in refunds:
            refund.may_decide = permissions.can_approve_refund(
                user=request.user, refund=refund
            )
        return render(
            request,
            TEMPLATES + "refunds.html",
            {
                "refunds": refunds,
                "state": state,
                "states": RefundState.choices,
                "form": form or RefundDecisionForm(),
                "error": error,
                "wb_section": "fees",
            },
            status=status,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = RefundDecisionForm(request.POST)
        try:
            refund = selectors.refund_get_for_user(
                user=request.user, refund_id=_int(request.POST.get("refund"))
            )
            if not form.is_valid():
                raise ApplicationError("invalid_input", "审批意见最多500字。")
            note = form.cleaned_data.get("note", "")
            if request.POST.get("decision") == "approve":
                services.refund_approve(refund=refund, actor=request.user, note=note)
                messages.success(
                    request, f"已批准退费 {fen_to_yuan(refund.amount_fen)} 元。"
                )
            else:
                services.refund_reject(refund=refund, actor=request.user, note=note)
                messages.success(request, "已决定不予退费。")
        except ApplicationError as exc:
            return self._render(
                request, status=exc.status, error=exc.message, form=form
            )
        return redirect(reverse("workbench:fees-refunds"))


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() and len(text) < 19 else None


def _day(text: str | None, default: date) -> date:
    try:
        return date.fromisoformat(text) if text else default
    except ValueError:
        raise ApplicationError("invalid_input", "日期须为 YYYY-MM-DD 格式。") from None


RECON_COLUMNS = [
    Column("日期", lambda r: r["day"], 12),
    Column("部门", lambda r: r["department_name"], 22),
    Column("窗口", lambda r: r["counter_name"], 18),
    Column("应收（元）", lambda r: fen_to_yuan(r["charged"])),
    Column("减免（元）", lambda r: fen_to_yuan(r["reduced"])),
    Column("现金（元）", lambda r: fen_to_yuan(r["paid_cash"])),
    Column("刷卡（元）", lambda r: fen_to_yuan(r["paid_card"])),
    Column("转账（元）", lambda r: fen_to_yuan(r["paid_transfer"])),
    Column("实收合计（元）", lambda r: fen_to_yuan(r["paid"]), 16),
    Column("退费（元）", lambda r: fen_to_yuan(r["refunded"])),
    Column("净收（元）", lambda r: fen_to_yuan(r["net"])),
]


class ReconciliationView(StaffRequiredMixin, View):
    """Daily reconciliation per counter and department (``?export=xlsx``)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not permissions.can_view_reconciliation(request.user):
            return render(request, "workbench/forbidden.html", status=403)
        scope = permissions.reconciliation_scope(request.user)
        today = timezone.localdate()
        error = ""
        try:
            start = _day(request.GET.get("date_from"), today)
            end = _day(request.GET.get("date_to"), start)
            if start > end or (end - start).days > 366:
                raise ApplicationError("invalid_input", "日期范围有误（最长一年）。")
        except ApplicationError as exc:
            error, start, end = exc.message, today, today
        department = scope
        if scope is None:
            department = _int(request.GET.get("department"))
        rows = selectors.reconciliation_rows(
            date_from=start, date_to=end, department_id=department
        )
        total = selectors.totals_sum(rows)
        if request.GET.get("export") == "xlsx" and not error:
            total_row = {
                "day": "合计",
                "department_name": "",
                "counter_name": "",
                **total,
            }
            return xlsx_response(
                title="收费日对账",
                filename="fees-reconciliation",
                columns=RECON_COLUMNS,
                rows=[*rows, total_row],
                note=f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}",
            )
        query = request.GET.copy()
        query["export"] = "xlsx"
        return render(
            request,
            TEMPLATES + "reconciliation.html",
            {
                "rows": rows,
                "total": total,
                "date_from": start,
                "date_to": end,
                "centre_wide": scope is None,
                "departments": Department.objects.order_by("name")
                if scope is None
                else [],
                "department": department,
                "scope_name": "全中心"
                if department is None
                else Department.objects.filter(pk=department)
                .values_list("name", flat=True)
                .first(),
                "export_query": query.urlencode(),
                "may_approve": permissions.can_approve_refunds(request.user),
                "error": error,
                "wb_section": "fees",
            },
            status=400 if error else 200,
        )
