"""
The workbench's case actions (办件操作): one ``ActionSpec`` per action — its
form, the one service it calls, how its button looks — and which of them are
irreversible and ask once more before they run (``IRREVERSIBLE``).

The pages are in ``views.py`` (``WorkbenchCaseActionView``); every rule
(may this user do this now) stays in the cases services.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms

from zhengtong.cases import (
    selectors,
    services,
    services_instant,
    services_tolerance,
)
from zhengtong.cases.constants import Action, Outcome
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
    SupplementAnswerForm,
    SupplementRequestForm,
    SuspendForm,
    ToleranceSupplyForm,
)
from zhengtong.cases.models import Case
from zhengtong.cases.selectors import CaseDetail
from zhengtong.catalog.constants import MaterialRequirement


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


def open_supplement_lines(detail: CaseDetail) -> list[dict[str, Any]]:
    """Return the lines of the open 补正 notice of the case (one slot each)."""
    request = next(
        (r for r in reversed(detail.supplement_requests) if r.answered_at is None),
        None,
    )
    return list(request.items) if request is not None else []


def _counter_supplement(case, actor, form):
    return services.case_supplement_submit(
        case=case,
        actor=actor,
        note=form.cleaned_data.get("note", ""),
        line_files=form.line_files(),
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
            "counter-supplement",
            Action.SUPPLEMENT,
            "窗口代收补正材料",
            SupplementAnswerForm,
            _counter_supplement,
            "btn btn-ok",
            "申请人到窗口补正的，按补正材料通知书逐项上传其提交的材料"
            "（每项可上传多个文件）；提交后办件回到已收件，重新审查。",
            "补正材料已代收，办件已回到已收件。",
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


def action_form_kwargs(spec: ActionSpec, detail: CaseDetail) -> dict[str, Any]:
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
    if spec.form is SupplementAnswerForm:
        return {"items": open_supplement_lines(detail)}
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


def action_form_initial(spec: ActionSpec, detail: CaseDetail) -> dict[str, Any]:
    if spec.form is SupplementRequestForm:
        proposal = services.case_supplement_proposal(case=detail.case)
        return {"missing": [str(p["material_id"]) for p in proposal]}
    if spec.form is OpinionForm:
        return {"opinion": "同意。"}
    return {}
