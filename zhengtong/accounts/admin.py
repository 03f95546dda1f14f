from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import AgentAuthorization, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "department", "is_staff", "is_active")
    list_filter = ("groups", "department", "is_staff", "is_active")
    search_fields = ("username", "display_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "岗位",
            {
                "fields": (
                    "display_name",
                    "phone",
                    "department",
                    "counters",
                    "backup",
                    "is_absent",
                    "absent_note",
                )
            },
        ),
        (
            "申请人身份",
            {
                "fields": (
                    "subject_kind",
                    "id_type",
                    "id_number",
                    "org_name",
                    "credit_code",
                )
            },
        ),
    )


@admin.register(AgentAuthorization)
class AgentAuthorizationAdmin(admin.ModelAdmin):
    list_display = ("principal", "agent", "valid_from", "valid_until", "revoked_at")
    raw_id_fields = ("principal", "agent")
