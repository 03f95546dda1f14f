"""
Admin for the working-day calendar: special days, loaded years, month view.

Edits go through ``services`` so that each one is validated and audited.

中文：工作日历管理
"""

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from zhengtong.core.errors import ApplicationError

from .admin_notice import notice_import_urls
from .constants import DayKind
from .models import CalendarDay, CalendarRecompute, CalendarYear
from .selectors import (
    calendar_get,
    calendar_month_get,
    region_code_normalise,
    region_layers,
)
from .services import calendar_day_delete, calendar_day_set, calendar_day_validate

WEEKDAY_LABELS = ["一", "二", "三", "四", "五", "六", "日"]


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "region_code", "source_notice"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        day, kind = data.get("date"), data.get("kind")
        try:
            code = region_code_normalise(data.get("region_code"))
            data["region_code"] = code
            if day and kind:
                calendar_day_validate(day=day, kind=kind, region_code=code)
        except ApplicationError as exc:
            raise ValidationError(exc.message) from exc
        return data


def _region_choices() -> list[tuple[str, str]]:
    """Return the regions that have their own rows, with names if known."""
    codes = set(
        CalendarDay.objects.exclude(region_code="").values_list(
            "region_code", flat=True
        )
    ) | set(
        CalendarYear.objects.exclude(region_code="").values_list(
            "region_code", flat=True
        )
    )
    names: dict[str, str] = {}
    try:
        from zhengtong.catalog.models import Region

        names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    except (ImportError, LookupError):  # pragma: no cover
        names = {}
    return [("", "全国")] + [
        (code, f"{names.get(code, '')} {code}".strip()) for code in sorted(codes)
    ]


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = (
        "date",
        "weekday",
        "kind_tag",
        "name",
        "region_display",
        "source_notice",
    )
    list_filter = ("kind", "region_code", ("date", admin.DateFieldListFilter))
    search_fields = ("name", "region_code", "source_notice")
    date_hierarchy = "date"
    ordering = ("-date", "region_code")
    list_per_page = 60
    change_list_template = "admin/workdays/calendarday/change_list.html"

    @admin.display(description="星期")
    def weekday(self, obj: CalendarDay) -> str:
        return "周" + WEEKDAY_LABELS[obj.date.weekday()]

    @admin.display(description="类型", ordering="kind")
    def kind_tag(self, obj: CalendarDay) -> str:
        colour = {
            DayKind.HOLIDAY: "#b42318",
            DayKind.MAKEUP_WORKDAY: "#1d4ed8",
        }.get(obj.kind, "#555")
        return format_html(
            '<span style="color:{};font-weight:600">{}</span>',
            colour,
            obj.get_kind_display(),
        )

    @admin.display(description="适用范围", ordering="region_code")
    def region_display(self, obj: CalendarDay) -> str:
        return obj.region_code or "全国"

    def save_model(
        self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool
    ) -> None:
        if change and obj.pk:
            old = CalendarDay.objects.get(pk=obj.pk)
            if (old.date, old.region_code) != (obj.date, obj.region_code):
                calendar_day_delete(
                    day=old.date,
                    region_code=old.region_code,
                    actor=request.user,
                    reason="管理后台修改日期或区划",
                )
        saved = calendar_day_set(
            day=obj.date,
            kind=obj.kind,
            name=obj.name,
            region_code=obj.region_code,
            source_notice=obj.source_notice,
            actor=request.user,
            reason="管理后台",
        )
        obj.pk = saved.pk
        obj.created_at, obj.updated_at = saved.created_at, saved.updated_at

    def delete_model(self, request: HttpRequest, obj: CalendarDay) -> None:
        calendar_day_delete(
            day=obj.date,
            region_code=obj.region_code,
            actor=request.user,
            reason="管理后台删除",
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    # -- month view ----------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "month/",
                self.admin_site.admin_view(self.month_view),
                name="workdays_calendarday_month",
            ),
            *super().get_urls(),
        ]

    def month_view(self, request: HttpRequest) -> HttpResponse:
        """Show one month as a grid: holidays in red, 调休上班 days marked."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        today = timezone.localdate()
        try:
            year = int(request.GET.get("year", today.year))
            month = int(request.GET.get("month", today.month))
            if not (1 <= month <= 12 and 1949 <= year <= 2200):
                raise ValueError
        except ValueError:
            messages.error(request, "年月有误，已显示本月。")
            year, month = today.year, today.month
        try:
            region = region_code_normalise(request.GET.get("region"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            region = ""
        weeks = calendar_month_get(year=year, month=month, region_code=region)
        cal = calendar_get(region_code=region)
        first = date(year, month, 1)
        loaded = cal.covers(first)
        prev_y, prev_m = (year - 1, 12) if month == 1 else (year, month - 1)
        next_y, next_m = (year + 1, 1) if month == 12 else (year, month + 1)
        base = reverse("admin:workdays_calendarday_month")

        def link(y: int, m: int) -> str:
            query = f"?year={y}&month={m}"
            return base + query + (f"&region={region}" if region else "")

        working = sum(1 for week in weeks for c in week if c.in_month and c.working)
        regions = _region_choices()
        if region and region not in {c for c, _ in regions}:
            regions.append((region, region))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{year} 年 {month} 月工作日历",
            "weeks": weeks,
            "weekday_labels": WEEKDAY_LABELS,
            "year": year,
            "month": month,
            "region": region,
            "regions": regions,
            "layers": region_layers(region),
            "loaded": loaded,
            "provisional": year in cal.provisional_years,
            "working_count": working,
            "prev_url": link(prev_y, prev_m),
            "next_url": link(next_y, next_m),
            "today_url": link(today.year, today.month),
            "today": today,
            "years": sorted(cal.years),
            "months": range(1, 13),
        }
        return TemplateResponse(request, "admin/workdays/month.html", context)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = (
        "year",
        "region_display",
        "source",
        "source_notice",
        "loaded_at",
        "month_link",
    )
    list_filter = ("source", "region_code")
    ordering = ("-year", "region_code")
    readonly_fields = (
        "year",
        "region_code",
        "source",
        "source_notice",
        "source_url",
        "loaded_at",
        "created_at",
        "updated_at",
    )
    fields = (*readonly_fields[:-2], "note")

    @admin.display(description="适用范围", ordering="region_code")
    def region_display(self, obj: CalendarYear) -> str:
        return obj.region_code or "全国"

    @admin.display(description="月历")
    def month_link(self, obj: CalendarYear) -> str:
        url = reverse("admin:workdays_calendarday_month")
        query = f"?year={obj.year}&month=1"
        if obj.region_code:
            query += f"&region={obj.region_code}"
        return format_html('<a href="{}{}">查看月历</a>', url, query)

    def get_urls(self) -> list[URLPattern]:
        # 「导入放假通知」: /admin/workdays/calendaryear/import-notice/
        return [*notice_import_urls(self), *super().get_urls()]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Years are loaded from the notice (导入放假通知) or ``load_holidays``.
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: CalendarYear | None = None
    ) -> bool:
        # Removing a year would make deadlines of that year uncomputable.
        return False


@admin.register(CalendarRecompute)
class CalendarRecomputeAdmin(admin.ModelAdmin):
    """期限校正记录: what each calendar change corrected (read-only)."""

    list_display = ("created_at", "notice", "actor_label", "moved", "earlier", "later")
    readonly_fields = (
        "created_at",
        "notice",
        "actor_label",
        "moved",
        "earlier",
        "later",
        "changed_days",
        "counts",
    )
    fields = readonly_fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: CalendarRecompute | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: CalendarRecompute | None = None
    ) -> bool:
        return False
