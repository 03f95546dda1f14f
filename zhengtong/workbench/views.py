"""
Staff workbench for cases (工作人员端): inboxes, case detail, actions, intake.

Staff only: applicants get 403, anonymous users the login page. What a
member of staff sees and may do comes from the cases selectors (department
scope, allowed actions); every action calls one cases service after a
confirmation page, and a refusal is shown as its Chinese message.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import AccessMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.accounts.constants import Role
from zhengtong.cases import (
    contacts,
    permissions,
    selectors,
    services,
    services_instant,
    services_tolerance,
)
from zhengtong.cases.constants import Action, DocumentKind, Lamp, Outcome, Status
from zhengtong.cases.forms import (
    AcceptForm,
    ApproveForm,
    CertificateForm,
    DeliverForm,
    DenyForm,
    ExtendForm,
    ExtensionApproveForm,
    NoteForm,
    OpinionForm,
    ReasonForm,
    ReassignForm,
    ReferForm,
    ReturnForm,
    SupplementRequestForm,
    SuspendForm,
    ToleranceSupplyForm,
)
from zhengtong.cases.models import Case
from zhengtong.cases.selectors import CaseDetail, Inbox
from zhengtong.cases.views import case_list_rows, error_status
from zhengtong.catalog.constants import MaterialRequirement
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.supervision.selectors import alert_list_unread

PAGE_SIZE = 100
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
        if before.isdigit():
            qs = qs.filter(id__lt=int(before))
        page = list(qs[: PAGE_SIZE + 1])
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
            "status": status,
            "statuses": [c for c in Status.choices if c[0] != Status.DRAFT],
            "q": q,
            "next_before": page[-1].pk if has_more and page else None,
            "paged": before.isdigit(),
            "can_intake": permissions.can_intake(user=user),
            "my_steps": list(selectors.case_step_list_for_user(user=user)[:10]),
        }
        context["my_alerts"], context["my_alerts_unread"] = alert_list_unread(
            user=user, limit=5
        )
        return render(request, TEMPLATES + "home.html", context)


# -- actions ----------------------------------------------------------------


@dataclass(frozen=True)
class ActionSpec:
    """One workbench action: its form, its service call and how it looks."""

    slug: str
    action: str
    label: str
    form: type[forms.Form]
    run: Callable[[Case, Any, Any], Any]
    button: str = "btn"
    intro: str = ""
    done: str = "操作已完成。"
    # Operations outside the transition table say themselves who may, now.
    allowed: Callable[[CaseDetail, Any], bool] | None = None


def _accept(case, actor, form):
    data = form.cleaned_data
    return services.case_accept(
        case=case,
        actor=actor,
        note=data.get("note", ""),
        tolerated_material_ids=[int(i) for i in data.get("tolerated", [])],
        tolerance_days=data.get("tolerance_days"),
    )


def _supplement(case, actor, form):
    return services.case_supplement_request(
        case=case,
        actor=actor,
        missing=form.missing_list(),
        reason=form.cleaned_data.get("reason", ""),
    )


def _approve(case, actor, form):
    data = form.cleaned_data
    return services.case_decide(
        case=case,
        actor=actor,
        outcome=Outcome.APPROVE,
        reason=data.get("reason", ""),
        result_number=data.get("result_number", ""),
        valid_until=data.get("valid_until"),
    )


ACTION_SPECS: dict[str, ActionSpec] = {
    spec.slug: spec
    for spec in (
        ActionSpec(
            "accept",
            Action.ACCEPT,
            "受理",
            AcceptForm,
            _accept,
            "btn btn-ok",
            "受理后开始计算办理时限，系统出具受理通知书并分派承办人。",
            "已受理，受理通知书已出具。",
        ),
        ActionSpec(
            "request-supplement",
            Action.REQUEST_SUPPLEMENT,
            "一次性告知补正",
            SupplementRequestForm,
            _supplement,
            "btn",
            "按行政许可法第三十二条，须一次性告知申请人需要补正的全部内容。",
            "已一次性告知补正，补正材料通知书已出具。",
        ),
        ActionSpec(
            "refuse",
            Action.REFUSE,
            "不予受理",
            ReasonForm,
            lambda c, a, f: services.case_refuse(
                case=c, actor=a, reason=f.cleaned_data["reason"]
            ),
            "btn btn-danger",
            "出具不予受理决定书，载明理由及申请行政复议或者提起行政诉讼的权利。",
            "已作出不予受理决定。",
        ),
        ActionSpec(
            "not-required",
            Action.MARK_NOT_REQUIRED,
            "告知不需要许可",
            ReasonForm,
            lambda c, a, f: services.case_mark_not_required(
                case=c, actor=a, reason=f.cleaned_data["reason"]
            ),
            "btn btn-secondary",
            "申请事项依法不需要取得行政许可的，应当即时告知申请人。",
            "已告知申请人不需要取得许可。",
        ),
        ActionSpec(
            "refer",
            Action.REFER,
            "告知向有关机关申请",
            ReferForm,
            lambda c, a, f: services.case_refer(
                case=c,
                actor=a,
                reason=f.cleaned_data["reason"],
                authority=f.cleaned_data["authority"],
            ),
            "btn btn-secondary",
            "申请事项不属于本机关职权范围的，告知申请人向有关行政机关申请。",
            "已告知申请人向有关机关申请。",
        ),
        ActionSpec(
            "step-complete",
            Action.STEP_COMPLETE,
            "本环节办理完成（同意）",
            OpinionForm,
            lambda c, a, f: services.case_step_complete(
                case=c, actor=a, opinion=f.cleaned_data.get("opinion", "")
            ),
            "btn btn-ok",
            "填写办理意见，办件转入下一环节；决定环节（批准）由其承办人直接作出准予或不予许可决定。",
            "本环节已办理完成。",
        ),
        ActionSpec(
            "step-return",
            Action.STEP_RETURN,
            "退回上一环节",
            ReturnForm,
            lambda c, a, f: services.case_step_return(
                case=c, actor=a, opinion=f.cleaned_data["opinion"]
            ),
            "btn btn-secondary",
            "退回须写明意见，办件回到上一环节承办人。",
            "已退回上一环节。",
        ),
        ActionSpec(
            "reassign",
            Action.STEP_REASSIGN,
            "改派承办人",
            ReassignForm,
            lambda c, a, f: services.case_step_reassign(
                case=c,
                actor=a,
                assignee=f.cleaned_data["assignee"],
                reason=f.cleaned_data["reason"],
            ),
            "btn btn-secondary",
            "改派当前环节的承办人（AB岗之外的人工改派），改派情况记入办理记录。",
            "已改派承办人。",
        ),
        ActionSpec(
            "suspend",
            Action.SUSPEND,
            "特别程序（暂停计时）",
            SuspendForm,
            lambda c, a, f: services.case_suspend(
                case=c,
                actor=a,
                kind=f.cleaned_data["kind"],
                reason=f.cleaned_data["reason"],
                expected_days=f.cleaned_data.get("expected_days"),
            ),
            "btn btn-secondary",
            "听证、招标、拍卖、检验、检测、检疫、鉴定和专家评审所需时间不计入办理时限（第四十五条），须书面告知申请人。",
            "已启动特别程序，特别程序告知书已出具。",
        ),
        ActionSpec(
            "resume",
            Action.RESUME,
            "恢复计时",
            NoteForm,
            lambda c, a, f: services.case_resume(
                case=c, actor=a, note=f.cleaned_data.get("note", "")
            ),
            "btn",
            "特别程序结束，办理时限恢复计算。",
            "已恢复计时。",
        ),
        ActionSpec(
            "extension-request",
            Action.EXTEND_REQUEST,
            "申请延期",
            ExtendForm,
            lambda c, a, f: services.case_extension_request(
                case=c,
                actor=a,
                days=f.cleaned_data["days"],
                reason=f.cleaned_data["reason"],
            ),
            "btn btn-secondary",
            "二十日内不能作出决定的，经本机关负责人批准可延长十日（第四十二条）。"
            "须在法定期限届满前提出并获批准，延长合计不超过10个工作日。",
            "延期申请已提交，等待负责人批准。",
        ),
        ActionSpec(
            "extension-approve",
            Action.EXTEND,
            "批准延期",
            ExtensionApproveForm,
            lambda c, a, f: services.case_extension_approve(
                case=c, actor=a, note=f.cleaned_data.get("note", "")
            ),
            "btn btn-ok",
            "批准承办人的延期申请：法定办结日相应推迟，系统出具延期通知书告知申请人延期理由。"
            "须在法定期限内批准。",
            "已批准延期，延期通知书已出具。",
        ),
        ActionSpec(
            "extension-reject",
            Action.EXTEND_REJECT,
            "驳回延期申请",
            ReasonForm,
            lambda c, a, f: services.case_extension_reject(
                case=c, actor=a, reason=f.cleaned_data["reason"]
            ),
            "btn btn-secondary",
            "驳回延期申请须写明理由，办理期限不变。",
            "已驳回延期申请。",
        ),
        ActionSpec(
            "approve",
            Action.APPROVE,
            "准予许可",
            ApproveForm,
            _approve,
            "btn btn-ok",
            "作出准予行政许可决定，出具决定书；需颁发证件的，应自决定之日起十日内颁发（第四十四条）。",
            "已作出准予许可决定，决定书已出具。",
        ),
        ActionSpec(
            "deny",
            Action.DENY,
            "不予许可",
            DenyForm,
            lambda c, a, f: services.case_decide(
                case=c, actor=a, outcome=Outcome.DENY, reason=f.cleaned_data["reason"]
            ),
            "btn btn-danger",
            "不予许可须说明理由，决定书载明六十日内申请行政复议、六个月内提起行政诉讼的权利。",
            "已作出不予许可决定，决定书已出具。",
        ),
        ActionSpec(
            "issue-certificate",
            Action.ISSUE_CERTIFICATE,
            "颁发证件",
            CertificateForm,
            lambda c, a, f: services.case_certificate_issue(
                case=c, actor=a, result_number=f.cleaned_data.get("result_number", "")
            ),
            "btn",
            "登记证件已颁发，发证时限停止计算。",
            "已登记颁发证件。",
        ),
        ActionSpec(
            "deliver",
            Action.DELIVER,
            "送达",
            DeliverForm,
            lambda c, a, f: services.case_deliver(
                case=c,
                actor=a,
                method=f.cleaned_data["method"],
                recipient=f.cleaned_data.get("recipient", ""),
                delivered_on=f.cleaned_data.get("delivered_on"),
                tracking=f.cleaned_data.get("tracking", ""),
            ),
            "btn btn-secondary",
            "登记决定书的送达：送达方式（窗口领取、邮寄送达须填快递单号、网上下载）、"
            "送达日期和受送达人。办结前须登记送达。",
            "已登记送达。",
        ),
        ActionSpec(
            "delivery-not-needed",
            Action.DELIVERY_NOT_NEEDED,
            "登记无需送达",
            ReasonForm,
            lambda c, a, f: services.case_delivery_not_needed(
                case=c, actor=a, reason=f.cleaned_data["reason"]
            ),
            "btn btn-secondary",
            "决定书无需另行送达的（例如已当场交付申请人签收），写明理由后可办结。",
            "已登记无需送达的理由。",
        ),
        ActionSpec(
            "conclude",
            Action.CONCLUDE,
            "办结",
            NoteForm,
            lambda c, a, f: services.case_conclude(
                case=c, actor=a, note=f.cleaned_data.get("note", "")
            ),
            "btn btn-ok",
            "办结前须已登记送达（或无需送达的理由）；办结后办件不再变动。",
            "办件已办结。",
        ),
        ActionSpec(
            "convert-instant",
            services_instant.CONVERT_EVENT,
            "转为承诺件",
            ReasonForm,
            lambda c, a, f: services_instant.case_convert_to_committed(
                case=c, actor=a, reason=f.cleaned_data["reason"]
            ),
            "btn btn-secondary",
            "即办件应当场办结。确因情况复杂当场不能办结的，经窗口负责人或中心管理员批准转为承诺件："
            "按事项承诺时限自受理之日起重新计算，理由记入办理记录并告知申请人。",
            "已转为承诺件，办理时限已重新计算。",
            lambda d, u: services_instant.instant_conversion_offered(
                case=d.case, user=u
            ),
        ),
        ActionSpec(
            "tolerance-supply",
            "tolerance_supply",
            "补齐容缺材料",
            ToleranceSupplyForm,
            lambda c, a, f: services_tolerance.case_tolerance_supply(
                case=c,
                actor=a,
                files=f.material_files(),
                note=f.cleaned_data.get("note", ""),
            ),
            "btn",
            "登记申请人补交的容缺材料（扫描上传）；全部补齐后不再按期限届满处理。",
            "容缺材料已登记。",
            lambda d, u: services_tolerance.tolerance_supply_offered(
                case=d.case, user=u
            ),
        ),
        ActionSpec(
            "terminate",
            Action.TERMINATE,
            "终止办理",
            ReasonForm,
            lambda c, a, f: services.case_terminate(
                case=c, actor=a, reason=f.cleaned_data["reason"]
            ),
            "btn btn-danger",
            "终止办理须写明理由（例如申请人死亡、组织终止），办件不再继续。",
            "已终止办理。",
        ),
    )
}
SLUG_BY_ACTION = {spec.action: spec.slug for spec in ACTION_SPECS.values()}
# Irreversible actions ask once more before they run (a <dialog> with
# JavaScript, a second page without): what cannot be undone, in one line.
IRREVERSIBLE: dict[str, str] = {
    "refuse": "不予受理后本办件即告终结，不能撤销；不予受理决定书将出具并告知申请人。",
    "not-required": "告知后本办件即告终结，不能撤销。",
    "refer": "告知后本办件即告终结，不能撤销。",
    "approve": "准予许可决定作出后不能撤销，决定书将出具并告知申请人。",
    "deny": "不予许可决定作出后不能撤销，决定书将出具并告知申请人。",
    "conclude": "办结后办件不再变动，不能撤销。",
    "terminate": "终止办理后本办件不再继续，不能撤销。",
}


def confirm_summary(form: forms.Form) -> list[tuple[str, str]]:
    """Return (label, value as shown) of what was entered, for the confirm step."""
    rows = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        choices = dict(getattr(field, "choices", None) or [])
        if isinstance(value, list | tuple):
            shown = "、".join(str(choices.get(v, v)) for v in value)
        else:
            shown = str(choices.get(value, value))
        rows.append((str(field.label), shown))
    return rows


def _form_kwargs(spec: ActionSpec, detail: CaseDetail) -> dict[str, Any]:
    if spec.form is AcceptForm:
        missing = [
            row.material
            for row in detail.checklist
            if not row.satisfied
            and row.material.tolerance_allowed
            and row.material.requirement == MaterialRequirement.REQUIRED
        ]
        return {"tolerable": missing}
    if spec.form is SupplementRequestForm:
        return {"checklist": [row.material for row in detail.checklist]}
    if spec.form is ToleranceSupplyForm:
        return {
            "materials": services_tolerance.tolerance_missing_materials(
                case=detail.case
            )
        }
    if spec.form is ReassignForm:
        active = next((s for s in detail.steps if s.status == "active"), None)
        department_id = active.department_id if active else detail.case.department_id
        return {
            "assignees": selectors.staff_list_for_department(
                department_id=department_id
            )
        }
    return {}


def _form_initial(spec: ActionSpec, detail: CaseDetail) -> dict[str, Any]:
    if spec.form is SupplementRequestForm:
        proposal = services.case_supplement_proposal(case=detail.case)
        return {"missing": [str(p["material_id"]) for p in proposal]}
    if spec.form is OpinionForm:
        return {"opinion": "同意。"}
    return {}


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
                if Action.DELIVER in detail.actions and case.delivered_at is None
                else None
            ),
            "contacts": contact_rows(case, revealed),
            "supplement_answers": supplement_answers(detail),
            "clock": detail.clock,
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
            initial=_form_initial(spec, detail), **_form_kwargs(spec, detail)
        )
        return self._render(request, spec, detail, form)

    def post(self, request: HttpRequest, case_id: int, slug: str) -> HttpResponse:
        spec = self._spec(slug)
        detail = _detail_or_404(request.user, case_id)
        form = spec.form(request.POST, request.FILES, **_form_kwargs(spec, detail))
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
