from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "department", "is_staff", "is_active")
    list_filter = ("groups", "department", "is_staff", "is_active")
    search_fields = ("username", "display_name")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("岗位", {"fields": ("display_name", "phone", "department")}),
    )
