"""
Workbench pages of supervision orders (督办单) and cards (效能告诫/责任追究).

- ``supervision/orders/new/?case=ID[&step=ID]``: open an order from a case
  (the 「督办」 button of the case page, supervisors only);
- ``supervision/orders/{id}/``: the order — its timeline, the reply form
  (with an attachment) for the department, accept/return for supervisors,
  issue for a draft, print as PDF;
- the card pages are in ``supervision_breach_views``.

Thin: every rule is in ``zhengtong.supervision`` (permissions, services,
selectors); a refused action shows its Chinese message on the same page.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.cases.models import Case, CaseStep
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.supervision import permissions
from zhengtong.supervision.constants import OrderState, OrderTarget
from zhengtong.supervision.documents import order_pdf
from zhengtong.supervision.models import OrderReply
from zhengtong.supervision.selectors_orders import (
    order_get_for_user,
    order_replies,
)
from zhengtong.supervision.services import orders as order_services
from zhengtong.supervision.services.order_rules import policy_for

from .supervision_order_forms import OrderOpenForm, OrderReplyForm, OrderVerdictForm
from .views import StaffRequiredMixin

TEMPLATES = "workbench/supervision/"

ACTION_LABELS = {
    "order_open": "开具督办单",
    "order_draft": "系统拟稿",
    "order_issue": "签发",
    "order_reply": "回复",
    "order_accept": "审核通过，办结",
    "order_return": "退回重新回复",
    "order_escalate": "逾期升级",
    "order_cancel": "撤销",
    "breach_propose": "提出",
    "breach_decide": "认定",
    "breach_dismiss": "不予认定",
    "breach_statement": "本人申辩",
}


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "workbench/forbidden.html", {"message": message}, status=403)


def _timeline(obj: Any) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(
        stream=f"{obj._meta.label_lower}:{obj.pk}"
    ).order_by("seq")
    return [
        {
            "label": ACTION_LABELS.get(e.action, e.action),
            "at": e.created_at,
            "actor": e.actor_label,
            "reason": e.reason,
        }
        for e in events
    ]


def _int_param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name) or request.POST.get(name) or ""
    return int(value) if value.isdigit() else None


# -- orders -----------------------------------------------------------------


def _order_or_404(request: HttpRequest, order_id: int):
    try:
        return order_get_for_user(user=request.user, order_id=order_id)
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        raise


class OrderNewView(StaffRequiredMixin, View):
    """Open a supervision order on a case (or one of its steps)."""

    def _target(self, request: HttpRequest) -> tuple[Case, CaseStep | None]:
        case = Case.objects.select_related("department").filter(
            pk=_int_param(request, "case") or 0
        )
        case = case.first()
        if case is None:
            raise Http404("办件不存在。")
        step_id = _int_param(request, "step")
        step = case.steps.filter(pk=step_id).first() if step_id else None
        return case, step

    def _render(self, request, case, step, form, error="", status=200):
        steps = case.steps.select_related("assignee").order_by("order")
        context = {"case": case, "step": step, "steps": steps, "form": form}
        context["error"] = error
        return render(request, TEMPLATES + "orders/new.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not permissions.can_open_order(request.user):
            return _forbidden(request, "只有监察人员或中心管理员可以督办。")
        case, step = self._target(request)
        days = policy_for(case.region_code).order_reply_days
        initial = {"reply_days": days}
        if case.due_date:
            initial["reason"] = (
                f"办件{case.number}（承诺办结日{case.due_date:%Y年%m月%d日}）"
                + (f"“{step.name}”环节" if step else "")
                + "需督促办理。"
            )
        return self._render(request, case, step, OrderOpenForm(initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        if not permissions.can_open_order(request.user):
            return _forbidden(request, "只有监察人员或中心管理员可以督办。")
        case, step = self._target(request)
        form = OrderOpenForm(request.POST)
        if not form.is_valid():
            return self._render(request, case, step, form, status=400)
        try:
            order = order_services.order_create(
                actor=request.user,
                target=OrderTarget.STEP if step else OrderTarget.CASE,
                case=case,
                step=step,
                reason=form.cleaned_data["reason"],
                action=form.cleaned_data["action"],
                reply_days=form.cleaned_data["reply_days"],
            )
        except ApplicationError as exc:
            return self._render(request, case, step, form, exc.message, exc.status)
        messages.success(
            request,
            f"已开具督办单{order.number}，回复截止{order.due_date:%Y年%m月%d日}。",
        )
        return redirect("workbench:supervision-order-detail", order.pk)


class OrderDetailView(StaffRequiredMixin, View):
    """The order, its replies and timeline, and the forms the user may use."""

    def render_page(self, request, order, *, forms_in=None, error="", status=200):
        user = request.user
        waiting = order.state in (OrderState.OPEN, OrderState.RETURNED)
        judge = permissions.is_supervisor(user)
        forms_in = forms_in or {}
        context = {
            "order": order,
            "replies": order_replies(order),
            "timeline": _timeline(order),
            "case": Case.objects.filter(pk=order.case_id).first()
            if order.case_id
            else None,
            "step": CaseStep.objects.filter(pk=order.step_id).first()
            if order.step_id
            else None,
            "reply_form": (
                forms_in.get("reply", OrderReplyForm())
                if waiting and permissions.can_reply_order(user, order)
                else None
            ),
            "verdict_form": (
                forms_in.get("verdict", OrderVerdictForm())
                if judge and order.state == OrderState.REPLIED
                else None
            ),
            "issue_form": (
                forms_in.get(
                    "issue",
                    OrderOpenForm(
                        initial={
                            "reason": order.reason,
                            "action": order.action,
                            "reply_days": order.reply_days,
                        }
                    ),
                )
                if judge and order.state == OrderState.DRAFT
                else None
            ),
            "may_cancel": judge
            and order.state in (OrderState.DRAFT, OrderState.OPEN, OrderState.RETURNED),
            "may_desk": permissions.can_view_desk(user),
            "error": error,
        }
        return render(request, TEMPLATES + "orders/detail.html", context, status=status)

    def get(self, request: HttpRequest, order_id: int) -> HttpResponse:
        try:
            order = _order_or_404(request, order_id)
        except ApplicationError as exc:
            return _forbidden(request, exc.message)
        return self.render_page(request, order)


class OrderActionView(OrderDetailView):
    """POST one action on an order: reply, accept, return, issue, cancel."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, order_id: int, slug: str) -> HttpResponse:
        try:
            order = _order_or_404(request, order_id)
        except ApplicationError as exc:
            return _forbidden(request, exc.message)
        user = request.user
        form: forms.Form
        key = {"reply": "reply", "issue": "issue"}.get(slug, "verdict")
        if slug == "reply":
            form = OrderReplyForm(request.POST, request.FILES)
        elif slug == "issue":
            form = OrderOpenForm(request.POST)
        elif slug in ("accept", "return", "cancel"):
            form = OrderVerdictForm(request.POST)
        else:
            raise Http404("未知的操作。")
        if not form.is_valid():
            return self.render_page(request, order, forms_in={key: form}, status=400)
        data = form.cleaned_data
        try:
            if slug == "reply":
                order_services.order_reply(
                    order=order,
                    actor=user,
                    text=data["text"],
                    attachment=data.get("attachment"),
                )
                done = "回复已提交，等待监察人员审核。"
            elif slug == "issue":
                order_services.order_issue(
                    order=order,
                    actor=user,
                    reason=data["reason"],
                    action=data["action"],
                    reply_days=data["reply_days"],
                )
                done = "督办单已签发，已通知承办部门。"
            elif slug == "accept":
                order_services.order_accept(order=order, actor=user, note=data["note"])
                done = "已审核通过，督办单办结。"
            elif slug == "return":
                order_services.order_return(
                    order=order,
                    actor=user,
                    note=data["note"],
                    reply_days=data.get("reply_days"),
                )
                done = "已退回，承办部门须重新回复。"
            else:
                order_services.order_cancel(order=order, actor=user, note=data["note"])
                done = "督办单已撤销。"
        except ApplicationError as exc:
            order = _order_or_404(request, order_id)
            return self.render_page(
                request,
                order,
                forms_in={key: form},
                error=exc.message,
                status=exc.status,
            )
        messages.success(request, done)
        return redirect("workbench:supervision-order-detail", order.pk)


class OrderPdfView(StaffRequiredMixin, View):
    """The order as a PDF, for those who may see it."""

    def get(self, request: HttpRequest, order_id: int) -> HttpResponse:
        try:
            order = _order_or_404(request, order_id)
        except ApplicationError as exc:
            return _forbidden(request, exc.message)
        response = HttpResponse(order_pdf(order), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="order-{order.pk}.pdf"'
        return response


class OrderAttachmentView(StaffRequiredMixin, View):
    """A reply's attachment, for those who may see the order."""

    def get(self, request: HttpRequest, order_id: int, reply_id: int) -> HttpResponse:
        try:
            order = _order_or_404(request, order_id)
        except ApplicationError as exc:
            return _forbidden(request, exc.message)
        reply = OrderReply.objects.filter(pk=reply_id, order=order).first()
        if reply is None or not reply.attachment:
            raise Http404("附件不存在。")
        return FileResponse(
            reply.attachment.open("rb"),
            as_attachment=True,
            filename=reply.attachment_name or "附件",
        )
