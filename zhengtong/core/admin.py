from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "stream",
        "seq",
        "action",
        "actor_label",
        "from_state",
        "to_state",
    )
    list_filter = ("action", "object_type")
    search_fields = ("stream", "object_id", "reason")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
