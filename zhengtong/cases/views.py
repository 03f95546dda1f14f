"""
Applicant pages of cases (申请人端) and the public lookup (办件查询).

Views are thin: they read through ``selectors``, write through ``services``,
ask ``permissions`` what to show, and show any ``ApplicationError`` as a
Chinese message next to the form, never as a server error.
"""

import mimetypes
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.clickjacking import xframe_options_sameorigin

from zhengtong.accounts.throttle import client_ip
from zhengtong.catalog.selectors import item_get_public
from zhengtong.core.errors import ApplicationError, NotFoundError
from zhengtong.core.masking import mask_id_number, mask_phone

from . import clock, permissions, selectors, services
from .constants import Action, DocumentKind, Lamp, Status
from .documents import document_render
from .forms import (
    ApplyForm,
    LookupForm,
    SupplementAnswerForm,
    WithdrawForm,
    material_field_name,
)
from .models import Case

PAGES = "cases/pages/"


def error_status(exc: ApplicationError) -> int:
    """Return the HTTP status a page answers with for a refused request."""
    return exc.status if exc.status in (400, 403, 404, 409) else 400


def case_public_steps(detail) -> list[dict]:
    """Return the timeline rows the applicant sees (no staff names)."""
    rows = []
    for event in detail.events:
        label = ACTION_LABELS.get(event.action)
        if label is None:
            continue
        rows.append(
            {
                "label": label,
                "at": event.created_at,
                "to": STATUS_LABELS.get(event.to_state, ""),
                "reason": event.reason
                if event.action
                in (
                    Action.REQUEST_SUPPLEMENT,
                    Action.REFUSE,
                    Action.DENY,
                    Action.EXTEND,
                    Action.SUSPEND,
                    Action.WITHDRAW,
                    Action.TERMINATE,
                    Action.MARK_NOT_REQUIRED,
                    Action.REFER,
                    Action.DEEM_WITHDRAW,
                    "convert_instant",
                    "tolerance_expired",
                )
                else "",
            }
        )
    return rows


ACTION_LABELS = {
    **{a.value: str(a.label) for a in Action},
    "create": "保存草稿",
    "material_add": None,
    "form_update": None,
    "step_start": None,
    "convert_instant": "即办件转为承诺件",
    "tolerance_supplied": "容缺材料已补齐",
    "tolerance_warn": "容缺材料到期提醒",
    "tolerance_expired": "容缺材料逾期未补齐",
}
ACTION_LABELS = {k: v for k, v in ACTION_LABELS.items() if v}
STATUS_LABELS = {s.value: str(s.label) for s in Status}

LAMP_TEXT = {"green": "正常", "yellow": "即将到期", "red": "已超期"}


STATUS_TAG = {
    Status.CONCLUDED: "tag-ok",
    Status.DECIDED_APPROVED: "tag-ok",
    Status.SUPPLEMENT_REQUESTED: "tag-warn",
    Status.SUSPENDED: "tag-warn",
    Status.DRAFT: "tag-warn",
    Status.REJECTED_AT_INTAKE: "tag-bad",
    Status.DECIDED_DENIED: "tag-bad",
    Status.WITHDRAWN: "tag-bad",
    Status.TERMINATED: "tag-bad",
    Status.REFERRED: "tag-bad",
    Status.NOT_REQUIRED: "tag-bad",
}


