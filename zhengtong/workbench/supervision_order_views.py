"""
Workbench pages of supervision orders (督办单) and cards (效能告诫/责任追究).

- ``supervision/orders/new/?case=ID[&step=ID]``: open an order from a case
  (the 「督办」 button of the case page, supervisors only);
- ``supervision/orders/{id}/``: the order — its timeline, the reply form
  (with an attachment) for the department, accept/return for supervisors,
  issue for a draft, print as PDF;
- ``supervision/breaches/`` (list), ``…/new/`` (propose), ``…/{id}/``
  (decide or dismiss; the person's statement).

Thin: every rule is in ``zhengtong.supervision`` (permissions, services,
selectors); a refused action shows its Chinese message on the same page.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.cases.models import Case, CaseStep
from zhengtong.core.errors import ApplicationError
from zhengtong.core.models import AuditEvent
from zhengtong.supervision import permissions
from zhengtong.supervision.constants import BreachState, OrderState, OrderTarget
from zhengtong.supervision.documents import order_pdf
from zhengtong.supervision.models import BreachKind, MeasureKind, OrderReply
from zhengtong.supervision.selectors_orders import (
    breach_get_for_user,
    breach_list_for_user,
    order_get_for_user,
    order_replies,
)
from zhengtong.supervision.services import breaches as breach_services
from zhengtong.supervision.services import orders as order_services
from zhengtong.supervision.services.order_rules import policy_for

from .views import StaffRequiredMixin

TEMPLATES = "workbench/supervision/"
User = get_user_model()

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


# -- forms ----------------------------------------------------------------------


class OrderOpenForm(forms.Form):
    reason = forms.CharField(
        label="督办事由",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明事实：哪一件、哪一环节、超期或存在什么问题。",
    )
    action = forms.CharField(
        label="督办要求",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明要求承办部门做什么，例如“立即办结并书面说明超期原因”。",
    )
    reply_days = forms.IntegerField(
        label="回复时限（工作日）",
        min_value=1,
        max_value=60,
        help_text="自签发之日起计算，签发当日不计入，节假日顺延。",
    )


class OrderReplyForm(forms.Form):
    text = forms.CharField(
        label="办理情况",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明查明的原因、已采取的措施和办理结果。",
    )
    attachment = forms.FileField(
        label="附件（可选）",
        required=False,
        help_text="PDF、OFD、图片或 Word 文件，不超过 20 MB。",
    )


class OrderVerdictForm(forms.Form):
    note = forms.CharField(
        label="审核意见",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    reply_days = forms.IntegerField(
        label="重新给予回复时限（工作日，可选）",
        min_value=1,
        max_value=60,
        required=False,
        help_text="退回时不填则仍按原截止日回复。",
    )


class BreachProposeForm(forms.Form):
    kind = forms.ModelChoiceField(
        label="失职情形", queryset=BreachKind.objects.filter(active=True)
    )
    person = forms.ModelChoiceField(label="责任人", queryset=User.objects.none())
    evidence_kind = forms.ChoiceField(
        label="证据类型", choices=list(breach_services.EVIDENCE_KINDS.items())
    )
    evidence_id = forms.IntegerField(
        label="证据编号（可选）", required=False, min_value=1
    )
    case = forms.IntegerField(
        label="办件编号（内部ID，可选）", required=False, min_value=1
    )
    evidence_text = forms.CharField(
        label="事实与证据", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    measure = forms.ModelChoiceField(
        label="建议措施（不选则按情形默认）",
        queryset=MeasureKind.objects.all(),
        required=False,
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = User.objects.filter(is_active=True, is_staff=True).exclude(pk=user.pk)
        department = permissions.supervision_scope(user)
        if department is not None:
            staff = staff.filter(department_id=department)
        self.fields["person"].queryset = staff.select_related("department").order_by(
            "department_id", "display_name"
        )
        self.fields["person"].label_from_instance = lambda u: (
            f"{u.display_name or u.username}（{u.department.name if u.department else '无部门'}）"
        )


class BreachDecideForm(forms.Form):
    measure = forms.ModelChoiceField(
        label="认定措施", queryset=MeasureKind.objects.all()
    )
    reason = forms.CharField(
        label="认定理由", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class BreachReasonForm(forms.Form):
    reason = forms.CharField(
        label="不予认定的理由",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BreachStatementForm(forms.Form):
    text = forms.CharField(
        label="申辩内容", max_length=3000, widget=forms.Textarea(attrs={"rows": 4})
    )


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


# -- breaches ---------------------------------------------------------------


def _breach_or_404(request: HttpRequest, breach_id: int):
    try:
        return breach_get_for_user(user=request.user, breach_id=breach_id)
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from None
        raise


class BreachListView(StaffRequiredMixin, View):
    """The records the user may see (their scope, or their own), by state."""

    def get(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state") or ""
        if state not in BreachState.values:
            state = ""
        try:
            rows = list(breach_list_for_user(user=request.user, state=state)[:200])
        except ApplicationError as exc:
            return _forbidden(request, exc.message)
        context = {
            "rows": rows,
            "state": state,
            "states": BreachState.choices,
            "may_propose": permissions.can_propose_breach(request.user),
            "may_desk": permissions.can_view_desk(request.user),
        }
        return render(request, TEMPLATES + "breaches/list.html", context)


class BreachNewView(StaffRequiredMixin, View):
    """Propose a record (a supervisor; a department head for own staff)."""

    def _render(self, request, form, error="", status=200):
        context = {"form": form, "error": error}
        return render(request, TEMPLATES + "breaches/new.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not permissions.can_propose_breach(request.user):
            return _forbidden(request, "只有监察人员、中心管理员或部门负责人可以提出。")
        initial = {"case": _int_param(request, "case")}
        if initial["case"]:
            initial["evidence_kind"] = "case"
            initial["evidence_id"] = initial["case"]
        return self._render(
            request, BreachProposeForm(user=request.user, initial=initial)
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if not permissions.can_propose_breach(request.user):
            return _forbidden(request, "只有监察人员、中心管理员或部门负责人可以提出。")
        form = BreachProposeForm(request.POST, user=request.user)
        if not form.is_valid():
            return self._render(request, form, status=400)
        data = form.cleaned_data
        try:
            breach = breach_services.breach_propose(
                actor=request.user,
                kind=data["kind"],
                person=data["person"],
                evidence_kind=data["evidence_kind"],
                evidence_id=data.get("evidence_id"),
                case_id=data.get("case"),
                evidence_text=data["evidence_text"],
                measure=data.get("measure"),
            )
        except ApplicationError as exc:
            return self._render(request, form, exc.message, exc.status)
        messages.success(request, f"已提出{breach.number}，待有权人员认定。")
        return redirect("workbench:supervision-breach-detail", breach.pk)


class BreachDetailView(StaffRequiredMixin, View):
    """A record: evidence, proposal, decision, statements, timeline, forms."""

    def render_page(self, request, breach, *, forms_in=None, error="", status=200):
        user = request.user
        forms_in = forms_in or {}
        proposed = breach.state == BreachState.PROPOSED
        may_decide = (
            proposed
            and permissions.can_decide_breach(user)
            and breach.person_id != user.pk
        )
        context = {
            "breach": breach,
            "timeline": _timeline(breach),
            "decide_form": (
                forms_in.get(
                    "decide",
                    BreachDecideForm(initial={"measure": breach.proposed_measure}),
                )
                if may_decide
                else None
            ),
            "dismiss_form": forms_in.get("dismiss", BreachReasonForm())
            if may_decide
            else None,
            "statement_form": (
                forms_in.get("statement", BreachStatementForm())
                if breach.person_id == user.pk and breach.state != BreachState.DISMISSED
                else None
            ),
            "statements": [s for s in breach.statement.split("\n\n") if s],
            "may_desk": permissions.can_view_desk(user),
            "error": error,
        }
        return render(
            request, TEMPLATES + "breaches/detail.html", context, status=status
        )

    def get(self, request: HttpRequest, breach_id: int) -> HttpResponse:
        try:
            breach = _breach_or_404(request, breach_id)
        except ApplicationError as exc:
            return _forbidden(request, exc.message)
        return self.render_page(request, breach)


class BreachActionView(BreachDetailView):
    """POST decide, dismiss or statement on a record."""

    http_method_names = ["post"]
    FORMS = {
        "decide": BreachDecideForm,
        "dismiss": BreachReasonForm,
        "statement": BreachStatementForm,
    }

    def post(self, request: HttpRequest, breach_id: int, slug: str) -> HttpResponse:
        try:
            breach = _breach_or_404(request, breach_id)
        except ApplicationError as exc:
            return _forbidden(request, exc.message)
        form_class = self.FORMS.get(slug)
        if form_class is None:
            raise Http404("未知的操作。")
        form = form_class(request.POST)
        if not form.is_valid():
            return self.render_page(request, breach, forms_in={slug: form}, status=400)
        data, user = form.cleaned_data, request.user
        try:
            if slug == "decide":
                breach_services.breach_decide(
                    breach=breach,
                    actor=user,
                    measure=data["measure"],
                    reason=data["reason"],
                )
                done = "已认定，并已通知本人。"
            elif slug == "dismiss":
                breach_services.breach_dismiss(
                    breach=breach, actor=user, reason=data["reason"]
                )
                done = "已决定不予认定。"
            else:
                breach_services.breach_state(
                    breach=breach, actor=user, text=data["text"]
                )
                done = "申辩已提交，已通知相关负责人查阅。"
        except ApplicationError as exc:
            breach = _breach_or_404(request, breach_id)
            return self.render_page(
                request,
                breach,
                forms_in={slug: form},
                error=exc.message,
                status=exc.status,
            )
        messages.success(request, done)
        return redirect("workbench:supervision-breach-detail", breach.pk)
