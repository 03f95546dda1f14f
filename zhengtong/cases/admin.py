"""Admin: read-mostly views of cases; changes go through services."""

from django.contrib import admin

from zhengtong.core.masking import mask_id_number

from .models import Case, CaseDocument, CaseStep, Notification, StepTemplate
from .models_joint import (
    JointBranchTemplate,
    JointCoordinationRule,
    JointStepTemplate,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Show rows without allowing edits: state changes need services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "item_version",
        "applicant_name",
        "masked_id",
        "status",
        "lamp",
        "due_date",
    )
    list_filter = ("status", "lamp", "channel", "department")
    search_fields = ("number",)
    show_full_result_count = False

    @admin.display(description="证件号码")
    def masked_id(self, obj: Case) -> str:
        return mask_id_number(obj.applicant_id_number)


@admin.register(CaseDocument)
class CaseDocumentAdmin(ReadOnlyAdmin):
    list_display = ("number", "kind", "case", "issued_on")
    list_filter = ("kind",)
    search_fields = ("number",)


@admin.register(CaseStep)
class CaseStepAdmin(ReadOnlyAdmin):
    list_display = ("case", "order", "name", "assignee", "status", "due_date")
    list_filter = ("status",)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "title", "created_at", "read_at")


@admin.register(StepTemplate)
class StepTemplateAdmin(admin.ModelAdmin):
    list_display = (
        "item",
        "item_version",
        "order",
        "name",
        "role",
        "department",
        "limit_days",
        "decides",
    )
    raw_id_fields = ("item", "item_version", "department")


class JointStepTemplateInline(admin.TabularInline):
    """The branch's own line of steps; the last one decides (同意/不同意)."""

    model = JointStepTemplate
    extra = 0
    fields = ("order", "name", "role", "limit_days")


@admin.register(JointBranchTemplate)
class JointBranchTemplateAdmin(admin.ModelAdmin):
    """并联审批分支定义: a department of a joint item version, its steps."""

    list_display = (
        "item_version",
        "department",
        "order",
        "is_lead",
        "limit_days",
        "denial_stops_others",
    )
    raw_id_fields = ("item_version", "department")
    inlines = [JointStepTemplateInline]


@admin.register(JointCoordinationRule)
class JointCoordinationRuleAdmin(admin.ModelAdmin):
    list_display = ("region_code", "meeting_from", "convener_title")
