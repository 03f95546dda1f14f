from django.contrib import admin

from . import models


class CounterCategoryInline(admin.TabularInline):
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
    list_display = ["hall", "date", "kind", "start", "end", "appointments_only"]
    list_filter = ["kind", "hall"]


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
