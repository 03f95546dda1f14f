"""
Admin of the queue: categories, counters' call order, hours, service rules.

Weekend and extended-hours service rules and their skips are saved through
``rules`` (validated, audited); the month preview shows what
``opening.hall_service_days()`` answers for a hall.
"""

import calendar as stdlib_calendar
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from zhengtong.catalog.models import Hall
from zhengtong.core.admin import LabelledTabularInline
from zhengtong.core.errors import ApplicationError

from . import models, opening, rules


class CounterCategoryInline(LabelledTabularInline):
    model = models.CounterCategory
    extra = 0


@admin.register(models.Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "prefix",
        "name",
        "code",
        "hall",
        "daily_cap",
        "warning_threshold",
        "minutes_per_service",
        "active",
    ]
    list_filter = ["hall", "active"]
    search_fields = ["name", "code"]
    filter_horizontal = ["departments", "items"]
    autocomplete_fields: list = []
    inlines = [CounterCategoryInline]


@admin.register(models.CounterCategory)
class CounterCategoryAdmin(admin.ModelAdmin):
    list_display = ["counter", "category", "rank"]
    list_filter = ["counter__hall", "category"]


@admin.register(models.StaffCounterAssignment)
class StaffCounterAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "counter", "created_at"]
    list_filter = ["counter__hall"]


@admin.register(models.OpeningHours)
class OpeningHoursAdmin(admin.ModelAdmin):
    list_display = [
        "hall",
        "weekday",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
    ]


@admin.register(models.ExtraServiceDay)
class ExtraServiceDayAdmin(admin.ModelAdmin):
    """Dated extra sessions ("this Sunday extra"); rules are ServiceRuleAdmin."""

    list_display = ["hall", "date", "kind", "start", "end", "appointments_only"]
    list_filter = ["kind", "hall"]


