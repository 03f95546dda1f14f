"""
Workbench pages of complaints (投诉).

- ``feedback/complaints/``: the complaints the user may see (integrity ones
  only for the discipline role), by state, with the lamp of the 5-day reply;
- ``feedback/complaints/new/``: register one (counter, phone, letter, 12345);
- ``feedback/complaints/{id}/``: the complaint with the form of its current
  step (拟办意见, 批准, 转办, 答复, 回访) for whom may take it;
- ``feedback/complaints/{id}/reply.pdf``: the written reply.

Thin: every rule is in ``zhengtong.feedback`` (permissions_complaints,
services.complaints, selectors_complaints); a refused action shows its
Chinese message on the same page.
"""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.catalog.models import Counter, Department
from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id
from zhengtong.feedback import permissions_complaints as perms
from zhengtong.feedback.documents import complaint_reply_pdf
from zhengtong.feedback.models_complaints import (
    ComplaintChannel,
    ComplaintRoute,
    ComplaintState,
    ReplyMode,
    RevisitResult,
)
from zhengtong.feedback.selectors_complaints import (
    complaint_categories,
    complaint_counts_for_user,
    complaint_get_for_user,
    complaint_lamp,
    complaint_list_for_user,
    complaint_masked_row,
)
from zhengtong.feedback.services import complaints as services

from .supervision_order_views import _forbidden, _timeline
from .views import StaffRequiredMixin

TEMPLATES = "workbench/feedback/"
ACTION_LABELS = {
    "complaint_create": "登记投诉",
    "complaint_propose": "提出拟办意见",
    "complaint_approve": "批准",
    "complaint_transfer": "转办",
    "complaint_reply": "答复",
    "complaint_revisit": "回访办结",
    "first_question_create": "首问登记",
    "first_question_handover": "转交",
    "first_question_confirm": "承接确认",
}


def timeline(obj: Any) -> list[dict[str, Any]]:
    """Return the audit timeline of ``obj`` with the feedback action labels."""
    return [
        {**row, "label": ACTION_LABELS.get(row["label"], row["label"])}
        for row in _timeline(obj)
    ]


def _complaint_or_404(request: HttpRequest, complaint_id: int):
    try:
        return complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    except ApplicationError as exc:
        raise Http404(exc.message) from None


def _post_id(request: HttpRequest, name: str) -> int | None:
    return int_id(request.POST.get(name))


