"""
Portal pages of complaints (投诉), for the applicant.

- ``feedback/complaints/``: 我的投诉, with status and replies;
- ``feedback/complaints/new/``: the complaint form (``?case=ID`` from a case
  page, ``?counter=ID`` from a counter; reachable from every case page and
  the guide page);
- ``feedback/complaints/{id}/``: one complaint with its reply and, when
  written, the reply document (PDF).

Thin: the rules are in ``zhengtong.feedback``.
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from zhengtong.cases.models import Case
from zhengtong.cases.permissions import is_staff_member
from zhengtong.core.errors import ApplicationError
from zhengtong.core.inputs import int_id
from zhengtong.feedback.documents import complaint_reply_pdf
from zhengtong.feedback.selectors_complaints import (
    complaint_categories,
    complaint_contact_for,
    complaint_get_for_user,
    complaint_list_for_user,
)
from zhengtong.feedback.services.complaints import complaint_create

TEMPLATES = "portal/feedback/"


def _login(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None


def _own(request: HttpRequest, complaint_id: int):
    try:
        complaint = complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    except ApplicationError as exc:
        raise Http404(exc.message) from None
    if complaint.complainant_id != request.user.pk:
        raise Http404("投诉不存在或无权查看。")
    return complaint


class MyComplaintsView(View):
    """我的投诉."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if (response := _login(request)) is not None:
            return response
        rows = list(complaint_list_for_user(user=request.user, mine=True)[:100])
        return render(
            request,
            TEMPLATES + "complaint_mine.html",
            {"rows": rows, "contact": complaint_contact_for(None)},
        )


class ComplaintFormView(View):
    """The complaint form (网上投诉)."""

    def _render(self, request, values: dict, error: str = "", status: int = 200):
        case_id = int_id(values.get("case"))
        case = (
            Case.objects.filter(pk=case_id, applicant=request.user)
            .select_related("item")
            .first()
            if case_id
            else None
        )
        context = {
            "values": values,
            "case": case,
            "error": error,
            "categories": [c for c in complaint_categories() if not c["hotline"]],
            "contact": complaint_contact_for(None),
            "staff_user": is_staff_member(request.user),
        }
        return render(
            request, TEMPLATES + "complaint_form.html", context, status=status
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        if (response := _login(request)) is not None:
            return response
        values = {
            "case": request.GET.get("case", ""),
            "counter": request.GET.get("counter", ""),
        }
        return self._render(request, values)

    def post(self, request: HttpRequest) -> HttpResponse:
        if (response := _login(request)) is not None:
            return response
        p = request.POST
        if is_staff_member(request.user):
            return self._render(
                request, p.dict(), "工作人员请在工作台登记投诉。", status=403
            )
        category, _sep, subcategory = (p.get("category") or "").partition(":")
        try:
            complaint = complaint_create(
                actor=request.user,
                category=category,
                subcategory=subcategory or None,
                channel="online",
                content=p.get("content"),
                case_id=int_id(p.get("case")),
                counter_id=int_id(p.get("counter")),
            )
        except ApplicationError as exc:
            return self._render(request, p.dict(), exc.message, status=400)
        messages.success(
            request,
            f"投诉已受理，编号 {complaint.number}。我们将在 "
            f"{complaint.reply_due:%Y年%m月%d日} 前书面答复您。",
        )
        return redirect("portal:feedback-complaint", complaint.pk)


class ComplaintView(View):
    """One of my complaints, with its reply."""

    def get(self, request: HttpRequest, complaint_id: int) -> HttpResponse:
        if (response := _login(request)) is not None:
            return response
        complaint = _own(request, complaint_id)
        return render(request, TEMPLATES + "complaint_detail.html", {"c": complaint})


class ComplaintReplyPdfView(View):
    def get(self, request: HttpRequest, complaint_id: int) -> HttpResponse:
        if (response := _login(request)) is not None:
            return response
        complaint = _own(request, complaint_id)
        try:
            content = complaint_reply_pdf(complaint)
        except ApplicationError as exc:
            raise Http404(exc.message) from None
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'inline; filename="complaint-reply-{complaint.pk}.pdf"'
        )
        return response