class ServiceRuleForm(forms.ModelForm):
    weekday_list = forms.TypedMultipleChoiceField(
        label="星期",
        choices=list(enumerate(models.WEEKDAY_SHORT)),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="“按星期”时选择，如每周六。",
    )

    class Meta:
        model = models.ServiceRule
        fields = [
            "hall",
            "category",
            "name",
            "days",
            "weekday_list",
            "start",
            "end",
            "valid_from",
            "valid_until",
            "mode",
            "on_holidays",
            "note",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial["weekday_list"] = list(self.instance.weekday_set)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        days = data.get("days")
        weekdays = data.get("weekday_list") or []
        self.instance.weekdays = (
            ",".join(str(d) for d in sorted(set(weekdays)))
            if days == models.ServiceRule.Days.WEEKDAYS
            else ""
        )
        required = ["hall", "name", "days", "start", "end", "valid_from", "mode"]
        if any(data.get(name) in (None, "") for name in required):
            return data  # the field errors say what is missing
        candidate = models.ServiceRule(
            pk=self.instance.pk,
            weekdays=self.instance.weekdays,
            **{
                name: data.get(name)
                for name in [*required, "category", "valid_until", "on_holidays"]
            },
        )
        try:
            rules.service_rule_validate(rule=candidate)
        except ApplicationError as exc:
            if exc.code not in rules.ORDER_CODES:  # the constraints report those
                raise ValidationError(exc.message) from exc
        return data


class ServiceRuleSkipFormSet(forms.BaseInlineFormSet):
    """Skips are checked against the rule as edited on the same page."""

    def clean(self) -> None:
        super().clean()
        rule = self.instance  # carries the submitted fields of the rule
        if rule.valid_from is None:
            return  # the rule's own errors come first
        for form in self.forms:
            day = getattr(form, "cleaned_data", {}).get("date")
            if day is None or form.cleaned_data.get("DELETE"):
                continue
            try:
                rules.service_rule_skip_validate(rule=rule, day=day)
            except ApplicationError as exc:
                form.add_error("date", exc.message)


class ServiceRuleSkipInline(LabelledTabularInline):
    model = models.ServiceRuleSkip
    formset = ServiceRuleSkipFormSet
    fields = ["date", "note"]
    extra = 1
    verbose_name = "例外日期（本日不开放）"
    verbose_name_plural = "例外日期（本日不开放，如：本周六培训暂停）"


@admin.register(models.ServiceRule)
class ServiceRuleAdmin(admin.ModelAdmin):
    """Weekend / extended service by rule, with skips and a month preview."""

    form = ServiceRuleForm
    inlines = [ServiceRuleSkipInline]
    list_display = [
        "name",
        "hall",
        "category",
        "days_col",
        "time_col",
        "period_col",
        "mode",
        "on_holidays",
        "preview_link",
    ]
    list_filter = ["hall", "mode", "days"]
    search_fields = ["name"]
    change_list_template = "admin/queueing/servicerule/change_list.html"

    @admin.display(description="服务日")
    def days_col(self, obj: models.ServiceRule) -> str:
        return obj.days_display

    @admin.display(description="时间")
    def time_col(self, obj: models.ServiceRule) -> str:
        return f"{obj.start:%H:%M}–{obj.end:%H:%M}"

    @admin.display(description="有效期", ordering="valid_from")
    def period_col(self, obj: models.ServiceRule) -> str:
        until = f"{obj.valid_until:%Y-%m-%d}" if obj.valid_until else "长期"
        return f"{obj.valid_from:%Y-%m-%d} 至 {until}"

    @admin.display(description="预览")
    def preview_link(self, obj: models.ServiceRule) -> str:
        today = timezone.localdate()
        first = max(obj.valid_from, today)
        if obj.valid_until is not None and obj.valid_until < first:
            first = obj.valid_from
        url = reverse("admin:queueing_servicerule_preview")
        return format_html(
            '<a href="{}?hall={}&year={}&month={}">月历</a>',
            url,
            obj.hall_id,
            first.year,
            first.month,
        )

    def save_model(
        self, request: HttpRequest, obj: models.ServiceRule, form: Any, change: bool
    ) -> None:
        rules.service_rule_save(rule=obj, actor=request.user)

    def delete_model(self, request: HttpRequest, obj: models.ServiceRule) -> None:
        rules.service_rule_delete(rule=obj, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    def save_formset(
        self, request: HttpRequest, form: Any, formset: Any, change: bool
    ) -> None:
        skips = formset.save(commit=False)
        for skip in formset.deleted_objects:
            rules.service_rule_skip_remove(skip=skip, actor=request.user)
        for skip in skips:
            rules.service_rule_skip_save(skip=skip, actor=request.user)

    # -- month preview -------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="queueing_servicerule_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """Show a hall's month: open weekend days, closed holidays, sessions."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        try:
            year = int(request.GET.get("year", today.year))
            month = int(request.GET.get("month", today.month))
            if not (1 <= month <= 12 and 2000 <= year <= 2200):
                raise ValueError
        except ValueError:
            messages.error(request, "年月有误，已显示本月。")
            year, month = today.year, today.month
        halls = list(Hall.objects.order_by("pk"))
        hall_id = request.GET.get("hall", "")
        hall = next((h for h in halls if str(h.pk) == hall_id), None)
        if hall is None:
            with_rules = models.ServiceRule.objects.values_list("hall_id", flat=True)
            ids = set(with_rules)
            hall = next((h for h in halls if h.pk in ids), halls[0] if halls else None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{year} 年 {month} 月服务日预览",
            "halls": halls,
            "hall": hall,
            "year": year,
            "month": month,
            "months": range(1, 13),
            "today": today,
            "weekday_labels": models.WEEKDAY_SHORT,
            **_preview_weeks(hall, year, month),
        }
        base = reverse("admin:queueing_servicerule_preview")
        hall_query = f"&hall={hall.pk}" if hall else ""
        prev_y, prev_m = (year - 1, 12) if month == 1 else (year, month - 1)
        next_y, next_m = (year + 1, 1) if month == 12 else (year, month + 1)
        context["prev_url"] = f"{base}?year={prev_y}&month={prev_m}{hall_query}"
        context["next_url"] = f"{base}?year={next_y}&month={next_m}{hall_query}"
        context["today_url"] = (
            f"{base}?year={today.year}&month={today.month}{hall_query}"
        )
        return TemplateResponse(
            request, "admin/queueing/servicerule/preview.html", context
        )


def _preview_weeks(hall: Hall | None, year: int, month: int) -> dict[str, Any]:
    """Return the month grid of ``hall`` and counts for the preview page."""
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    if hall is None:
        return {"weeks": [], "missing": False, "summary": {}}
    service = {
        d.date: d
        for d in opening.hall_service_days(
            hall=hall, first=weeks[0][0], last=weeks[-1][-1]
        )
    }
    grid = [
        [
            {"date": day, "in_month": day.month == month, "day": service.get(day)}
            for day in week
        ]
        for week in weeks
    ]
    in_month = [
        service[d] for week in weeks for d in week if d.month == month and d in service
    ]
    weekend_open = [
        d for d in in_month if d.kind in (opening.REST, opening.HOLIDAY) and d.is_open
    ]
    summary = {
        "weekend_open": weekend_open,
        "holidays_closed": [
            d
            for d in in_month
            if d.kind == opening.HOLIDAY and any(n.reason == "holiday" for n in d.notes)
        ],
        "makeup": [d for d in in_month if d.kind == opening.MAKEUP],
        "skipped": [d for d in in_month if any(n.reason == "skip" for n in d.notes)],
        "provisional": any(d.provisional for d in in_month),
    }
    missing = any(
        day.month == month and day not in service for week in weeks for day in week
    )
    return {"weeks": grid, "missing": missing, "summary": summary}


@admin.register(models.QueuePolicy)
class QueuePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "hall",
        "max_recalls",
        "aging_minutes",
        "no_show_limit",
        "no_show_window_days",
        "block_days",
    ]


@admin.register(models.Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: tickets change only through the queue services."""

    list_display = [
        "number",
        "category",
        "service_date",
        "status",
        "priority",
        "channel",
        "counter",
        "arrival_at",
        "called_at",
    ]
    list_filter = ["status", "priority", "channel", "service_date", "hall"]
    search_fields = ["number"]
    exclude = ["phone", "token"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(models.Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ["category", "slot_start", "status", "reminded_at"]
    list_filter = ["status", "category", "date"]
    exclude = ["phone", "code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
