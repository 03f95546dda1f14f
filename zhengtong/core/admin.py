from django.contrib import admin

from .models import AuditEvent, OutboxJob


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


@admin.register(OutboxJob)
class OutboxJobAdmin(admin.ModelAdmin):
    """Background jobs (read only): what ran, what waits, what failed and why."""

    list_display = ("id", "job", "state", "attempts", "created_at", "done_at")
    list_filter = ("state", "job")
    readonly_fields = [f.name for f in OutboxJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LabelledTabularInline(admin.TabularInline):
    """
    A tabular inline whose inputs have an accessible name.

    Django's tabular inline shows each field's name only as a column header,
    so a screen reader reaches unnamed inputs (axe rule ``label``, WCAG
    1.3.1 and 4.1.2). Each widget gets an ``aria-label`` with its field label.

    中文：表格式内联（每个输入框带无障碍名称）
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            label = formfield.label or db_field.verbose_name
            formfield.widget.attrs.setdefault("aria-label", str(label))
        return formfield
