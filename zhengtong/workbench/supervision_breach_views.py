"""
Workbench pages of cards and accountability (效能告诫/责任追究).

- ``supervision/breaches/`` the records the user may see, by state;
- ``supervision/breaches/new/`` propose one (a supervisor; a department
  head for own staff);
- ``supervision/breaches/{id}/`` the record: decide or dismiss (with
  ``supervision.decide_breach``, never one's own), the person's statement.
"""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.core.errors import ApplicationError
from zhengtong.supervision import permissions
from zhengtong.supervision.constants import BreachState
from zhengtong.supervision.selectors_orders import (
    breach_get_for_user,
    breach_list_for_user,
)
from zhengtong.supervision.services import breaches as breach_services

from .supervision_order_forms import (
    BreachDecideForm,
    BreachProposeForm,
    BreachReasonForm,
    BreachStatementForm,
)
from .supervision_order_views import TEMPLATES, _forbidden, _int_param, _timeline
from .views import StaffRequiredMixin


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


# Decide and dismiss both have a "reason": the dismiss form's ids differ so
# that each label names its own field (one id per page).
DISMISS_IDS = "id_dismiss_%s"


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
            "dismiss_form": forms_in.get(
                "dismiss", BreachReasonForm(auto_id=DISMISS_IDS)
            )
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
        # the dismiss form shares the page with the decide form: its own ids
        ids = {"auto_id": DISMISS_IDS} if slug == "dismiss" else {}
        form = form_class(request.POST, **ids)
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
