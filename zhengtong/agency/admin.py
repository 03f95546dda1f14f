"""Admin of agency: officers and thresholds are kept here; records read-only."""

from django.contrib import admin

from .models import (
    AgencyAssignment,
    AgencyOfficer,
    Handover,
    MajorProject,
    MajorProjectRule,
    MajorProjectStage,
    PriorityMark,
)


@admin.register(AgencyOfficer)
class AgencyOfficerAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "qualification",
        "certificate_number",
        "valid_until",
        "is_active",
    )
    list_filter = ("is_active",)
    raw_id_fields = ("user",)
    search_fields = ("user__display_name", "certificate_number")


@admin.register(MajorProjectRule)
class MajorProjectRuleAdmin(admin.ModelAdmin):
    list_display = (
        "region",
        "sector",
        "registered_capital_wan",
        "foreign_capital_usd_wan",
        "total_investment_wan",
    )
    list_filter = ("sector",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by the services (audited): read here, never edited."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AgencyAssignment)
class AgencyAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("case", "kind", "status", "officer", "authorised_at")
    list_filter = ("kind", "status")


class StageInline(admin.TabularInline):
    model = MajorProjectStage
    extra = 0
    can_delete = False
    readonly_fields = ("stage", "note", "actor", "recorded_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MajorProject)
class MajorProjectAdmin(ReadOnlyAdmin):
    list_display = ("number", "name", "enterprise", "stage", "follow_up_officer")
    list_filter = ("stage", "sector")
    inlines = [StageInline]


@admin.register(PriorityMark)
class PriorityMarkAdmin(ReadOnlyAdmin):
    list_display = ("kind", "basis", "case", "ticket", "marked_on", "marked_by")
    list_filter = ("kind",)


@admin.register(Handover)
class HandoverAdmin(ReadOnlyAdmin):
    list_display = ("case", "method", "identity_check", "counter", "handed_at")
    list_filter = ("method",)