class ComplaintListView(StaffRequiredMixin, View):
    """The complaints the user may see, by state."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not perms.can_view_complaints(request.user):
            return _forbidden(
                request, "投诉台账对中心投诉受理人员、纪检人员和部门工作人员开放。"
            )
        state = request.GET.get("state") or "open"
        if state not in ComplaintState.values and state not in ("open", "all"):
            state = "open"
        qs = complaint_list_for_user(
            user=request.user, state=None if state == "all" else state
        )
        context = {
            "section": "complaints",
            "rows": [complaint_masked_row(c) for c in qs[:200]],
            "state": state,
            "states": ComplaintState.choices,
            "counts": complaint_counts_for_user(user=request.user),
            "discipline": perms.is_discipline(request.user),
        }
        return render(request, TEMPLATES + "complaint_list.html", context)


class ComplaintNewView(StaffRequiredMixin, View):
    """Register a complaint received at the counter, by phone, letter or 12345."""

    def _render(self, request, values: dict, error: str = "", status: int = 200):
        context = {
            "section": "complaints",
            "values": values,
            "error": error,
            "categories": complaint_categories(),
            "channels": [
                c for c in ComplaintChannel.choices if c[0] != ComplaintChannel.ONLINE
            ],
            "counters": Counter.objects.filter(is_active=True).select_related("hall"),
        }
        return render(request, TEMPLATES + "complaint_new.html", context, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        values = {
            "channel": "onsite",
            "counter": request.GET.get("counter", ""),
            "ticket": request.GET.get("ticket", ""),
            "case": request.GET.get("case", ""),
        }
        return self._render(request, values)

    def post(self, request: HttpRequest) -> HttpResponse:
        p = request.POST
        category, _sep, subcategory = (p.get("category") or "").partition(":")
        try:
            complaint = services.complaint_create(
                actor=request.user,
                category=category,
                subcategory=subcategory or None,
                channel=p.get("channel"),
                content=p.get("content"),
                counter_id=_post_id(request, "counter"),
                case_id=_post_id(request, "case"),
                ticket_id=_post_id(request, "ticket"),
                hotline_number=p.get("hotline_number", ""),
                hotline_type=p.get("hotline_type") or None,
                complainant_name=p.get("complainant_name", ""),
                complainant_phone=p.get("complainant_phone", ""),
            )
        except ApplicationError as exc:
            return self._render(request, p.dict(), exc.message, status=400)
        messages.success(
            request,
            f"已登记投诉 {complaint.number}，请于 {complaint.reply_due:%Y年%m月%d日} 前答复。",
        )
        return redirect("workbench:feedback-complaint", complaint.pk)


def _forms(user: Any, complaint: Any) -> dict[str, bool]:
    """Which step forms the page shows (asked of the permission functions)."""
    office = perms.can_manage_complaint(user, complaint)
    state = complaint.state
    return {
        "propose": office and state == ComplaintState.RECEIVED,
        "approve": office
        and state == ComplaintState.PROPOSED
        and complaint.proposed_by_id != user.pk,
        "transfer": office and state == ComplaintState.APPROVED_TRANSFER,
        "reply": perms.can_reply_complaint(user, complaint)
        and state in services.REPLYABLE,
        "revisit": office and state == ComplaintState.REPLIED,
    }


class ComplaintDetailView(StaffRequiredMixin, View):
    """One complaint with the form of its current step."""

    def _render(self, request, complaint, error: str = "", status: int = 200):
        context = {
            "section": "complaints",
            "c": complaint,
            "row": complaint_masked_row(complaint),
            "lamp": complaint_lamp(complaint),
            "forms": _forms(request.user, complaint),
            "routes": ComplaintRoute.choices,
            "modes": ReplyMode.choices,
            "results": RevisitResult.choices,
            "departments": Department.objects.order_by("name"),
            "error": error,
            "timeline": timeline(complaint),
        }
        return render(
            request, TEMPLATES + "complaint_detail.html", context, status=status
        )

    def get(self, request: HttpRequest, complaint_id: int) -> HttpResponse:
        return self._render(request, _complaint_or_404(request, complaint_id))

    def post(self, request: HttpRequest, complaint_id: int) -> HttpResponse:
        complaint = _complaint_or_404(request, complaint_id)
        p, user = request.POST, request.user
        action = p.get("action")
        verified = {"yes": True, "no": False}.get(p.get("verified", ""))
        calls = {
            "propose": lambda: services.complaint_propose(
                complaint=complaint,
                actor=user,
                route=p.get("route"),
                proposal=p.get("proposal"),
                department_id=_post_id(request, "department"),
            ),
            "approve": lambda: services.complaint_approve(
                complaint=complaint, actor=user, note=p.get("note", "")
            ),
            "transfer": lambda: services.complaint_transfer(
                complaint=complaint,
                actor=user,
                department_id=_post_id(request, "department"),
                note=p.get("note", ""),
            ),
            "reply": lambda: services.complaint_reply(
                complaint=complaint,
                actor=user,
                text=p.get("text"),
                mode=p.get("mode") or None,
                verified=verified,
                late_reason=p.get("late_reason", ""),
            ),
            "revisit": lambda: services.complaint_revisit(
                complaint=complaint,
                actor=user,
                result=p.get("result"),
                text=p.get("text", ""),
            ),
        }
        if action not in calls:
            return self._render(request, complaint, "未知操作。", status=400)
        try:
            calls[action]()
        except ApplicationError as exc:
            complaint = _complaint_or_404(request, complaint_id)
            return self._render(request, complaint, exc.message, status=exc.status)
        messages.success(request, "已保存。")
        return redirect("workbench:feedback-complaint", complaint.pk)


class ComplaintReplyPdfView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, complaint_id: int) -> HttpResponse:
        complaint = _complaint_or_404(request, complaint_id)
        try:
            content = complaint_reply_pdf(complaint)
        except ApplicationError as exc:
            return _forbidden(request, exc.message)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="complaint-reply-{complaint.pk}.pdf"'
        )
        return response