def case_list_rows(
    cases: list[Case], *, detail_url_name: str, with_assignee: bool = False
) -> list[dict[str, Any]]:
    """
    Return what the list rows show, as plain strings (fast to render).

    Personal data is masked: ID numbers and phones never reach the list.
    """
    cal = clock.calendar()
    status_labels = {value: str(label) for value, label in Status.choices}
    lamp_labels = {value: str(label) for value, label in Lamp.choices}
    url = reverse(detail_url_name, kwargs={"case_id": 0})[:-2]
    apply_url = reverse("cases:apply", kwargs={"item_id": 0})[:-2]
    return [
        {
            "number": case.number,
            "url": f"{url}{case.pk}/",
            "item": case.item_version.name,
            "applicant": case.applicant_name,
            "id_masked": mask_id_number(case.applicant_id_number),
            "status": status_labels.get(case.status, case.status),
            "status_tag": STATUS_TAG.get(case.status, ""),
            "received": case.received_date.strftime("%m-%d")
            if case.received_date
            else "—",
            "due": case.due_date.isoformat() if case.due_date else "—",
            "due_provisional": cal.is_provisional(case.due_date),
            "lamp": case.lamp,
            "lamp_label": lamp_labels.get(case.lamp, ""),
            "assignee": str(case.current_assignee)
            if with_assignee and case.current_assignee_id
            else "—",
            "status_value": case.status,
            "apply_url": f"{apply_url}{case.item_id}/",
        }
        for case in cases
    ]


class CaseApplyView(LoginRequiredMixin, View):
    """Apply online: contact and matter, one upload per material; drafts kept."""

    def _item(self, item_id: int):
        try:
            return item_get_public(item_id=item_id)
        except NotFoundError:
            raise Http404("事项不存在或未公开。") from None

    def _context(self, request, item, form, draft: Case | None, error: str = ""):
        version = item.current_version
        materials = list(version.materials.order_by("order", "id")) if version else []
        uploaded: dict[int, list] = {}
        if draft is not None:
            checklist, _extra = selectors.case_checklist_get(case=draft)
            uploaded = {row.material.pk: row.files for row in checklist}
        rows = [
            {
                "material": m,
                "field": form[material_field_name(m.pk)],
                "files": uploaded.get(m.pk, []),
            }
            for m in materials
        ]
        return {
            "item": item,
            "version": version,
            "form": form,
            "rows": rows,
            "draft": draft,
            "error": error,
            "masked_id": mask_id_number(
                request.user.id_number or request.user.credit_code
            ),
        }

    def _refusal(self, request, item) -> HttpResponse | None:
        if not permissions.can_submit(user=request.user):
            return render(request, PAGES + "not_applicant.html", status=403)
        if not item.online_available:
            return render(
                request, PAGES + "not_online.html", {"item": item}, status=409
            )
        return None

    def get(self, request: HttpRequest, item_id: int) -> HttpResponse:
        item = self._item(item_id)
        refusal = self._refusal(request, item)
        if refusal is not None:
            return refusal
        draft = selectors.case_draft_find(user=request.user, item=item)
        initial = {
            "contact_name": request.user.subject_name,
            "contact_phone": request.user.phone,
        }
        if draft is not None:
            initial.update({k: v for k, v in (draft.form_data or {}).items() if v})
        materials = item.current_version.materials.order_by("order", "id")
        form = ApplyForm(initial=initial, materials=materials)
        return render(
            request, PAGES + "apply.html", self._context(request, item, form, draft)
        )

    def post(self, request: HttpRequest, item_id: int) -> HttpResponse:
        item = self._item(item_id)
        refusal = self._refusal(request, item)
        if refusal is not None:
            return refusal
        draft = selectors.case_draft_find(user=request.user, item=item)
        materials = list(item.current_version.materials.order_by("order", "id"))
        form = ApplyForm(request.POST, request.FILES, materials=materials)
        submit = request.POST.get("do") == "submit"
        if not form.is_valid():
            ctx = self._context(request, item, form, draft)
            return render(request, PAGES + "apply.html", ctx, status=400)
        try:
            case = services.case_draft_save(
                applicant=request.user,
                item=item,
                case=draft,
                form_data=form.form_data(),
                files=form.material_files(),
                submit=submit,
            )
        except ApplicationError as exc:
            ctx = self._context(request, item, form, draft, error=exc.message)
            return render(request, PAGES + "apply.html", ctx, status=error_status(exc))
        if submit:
            messages.success(
                request,
                f"申请已提交，办件编号 {case.number}，查询码 {case.query_code}。请妥善保存查询码。",
            )
            return redirect("cases:detail", case_id=case.pk)
        messages.success(request, "草稿已保存，可随时回来继续填写。")
        return redirect("cases:apply", item_id=item.pk)


