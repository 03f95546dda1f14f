"""
Admin page 「导入放假通知」: paste the notice, see it beside the calendar, load it.

``/admin/workdays/calendaryear/import-notice/``, three steps on one URL:

1. a form: paste the text, or upload the saved .txt / .html page;
2. preview (POST ``step=preview``): the notice line by line, a 12-month grid
   of the notice beside what the calendar holds now with every date whose
   working/rest status changes highlighted (推定 → 通知), the list of those
   dates, the dry-run counts and the ``holidays`` package's disagreements;
3. confirm (POST ``step=confirm``): the text comes back, is parsed again on
   the server (the client sends no days) and must give the same days as the
   preview; then ``notice_year_load`` loads it through the audited services
   and the result page shows what changed and the deadlines corrected.

Open to superusers and to staff with the add permission of the calendar.

中文：导入放假通知（管理后台）
"""

from __future__ import annotations

import calendar as stdlib_calendar
import hashlib
import json
from datetime import date
from functools import partial
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path

from zhengtong.core.errors import ApplicationError

from .constants import YearStatus
from .notice import NoticeChange, NoticeParseError, ParsedNotice, parse_notice
from .notice_load import (
    EARLIER_LABELS,
    notice_change_labels,
    notice_compare,
    notice_gap_warning,
    notice_line_summary,
    notice_year_load,
    weekday_label,
)
from .selectors import calendar_month_get

__all__ = ["can_import_notice", "notice_import_urls"]

MAX_UPLOAD = 2 * 1024 * 1024
WEEKDAY_HEAD = ["一", "二", "三", "四", "五", "六", "日"]
TEMPLATES = "admin/workdays/notice_{}.html"


def can_import_notice(user: Any) -> bool:
    """
    Return whether ``user`` may load a notice (superuser or add permission).

    中文：可否导入放假通知
    """
    return bool(
        user.is_active
        and user.is_staff
        and (
            user.is_superuser
            or user.has_perm("workdays.add_calendaryear")
            or user.has_perm("workdays.add_calendarday")
        )
    )


class NoticeImportForm(forms.Form):
    """The notice as pasted text or an uploaded file, and where it comes from."""

    text = forms.CharField(
        label="通知原文",
        required=False,
        max_length=200_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text="从中国政府网复制全文粘贴于此（含标题“国务院办公厅关于××××年部分节假日安排的通知”）。",
    )
    upload = forms.FileField(
        label="或上传文件",
        required=False,
        help_text="另存的网页（.html）或文本（.txt），UTF-8 或 GBK 编码，不超过 2 MB。",
    )
    year = forms.IntegerField(
        label="年份",
        required=False,
        min_value=2000,
        max_value=2200,
        help_text="原文中有标题时可不填。",
    )
    source_url = forms.URLField(
        label="通知链接", required=False, max_length=300, assume_scheme="https"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("upload")
        if upload:
            if upload.size > MAX_UPLOAD:
                raise forms.ValidationError("文件超过 2 MB，请只保存通知所在的网页。")
            raw = upload.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    data["text"] = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise forms.ValidationError("文件既不是 UTF-8 也不是 GBK 编码。")
        if not (data.get("text") or "").strip():
            raise forms.ValidationError("请粘贴通知原文，或上传另存的网页或文本文件。")
        return data


def notice_digest(notice: ParsedNotice) -> str:
    """Return a fingerprint of the days a notice sets (preview = confirm)."""
    payload = json.dumps([notice.year, notice.as_json()], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _months(notice: ParsedNotice) -> list[dict[str, Any]]:
    """Return 12 month grids: the notice's days beside the calendar's now."""
    days = {d.date: d for d in notice.days}
    months = []
    for month in range(1, 13):
        now = {
            cell.date: cell
            for week in calendar_month_get(year=notice.year, month=month)
            for cell in week
        }
        weeks = []
        for week in stdlib_calendar.Calendar(0).monthdatescalendar(notice.year, month):
            row = []
            for d in week:
                cell = now[d]
                day = days.get(d)
                working = (not day.off_day) if day else d.weekday() < 5
                changed = (
                    d.month == month
                    and cell.working is not None
                    and cell.working != working
                )
                tip = ""
                if changed:
                    name = day.name if day else ""
                    change = NoticeChange(
                        d, cell.working, working, cell.provisional, name
                    )
                    before, after = notice_change_labels(change)
                    tip = f"{d.month}月{d.day}日 {weekday_label(d)}：现在{before} → 通知{after}"
                row.append(
                    {
                        "date": d,
                        "in_month": d.month == month,
                        "weekend": d.weekday() >= 5,
                        "day": day,
                        "working": working,
                        "changed": changed,
                        "now_working": cell.working,
                        "now_name": cell.name,
                        "provisional": cell.provisional,
                        "tip": tip,
                    }
                )
            weeks.append(row)
        months.append({"month": month, "weeks": weeks})
    return months


def _context(model_admin: admin.ModelAdmin, request: HttpRequest) -> dict[str, Any]:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "导入放假通知",
        "weekday_head": WEEKDAY_HEAD,
    }


def _form_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    form: NoticeImportForm,
    error: NoticeParseError | None = None,
) -> HttpResponse:
    context = _context(model_admin, request) | {"form": form, "parse_error": error}
    if error and error.line:
        prefix = f"第 {error.line} 行“{error.text}”中"
        context["error_reason"] = error.message.removeprefix(prefix)
        if error.phrase and error.phrase in error.text:
            before, _, after = error.text.partition(error.phrase)
            context["error_parts"] = (before, error.phrase, after)
    return TemplateResponse(request, TEMPLATES.format("form"), context)


