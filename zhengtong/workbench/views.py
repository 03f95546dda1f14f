"""
Staff workbench for cases (工作人员端): inboxes, case detail, actions, intake.

Staff only: applicants get 403, anonymous users the login page. What a
member of staff sees and may do comes from the cases selectors (department
scope, allowed actions); every action calls one cases service after a
confirmation page, and a refusal is shown as its Chinese message.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.accounts.constants import Role
from zhengtong.agency.selectors import case_list_marked
from zhengtong.cases import (
    contacts,
    permissions,
    selectors,
    selectors_joint,
    selectors_packages,
    services,
    services_instant,
    services_tolerance,
)
from zhengtong.cases.constants import Action, DocumentKind, Lamp, Status
from zhengtong.cases.forms import (
    DeliverForm,
    SupplementRequestForm,
)
from zhengtong.cases.models import Case
from zhengtong.cases.selectors import CaseDetail, Inbox
from zhengtong.cases.views import case_list_rows, error_status
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.core.inputs import int_id
from zhengtong.supervision.selectors import alert_list_unread

from .actions import (
    ACTION_SPECS,
    IRREVERSIBLE,
    SLUG_BY_ACTION,
    ActionSpec,
    action_form_initial,
    action_form_kwargs,
    confirm_summary,
)

PAGE_SIZE = 100
GREEN_MAX = 20  # green channel cases shown first on an inbox's first page
TEMPLATES = "workbench/cases/"
INBOX_TABS = (
    Inbox.INTAKE,
    Inbox.MINE,
    Inbox.DUE_SOON,
    Inbox.OVERDUE,
    Inbox.SUPPLEMENT,
    Inbox.TO_CONCLUDE,
    Inbox.ALL,
)
COUNTED_TABS = (Inbox.INTAKE, Inbox.MINE, Inbox.DUE_SOON, Inbox.OVERDUE)


def user_is_staff_member(user) -> bool:
    """Return True for staff roles (and superusers): who may use the workbench."""
    return permissions.is_staff_member(user)


class StaffRequiredMixin(AccessMixin):
    """Anonymous users go to the login page; signed-in non-staff get 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not user_is_staff_member(request.user):
            return render(request, "workbench/forbidden.html", status=403)
        return super().dispatch(request, *args, **kwargs)


def _default_inbox(user) -> str:
    if user.has_role(Role.COUNTER_STAFF):
        return Inbox.INTAKE
    if user.has_role(Role.REVIEWER):
        return Inbox.MINE
    return Inbox.ALL


