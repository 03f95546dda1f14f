"""
Workbench pages of joint work (并联审批/联办件, 转办, 上报件).

- ``joint/``: the department's 联办 inbox — open branches of its department
  and cases referred to it waiting to be confirmed;
- ``joint/<case_id>/``: one case's joint panel — branches with their clocks,
  their own steps (承办 → 审核 → 批准) and decisions (internal notes only to their department), the coordination
  record (联办件通知书 / 联办会议), referrals and reports up; the forms for
  what the user may do (branch step, decide (at its last step),
  suspend/resume/supplement, the lead
  window's combined 补正 and meeting minutes, 转办 and its confirmation,
  上报 and its return).

Thin: every rule is in ``zhengtong.cases`` (permissions, services,
selectors); a refused action shows its Chinese message on the same page.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from zhengtong.cases import permissions, selectors_joint, services
from zhengtong.cases.constants import SuspensionKind
from zhengtong.cases.models_joint import BranchStatus, CaseBranch
from zhengtong.catalog.models import Department
from zhengtong.core.errors import ApplicationError, NotFoundError

from .views import StaffRequiredMixin

TEMPLATES = "workbench/joint/"


class JointInboxView(StaffRequiredMixin, View):
    """The department's open branches and referrals to confirm."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            TEMPLATES + "inbox.html",
            {
                "branches": selectors_joint.branch_inbox_for_user(user=request.user),
                "referrals": selectors_joint.referrals_pending_for_user(
                    user=request.user
                ),
            },
        )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 18 else None


class JointCaseView(StaffRequiredMixin, View):
    """One case's joint panel with the forms the user may use."""

    def _case(self, request: HttpRequest, case_id: int):
        try:
            return selectors_joint.case_for_referral_get(
                user=request.user, case_id=case_id
            )
        except NotFoundError as exc:
            raise Http404(exc.message) from exc

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        case = self._case(request, case_id)
        user = request.user
        branches = selectors_joint.case_branches_rows(case=case, user=user)
        mine = [
            b
            for b in CaseBranch.objects.filter(case=case, status=BranchStatus.OPEN)
            if permissions.can_work_branch(user=user, branch=b)
        ]
        shown = {row["id"]: row for row in branches}
        for b in mine:  # the branch's current step; its last step decides
            b.current_step = shown[b.pk]["current_step"]
            b.deciding = shown[b.pk]["deciding"]
        referrals = selectors_joint.case_referrals_list(case=case)
        return render(
            request,
            TEMPLATES + "case.html",
            {
                "case": case,
                "branches": branches,
                "my_branches": mine,
                "suspended_branch_ids": {r["id"] for r in branches if r["suspended"]},
                "coordination": selectors_joint.case_coordination_get(case=case),
                "referrals": referrals,
                "pending_referral": next(
                    (r for r in referrals if r.status == "pending"), None
                ),
                "may_confirm": any(
                    r.status == "pending"
                    and permissions.can_confirm_referral(
                        user=user, department=r.to_department_id
                    )
                    for r in referrals
                ),
                "report": selectors_joint.case_report_current(case=case),
                "lead_window": permissions.can_lead_window(user=user, case=case),
                "may_report": permissions.can_report_up(user=user, case=case),
                "departments": Department.objects.filter(is_active=True)
                .exclude(pk=case.department_id)
                .order_by("name")
                .only("id", "name"),
                "kinds": SuspensionKind.choices,
            },
        )

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        case = self._case(request, case_id)
        user, data = request.user, request.POST
        op = data.get("op", "")
        branch = _int(data.get("branch"))
        try:
            if op == "decide":
                services.branch_decide(
                    branch=branch or 0,
                    actor=user,
                    outcome=data.get("outcome", ""),
                    opinion=data.get("opinion", ""),
                    internal_note=data.get("internal_note", ""),
                )
                done = "本部门意见已登记。"
            elif op == "step_complete":
                services.branch_step_complete(
                    branch=branch or 0,
                    actor=user,
                    step=_int(data.get("step")),
                    opinion=data.get("opinion", ""),
                )
                done = "本环节已办结，转下一环节。"
            elif op == "suspend":
                services.branch_suspend(
                    branch=branch or 0,
                    actor=user,
                    kind=data.get("kind", ""),
                    reason=data.get("reason", ""),
                    expected_days=_int(data.get("expected_days")),
                )
                done = "已进入特别程序，暂停计时。"
            elif op == "resume":
                services.branch_resume(branch=branch or 0, actor=user)
                done = "已恢复计时。"
            elif op == "supplement":
                services.branch_supplement_ask(
                    branch=branch or 0, actor=user, items=_lines(data.get("items", ""))
                )
                done = "补正请求已交牵头窗口，由其合并一次告知申请人。"
            elif op == "send_supplement":
                services.joint_supplement_send(
                    case=case, actor=user, reason=data.get("reason", "")
                )
                done = "已合并出具一份补正材料通知书。"
            elif op == "meeting":
                try:
                    held_on = datetime.date.fromisoformat(data.get("held_on", ""))
                except ValueError:
                    raise ApplicationError(
                        "invalid_date", "请填写会议日期（年-月-日）。"
                    ) from None
                services.joint_meeting_record(
                    case=case,
                    actor=user,
                    held_on=held_on,
                    minutes=data.get("minutes", ""),
                )
                done = "联办会议纪要已附卷。"
            elif op == "refer":
                services.referral_request(
                    case=case,
                    actor=user,
                    department=_int(data.get("department")) or 0,
                    reason=data.get("reason", ""),
                )
                done = "已转办，等待接收部门确认。"
            elif op == "confirm":
                services.referral_confirm(
                    case=case,
                    actor=user,
                    clock_reset_basis=data.get("clock_reset_basis", ""),
                )
                done = "已接收转办。"
            elif op == "report_up":
                services.case_report_up(
                    case=case,
                    actor=user,
                    upper_authority=data.get("upper_authority", ""),
                    opinion=data.get("opinion", ""),
                    upper_limit_days=_int(data.get("upper_limit_days")),
                )
                done = "已上报上级机关；案卷包可在本页下载。"
            elif op == "report_return":
                services.case_report_return(
                    case=case, actor=user, result=data.get("result", "")
                )
                done = "上级机关意见已登记。"
            else:
                raise ApplicationError("invalid_input", "未知的操作。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done)
        return redirect(reverse("workbench:joint-case", args=[case.pk]))