class CaseMineView(LoginRequiredMixin, View):
    """My cases: status, due date and lamp."""

    def get(self, request: HttpRequest) -> HttpResponse:
        cases = list(selectors.case_list_mine(user=request.user)[:100])
        notices = list(selectors.notification_list_for_user(user=request.user)[:8])
        return render(
            request,
            PAGES + "mine.html",
            {
                "rows": case_list_rows(cases, detail_url_name="cases:detail"),
                "notifications": notices,
            },
        )


class NotificationReadView(LoginRequiredMixin, View):
    """Mark one of my in-app notifications as read."""

    def post(self, request: HttpRequest, notification_id: int) -> HttpResponse:
        notification = (
            selectors.notification_list_for_user(user=request.user)
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            raise Http404("消息不存在。")
        services.notification_mark_read(notification=notification, user=request.user)
        return redirect("cases:mine")


def _supplement_materials(detail) -> tuple[object, list]:
    """Return the open 补正 request and the checklist materials it lists."""
    open_requests = [r for r in detail.supplement_requests if r.answered_at is None]
    request = open_requests[-1] if open_requests else None
    if request is None:
        return None, []
    wanted = {i.get("material_id") for i in request.items if i.get("material_id")}
    materials = [row.material for row in detail.checklist if row.material.pk in wanted]
    return request, materials


def _supplement_lines(request) -> list:
    """Return the lines of the open 补正 notice (one upload slot each)."""
    return list(request.items) if request is not None else []


class CaseDetailView(LoginRequiredMixin, View):
    """One of my cases: status, timeline, due date, notices, supplement, withdraw."""

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        return self.render_page(request, case_id)

    def render_page(
        self,
        request,
        case_id,
        *,
        form=None,
        tolerance_form=None,
        error: str = "",
        status: int = 200,
    ) -> HttpResponse:
        try:
            detail = selectors.case_detail_get(user=request.user, case_id=case_id)
        except NotFoundError:
            raise Http404("办件不存在或无权查看。") from None
        case = detail.case
        supplement_request, _materials = _supplement_materials(detail)
        if form is None and Action.SUPPLEMENT in detail.actions:
            form = SupplementAnswerForm(items=_supplement_lines(supplement_request))
        context = {
            "detail": detail,
            "case": case,
            "steps": case_public_steps(detail),
            "supplement_request": supplement_request,
            "supplement_rows": form.line_rows()
            if isinstance(form, SupplementAnswerForm)
            else [],
            "form": form,
            "error": error,
            "can_supplement": Action.SUPPLEMENT in detail.actions,
            "can_withdraw": Action.WITHDRAW in detail.actions,
            "is_draft": case.status == Status.DRAFT,
            "masked_id": mask_id_number(case.applicant_id_number),
            "masked_phone": mask_phone(case.applicant_phone),
            "lamp_text": LAMP_TEXT.get(case.lamp, ""),
            "documents": [d for d in detail.documents],
            "decision_kinds": (DocumentKind.APPROVAL, DocumentKind.DENIAL),
        }
        from .views_followup import followup_context

        context.update(followup_context(request, detail, tolerance_form))
        return render(request, PAGES + "detail.html", context, status=status)


class CaseSupplementView(CaseDetailView):
    """Answer a 补正 request: upload the listed materials and resubmit."""

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        try:
            detail = selectors.case_detail_get(user=request.user, case_id=case_id)
        except NotFoundError:
            raise Http404("办件不存在或无权查看。") from None
        open_request, _materials = _supplement_materials(detail)
        form = SupplementAnswerForm(
            request.POST, request.FILES, items=_supplement_lines(open_request)
        )
        if not form.is_valid():
            return self.render_page(request, case_id, form=form, status=400)
        try:
            services.case_supplement_submit(
                case=detail.case,
                actor=request.user,
                note=form.cleaned_data.get("note", ""),
                line_files=form.line_files(),
            )
        except ApplicationError as exc:
            return self.render_page(
                request, case_id, form=form, error=exc.message, status=error_status(exc)
            )
        messages.success(request, "补正材料已提交，请等待窗口重新审查。")
        return redirect("cases:detail", case_id=case_id)


class CaseWithdrawView(LoginRequiredMixin, View):
    """Withdraw an application, after an explicit confirmation."""

    def _case(self, request, case_id) -> Case:
        try:
            return selectors.case_get_for_user(user=request.user, case_id=case_id)
        except NotFoundError:
            raise Http404("办件不存在或无权查看。") from None

    def get(self, request: HttpRequest, case_id: int) -> HttpResponse:
        case = self._case(request, case_id)
        return render(
            request, PAGES + "withdraw.html", {"case": case, "form": WithdrawForm()}
        )

    def post(self, request: HttpRequest, case_id: int) -> HttpResponse:
        case = self._case(request, case_id)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                PAGES + "withdraw.html",
                {"case": case, "form": form},
                status=400,
            )
        try:
            services.case_withdraw(
                case=case, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            return render(
                request,
                PAGES + "withdraw.html",
                {"case": case, "form": form, "error": exc.message},
                status=error_status(exc),
            )
        messages.success(request, "申请已撤回。")
        return redirect("cases:detail", case_id=case.pk)


class CaseDocumentView(LoginRequiredMixin, View):
    """Download or open a notice (PDF) of a case the user may see."""

    @method_decorator(xframe_options_sameorigin)
    def get(self, request: HttpRequest, document_id: int) -> HttpResponse:
        try:
            document = selectors.case_document_get_for_user(
                user=request.user, document_id=document_id
            )
        except NotFoundError:
            raise Http404("文书不存在或无权查看。") from None
        document = document_render(document)
        filename = f"{document.get_kind_display()}-{document.case.number}.pdf"
        response = FileResponse(
            document.file.open("rb"),
            content_type="application/pdf",
            as_attachment=request.GET.get("download") == "1",
            filename=filename,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class CaseMaterialFileView(LoginRequiredMixin, View):
    """Show an uploaded material (inline, for the preview) to who may see it."""

    @method_decorator(xframe_options_sameorigin)
    def get(self, request: HttpRequest, material_id: int) -> HttpResponse:
        try:
            row = selectors.case_material_get_for_user(
                user=request.user, material_id=material_id
            )
        except NotFoundError:
            raise Http404("材料不存在或无权查看。") from None
        ext = mimetypes.guess_extension(row.content_type) or ""
        response = FileResponse(
            row.file.open("rb"),
            content_type=row.content_type,
            as_attachment=request.GET.get("download") == "1",
            filename=f"{row.name[:60]}{ext}",
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


LOOKUP_MISSES_PER_HOUR = 30


def _lookup_key(request: HttpRequest) -> str:
    return "cases:lookup-miss:" + client_ip(request)


class CaseLookupView(View):
    """
    Public lookup by number and query code: status and key dates only.

    A wrong number and a wrong code answer alike; after
    ``LOOKUP_MISSES_PER_HOUR`` misses from one address the page refuses for
    an hour (against guessing query codes).
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        result = None
        not_found = False
        throttled = False
        status = 200
        form = LookupForm(request.GET or None)
        if request.GET:
            misses = cache.get(_lookup_key(request), 0)
            if misses >= LOOKUP_MISSES_PER_HOUR:
                throttled, status = True, 429
            elif form.is_valid():
                result = selectors.case_public_lookup(
                    number=form.cleaned_data["number"],
                    query_code=form.cleaned_data["code"],
                )
                not_found = result is None
            else:
                not_found = True
            if not_found:
                cache.set(_lookup_key(request), misses + 1, 3600)
        response = render(
            request,
            PAGES + "lookup.html",
            {
                "form": form,
                "result": result,
                "not_found": not_found,
                "throttled": throttled,
            },
            status=status,
        )
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store"
        return response