def _preview_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    notice: ParsedNotice,
    form: NoticeImportForm,
    error: str = "",
) -> HttpResponse:
    url = form.cleaned_data.get("source_url") or ""
    dry = notice_year_load(
        notice, source_url=url, dry_run=True, check_holidays_package=True
    )
    status, changes = notice_compare(notice)
    context = _context(model_admin, request) | {
        "title": f"导入放假通知：{notice.year} 年预览",
        "notice": notice,
        "lines": [(line, notice_line_summary(line)) for line in notice.lines],
        "status": status,
        "status_label": YearStatus(status).label,
        "changes": [
            (c, weekday_label(c.date), *notice_change_labels(c)) for c in changes
        ],
        "months": _months(notice),
        "dry": dry,
        "earlier": [(d, EARLIER_LABELS[a]) for d, a in dry.earlier],
        "off_count": sum(1 for d in notice.days if d.off_day),
        "makeup_count": sum(1 for d in notice.days if not d.off_day),
        "text": form.cleaned_data["text"],
        "source_url": url,
        "digest": notice_digest(notice),
        "error": error,
        "gap_warning": notice_gap_warning(notice),
    }
    return TemplateResponse(request, TEMPLATES.format("preview"), context)


def notice_import_view(
    model_admin: admin.ModelAdmin, request: HttpRequest
) -> HttpResponse:
    """
    Show the form, the preview, or load the notice (see the module docstring).

    中文：导入放假通知
    """
    if not can_import_notice(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _form_page(model_admin, request, NoticeImportForm())
    form = NoticeImportForm(request.POST, request.FILES)
    if not form.is_valid() or request.POST.get("step") == "edit":
        return _form_page(model_admin, request, form)
    try:
        notice = parse_notice(form.cleaned_data["text"], year=form.cleaned_data["year"])
    except NoticeParseError as exc:
        return _form_page(model_admin, request, form, exc)
    if request.POST.get("step") != "confirm":
        return _preview_page(model_admin, request, notice, form)
    if request.POST.get("digest") != notice_digest(notice):
        return _preview_page(
            model_admin,
            request,
            notice,
            form,
            "通知内容与预览时不同，请重新核对后再确认。",
        )
    try:
        result = notice_year_load(
            notice,
            source_url=form.cleaned_data.get("source_url") or "",
            actor=request.user,
        )
    except ApplicationError as exc:
        return _preview_page(model_admin, request, notice, form, exc.message)
    messages.success(request, f"已按国务院通知导入 {notice.year} 年放假安排。")
    recompute = result.recompute
    context = _context(model_admin, request) | {
        "title": f"已导入 {notice.year} 年放假安排",
        "notice": notice,
        "result": result,
        "earlier": [(d, EARLIER_LABELS[a]) for d, a in result.earlier],
        "recompute": recompute,
        "recompute_counts": getattr(recompute, "counts", []),
        "first_month": date(notice.year, 1, 1),
    }
    return TemplateResponse(request, TEMPLATES.format("result"), context)


def notice_import_urls(model_admin: admin.ModelAdmin) -> list[URLPattern]:
    """Return the URL of the page, to add to ``CalendarYearAdmin.get_urls``."""
    view = model_admin.admin_site.admin_view(partial(notice_import_view, model_admin))
    return [path("import-notice/", view, name="workdays_calendaryear_import_notice")]
