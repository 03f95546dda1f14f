"""
Workbench pages of the first-question register (首问登记).

- ``feedback/first-questions/``: the register the user may see, by counter,
  department, pending handovers and dates; ``?export=xlsx`` exports it;
- ``feedback/first-questions/new/``: register one (from the counter desk
  with ``?ticket=ID``: channel, counter and ticket filled in; or a phone
  call with ``?channel=phone``);
- ``feedback/first-questions/{id}/``: the entry, its receipt, the handover
  (the first-responsible person) and the confirmation (the receiver);
- ``feedback/first-questions/{id}/receipt.pdf``: the receipt (回执).
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.accounts.constants import ROLE_GROUP_NAMES, STAFF_ROLES
from zhengtong.catalog.models import Counter, Department, ServiceItem
from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id
from zhengtong.feedback.documents import first_question_receipt_pdf
from zhengtong.feedback.models_complaints import (
    FirstQuestionChannel,
    FirstQuestionOutcome,
)
from zhengtong.feedback.selectors_complaints import (
    first_question_get_for_user,
    first_question_list_for_user,
    first_question_row,
)
from zhengtong.feedback.services import first_questions as services
from zhengtong.queueing.models import Ticket

from .feedback_complaint_views import timeline
from .supervision_exports import Column, xlsx_response
from .views import StaffRequiredMixin

TEMPLATES = "workbench/feedback/"
EXPORT_COLUMNS = (
    Column("登记编号", lambda r: r["number"], 18),
    Column("日期", lambda r: r["asked_on"], 12),
    Column("渠道", lambda r: r["channel"], 8),
    Column("来访人", lambda r: r["asker"], 10),
    Column("电话", lambda r: r["phone"], 14),
    Column("单位", lambda r: r["unit"], 16),
    Column("事项", lambda r: r["question"], 36),
    Column("涉及事项", lambda r: r["item"], 20),
    Column("办理结果", lambda r: r["outcome"], 12),
    Column("答复情况", lambda r: r["result"], 30),
    Column("首问责任人", lambda r: r["responsible"], 10),
    Column("工号", lambda r: r["responsible_number"], 10),
    Column("窗口", lambda r: r["counter"], 12),
    Column("部门", lambda r: r["department"], 16),
    Column("承接人", lambda r: r["handover_to"], 10),
    Column("确认期限", lambda r: r["handover_due"], 12),
    Column("确认时间", lambda r: r["confirmed_at"], 16),
    Column("取号", lambda r: r["ticket"], 8),
    Column("办件", lambda r: r["case"], 22),
)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _entry_or_404(request: HttpRequest, entry_id: int):
    try:
        return first_question_get_for_user(user=request.user, entry_id=entry_id)
    except ApplicationError as exc:
        raise Http404(exc.message) from None


def _staff_choices():
    names = [ROLE_GROUP_NAMES[r] for r in STAFF_ROLES]
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=names)
        .select_related("department")
        .distinct()
        .order_by("department__name", "display_name")
    )


class FirstQuestionListView(StaffRequiredMixin, View):
    """The register per counter and department, exportable to Excel."""

    def get(self, request: HttpRequest) -> HttpResponse:
        g = request.GET
        filters = {
            "counter_id": int_id(g.get("counter")),
            "department_id": int_id(g.get("department")),
            "pending": g.get("pending") == "1",
            "date_from": _date(g.get("from")),
            "date_to": _date(g.get("to")),
        }
        qs = first_question_list_for_user(user=request.user, **filters)
        if g.get("export") == "xlsx":
            return xlsx_response(
                title="首问登记台账",
                filename="首问登记台账",
                columns=EXPORT_COLUMNS,
                rows=(first_question_row(e) for e in qs.iterator(chunk_size=2000)),
            )
        context = {
            "section": "first_questions",
            "rows": [first_question_row(e) for e in qs[:200]],
            "filters": filters,
            "query": g.urlencode(),
            "counters": Counter.objects.filter(is_active=True).select_related("hall"),
            "departments": Department.objects.order_by("name"),
        }
        return render(request, TEMPLATES + "first_question_list.html", context)


class FirstQuestionNewView(StaffRequiredMixin, View):
    """Register a first question (two clicks from the counter desk)."""

    def _render(self, request, values: dict, error: str = "", status: int = 200):
        ticket = (
            Ticket.objects.filter(pk=int_id(values.get("ticket")) or 0).first()
            if values.get("ticket")
            else None
        )
        context = {
            "section": "first_questions",
            "values": values,
            "ticket": ticket,
            "error": error,
            "channels": FirstQuestionChannel.choices,
            "outcomes": FirstQuestionOutcome.choices,
            "staff": _staff_choices(),
            "items": ServiceItem.objects.filter(current_version__isnull=False).order_by(
                "name"
            )[:500],
        }
        return render(
            request, TEMPLATES + "first_question_new.html", context, status=status
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        values = {
            "ticket": request.GET.get("ticket", ""),
            "channel": request.GET.get("channel") or "onsite",
            "outcome": "answered",
        }
        return self._render(request, values)

    def post(self, request: HttpRequest) -> HttpResponse:
        p = request.POST
        try:
            entry = services.first_question_create(
                actor=request.user,
                channel=p.get("channel"),
                question=p.get("question"),
                outcome=p.get("outcome"),
                asker_name=p.get("asker_name", ""),
                asker_phone=p.get("asker_phone", ""),
                asker_unit=p.get("asker_unit", ""),
                result=p.get("result", ""),
                item_id=int_id(p.get("item")),
                ticket_id=int_id(p.get("ticket")),
                handover_to_id=int_id(p.get("handover_to")),
            )
        except ApplicationError as exc:
            return self._render(request, p.dict(), exc.message, status=400)
        messages.success(request, f"已登记 {entry.number}，可打印回执交来访人。")
        return redirect("workbench:feedback-first-question", entry.pk)


class FirstQuestionDetailView(StaffRequiredMixin, View):
    """One entry: receipt, handover, confirmation."""

    def _render(self, request, entry, error: str = "", status: int = 200):
        user = request.user
        context = {
            "section": "first_questions",
            "e": entry,
            "row": first_question_row(entry),
            "error": error,
            "may_handover": entry.responsible_id == user.pk
            and not entry.handover_pending,
            "may_confirm": entry.handover_pending and entry.handover_to_id == user.pk,
            "staff": _staff_choices(),
            "timeline": timeline(entry),
        }
        return render(
            request, TEMPLATES + "first_question_detail.html", context, status=status
        )

    def get(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        return self._render(request, _entry_or_404(request, entry_id))

    def post(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        entry = _entry_or_404(request, entry_id)
        p = request.POST
        try:
            if p.get("action") == "handover":
                services.first_question_handover(
                    entry=entry,
                    actor=request.user,
                    to_user_id=int_id(p.get("to")),
                    note=p.get("note", ""),
                )
            elif p.get("action") == "confirm":
                services.first_question_confirm(
                    entry=entry, actor=request.user, note=p.get("note", "")
                )
            else:
                raise ApplicationError("invalid_input", "未知操作。")
        except ApplicationError as exc:
            return self._render(
                request, _entry_or_404(request, entry_id), exc.message, exc.status
            )
        messages.success(request, "已保存。")
        return redirect("workbench:feedback-first-question", entry.pk)


class FirstQuestionReceiptView(StaffRequiredMixin, View):
    def get(self, request: HttpRequest, entry_id: int) -> HttpResponse:
        entry = _entry_or_404(request, entry_id)
        response = HttpResponse(
            first_question_receipt_pdf(entry), content_type="application/pdf"
        )
        response["Content-Disposition"] = (
            f'inline; filename="first-question-{entry.pk}.pdf"'
        )
        return response
