"""
Admin of stats.  The assessment scheme and its indicators are data a region
edits here (stats-assessment.md); signed months, revisions, entries and
reports are read-only (written by the services only, audited).  The facts
and rollups have no admin: they are rebuilt from the events.
"""

from django.contrib import admin

from .models_assessment import (
    AssessmentIndicator,
    AssessmentMonth,
    AssessmentRevision,
    AssessmentScheme,
    DisciplineEntry,
    StatsReport,
)


class IndicatorInline(admin.TabularInline):
    model = AssessmentIndicator
    extra = 0
    fields = ("position", "source", "category", "subject", "points", "target", "cap")


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "red_flag_count", "red_flag_period_months")
    inlines = [IndicatorInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AssessmentMonth)
class AssessmentMonthAdmin(ReadOnlyAdmin):
    list_display = ("month", "region_code", "revision", "signed_by", "signed_at")


@admin.register(AssessmentRevision)
class AssessmentRevisionAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "number", "reason", "created_by", "created_at")


@admin.register(DisciplineEntry)
class DisciplineEntryAdmin(ReadOnlyAdmin):
    list_display = ("month", "category", "person", "counter", "points", "voided_at")
    list_filter = ("category", "month")


@admin.register(StatsReport)
class StatsReportAdmin(ReadOnlyAdmin):
    list_display = ("period", "kind", "department", "generated_by", "created_at")
    list_filter = ("kind",)