class WorkbenchHomeView(StaffRequiredMixin, View):
    """Inbox tabs with counts and the case list (100 a page, filters)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        inbox = request.GET.get("inbox") or _default_inbox(user)
        if inbox not in INBOX_TABS:
            inbox = Inbox.ALL
        status = request.GET.get("status") or ""
        if status not in Status.values or status == Status.DRAFT:
            status = ""
        q = (request.GET.get("q") or "").strip()[:60]
        before = request.GET.get("before") or ""
        qs = selectors.case_list_for_user(
            user=user, inbox=inbox, status=status or None, q=q or None
        )
        qs = qs.exclude(status=Status.DRAFT)  # drafts are the applicant's own
        if int_id(before):
            qs = qs.filter(id__lt=int_id(before))
        page = list(qs[: PAGE_SIZE + 1])
        # 绿色通道: the marked cases of this inbox come first (first page)
        green = [] if int_id(before) else list(case_list_marked(qs=qs)[:GREEN_MAX])
        has_more = len(page) > PAGE_SIZE
        page = page[:PAGE_SIZE]
        counts = selectors.case_inbox_counts(user=user)
        tabs = [
            {
                "name": name,
                "label": Inbox.LABELS[name],
                "count": counts.get(name) if name in COUNTED_TABS else None,
                "active": name == inbox,
            }
            for name in INBOX_TABS
        ]
        context = {
            "tabs": tabs,
            "inbox": inbox,
            "inbox_label": Inbox.LABELS[inbox],
            "rows": case_list_rows(
                page, detail_url_name="workbench:case-detail", with_assignee=True
            ),
            "green_rows": case_list_rows(
                green, detail_url_name="workbench:case-detail", with_assignee=True
            ),
            "status": status,
            "statuses": [c for c in Status.choices if c[0] != Status.DRAFT],
            "q": q,
            "next_before": page[-1].pk if has_more and page else None,
            "paged": bool(int_id(before)),
            "can_intake": permissions.can_intake(user=user),
            "my_steps": list(selectors.case_step_list_for_user(user=user)[:10]),
        }
        context["my_alerts"], context["my_alerts_unread"] = alert_list_unread(
            user=user, limit=5
        )
        return render(request, TEMPLATES + "home.html", context)


EVENT_LABELS = {
    **{a.value: str(a.label) for a in Action},
    "create": "创建草稿",
    "material_add": "上传材料",
    "form_update": "修改申请表",
    "step_start": "环节开始",
    "convert_instant": "即办件转为承诺件",
    "tolerance_supply": "补交容缺材料",
    "tolerance_supplied": "容缺材料已补齐",
    "tolerance_warn": "容缺材料到期提醒",
    "tolerance_expired": "容缺材料逾期未补齐（预警）",
    "joint_open": "开启联办分支",
    "joint_supplement_send": "牵头窗口合并告知补正",
    "joint_meeting_record": "登记联办会议纪要",
    contacts.REVEALED_EVENT: "查看申请人联系方式",
}
STATUS_LABELS = {s.value: str(s.label) for s in Status}


def timeline_rows(detail: CaseDetail) -> list[dict[str, Any]]:
    """Return the audit events of a case as labelled timeline rows."""
    rows = []
    for event in detail.events:
        details = event.details or {}
        reason = event.reason
        if event.action in ("material_add", "step_start") and not reason:
            reason = str(details.get("name", ""))
        if event.action == contacts.REVEALED_EVENT:
            reason = "查看完整" + str(details.get("label", ""))
        changed = event.to_state and event.to_state != event.from_state
        rows.append(
            {
                "action_label": EVENT_LABELS.get(event.action, event.action),
                "to_label": STATUS_LABELS.get(event.to_state, "") if changed else "",
                "created_at": event.created_at,
                "actor_label": event.actor_label,
                "reason": reason,
            }
        )
    return rows


def _detail_or_404(user, case_id) -> CaseDetail:
    try:
        return selectors.case_detail_get(user=user, case_id=case_id)
    except NotFoundError:
        raise Http404("办件不存在或无权查看。") from None


def action_buttons(detail: CaseDetail) -> list[dict[str, str]]:
    """Return the buttons for the actions the user may perform now."""
    buttons = []
    for action in detail.actions:
        slug = SLUG_BY_ACTION.get(action)
        if slug is None:
            continue
        spec = ACTION_SPECS[slug]
        buttons.append({"slug": slug, "label": spec.label, "button": spec.button})
    return buttons


def supplement_answers(detail: CaseDetail) -> list[dict[str, Any]]:
    """
    Return each answered 补正 notice with, line by line, the files handed in
    for that line (from the case's files already read: no query).
    """
    files = [f for row in detail.checklist for f in row.files]
    files += list(detail.extra_files)
    by_line: dict[tuple[int, int], list] = {}
    for f in files:
        if f.supplement_request_id is not None and f.supplement_line is not None:
            by_line.setdefault((f.supplement_request_id, f.supplement_line), []).append(
                f
            )
    answers = []
    for request in detail.supplement_requests:
        if request.answered_at is None:
            continue
        lines = [
            {"number": i + 1, "item": item, "files": by_line.get((request.pk, i), [])}
            for i, item in enumerate(request.items)
        ]
        answers.append({"request": request, "lines": lines})
    return answers


def contact_rows(case: Case, revealed: Any = None) -> list[Any]:
    """Return the masked contact rows; ``revealed`` is one shown in full (no JS)."""
    return [
        revealed if revealed is not None and revealed.field == c.field else c
        for c in contacts.case_contacts(case=case)
    ]


class WorkbenchCaseDetailView(StaffRequiredMixin, View):
    """Case detail: materials, checklist, clocks, steps, timeline, actions."""

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        return self.render_page(request, case_id)

    def render_page(
        self, request: HttpRequest, case_id: int, revealed: Any = None
    ) -> HttpResponse:
        detail = _detail_or_404(request.user, case_id)
        case = detail.case
        context = {
            "detail": detail,
            "case": case,
            "buttons": action_buttons(detail),
            # 送达 is recorded on the case page itself (办结 needs it).
            "deliver_form": (
                DeliverForm(initial={"recipient": case.applicant_name})
                if Action.DELIVER in detail.actions
                else None
            ),
            "contacts": contact_rows(case, revealed),
            "supplement_answers": supplement_answers(detail),
            # 联办件: each branch and its own steps ([] and no query otherwise)
            "branches": selectors_joint.case_branches_rows(
                case=case, user=request.user
            ),
            "clock": detail.clock,
            # 上报件: the lower organ this case came from (None otherwise)
            "origin": selectors_packages.case_origin_receipt(case=case),
            "timeline": timeline_rows(detail),
            "open_supplement": next(
                (
                    r
                    for r in reversed(detail.supplement_requests)
                    if r.answered_at is None
                ),
                None,
            ),
            "lamp_none": Lamp.NONE,
            "convert_instant": services_instant.instant_conversion_offered(
                case=case, user=request.user
            ),
            "tolerance_supply": services_tolerance.tolerance_supply_offered(
                case=case, user=request.user
            ),
            "receipt": next(
                (
                    d
                    for d in reversed(detail.documents)
                    if d.kind == DocumentKind.RECEIPT
                ),
                None,
            ),
        }
        return render(request, TEMPLATES + "detail.html", context)


class WorkbenchContactRevealView(WorkbenchCaseDetailView):
    """
    Reveal one full contact value (POST, audited as ``contact_revealed``).

    With htmx the masked value is swapped for the full one; without
    JavaScript the case page comes back with that value shown.
    """

    http_method_names = ["post"]

    def post(self, request: HttpRequest, case_id: int, field: str) -> HttpResponse:
        detail = _detail_or_404(request.user, case_id)
        try:
            contact = contacts.case_contact_reveal(
                case=detail.case, actor=request.user, field=field
            )
        except NotFoundError:
            raise Http404("该办件没有这项联系方式。") from None
        except ApplicationError as exc:
            return render(
                request,
                "workbench/forbidden.html",
                {"message": exc.message},
                status=403,
            )
        if getattr(request, "htmx", False):
            return render(
                request,
                TEMPLATES + "_contact.html",
                {"c": contact, "case": detail.case},
            )
        return self.render_page(request, case_id, revealed=contact)


class WorkbenchCaseActionView(StaffRequiredMixin, View):
    """Confirmation page of one action (GET) and the action itself (POST)."""

    def _spec(self, slug: str) -> ActionSpec:
        spec = ACTION_SPECS.get(slug)
        if spec is None:
            raise Http404("未知的操作。")
        return spec

    def _render(
        self, request, spec, detail, form, error="", status=200, confirming=False
    ):
        context = {
            "spec": spec,
            "detail": detail,
            "case": detail.case,
            "form": form,
            "error": error,
            "irreversible": IRREVERSIBLE.get(spec.slug, ""),
            "confirming": confirming,
            "summary": confirm_summary(form) if confirming else [],
            "allowed": spec.allowed(detail, request.user)
            if spec.allowed
            else spec.action in detail.actions,
            "proposal": services.case_supplement_proposal(case=detail.case)
            if spec.form is SupplementRequestForm
            else [],
        }
        return render(request, TEMPLATES + "action.html", context, status=status)

    def get(self, request: HttpRequest, case_id: int, slug: str) -> HttpResponse:
        spec = self._spec(slug)
        detail = _detail_or_404(request.user, case_id)
        form = spec.form(
            initial=action_form_initial(spec, detail),
            **action_form_kwargs(spec, detail),
        )
        return self._render(request, spec, detail, form)

    def post(self, request: HttpRequest, case_id: int, slug: str) -> HttpResponse:
        spec = self._spec(slug)
        detail = _detail_or_404(request.user, case_id)
        form = spec.form(
            request.POST, request.FILES, **action_form_kwargs(spec, detail)
        )
        if not form.is_valid():
            return self._render(request, spec, detail, form, status=400)
        if spec.slug in IRREVERSIBLE and (
            request.POST.get("confirmed") != "1" or "back" in request.POST
        ):
            # the second page (no JavaScript), or back to the form from it
            confirming = "back" not in request.POST
            return self._render(request, spec, detail, form, confirming=confirming)
        try:
            spec.run(detail.case, request.user, form)
        except ApplicationError as exc:
            return self._render(
                request, spec, detail, form, error=exc.message, status=error_status(exc)
            )
        messages.success(request, spec.done)
        return redirect("workbench:case-detail", case_id=detail.case.pk)
