"""
Building bundles in the admin (一件事配置): a bundle with its items,
questions, rules, shared fields and shared materials as inlines; each
shared material's checklist lines on its own page (targets inline).
"""

from typing import Any

from django.contrib import admin

from zhengtong.core.audit import audit_record

from .models import (
    Bundle,
    BundleApplication,
    BundleField,
    BundleItem,
    BundleMaterial,
    BundleMaterialTarget,
    BundleQuestion,
    BundleRule,
    BundleSubCase,
)


class _OfThisBundle:
    """Limit a bundle inline's foreign keys to the bundle being edited."""

    bundle_fields: dict[str, Any] = {}

    def get_formset(self, request, obj=None, **kwargs):
        request._bundle_obj = obj
        return super().get_formset(request, obj, **kwargs)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        bundle = getattr(request, "_bundle_obj", None)
        if db_field.name in ("question", "item") and field is not None:
            model = field.queryset.model
            if model in (BundleQuestion, BundleItem):
                field.queryset = field.queryset.filter(bundle=bundle)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        bundle = getattr(request, "_bundle_obj", None)
        if db_field.name == "items" and field is not None:
            field.queryset = field.queryset.filter(bundle=bundle)
        return field


class BundleItemInline(admin.TabularInline):
    model = BundleItem
    extra = 0
    autocomplete_fields = ["item"]


class BundleQuestionInline(admin.TabularInline):
    model = BundleQuestion
    extra = 0


class BundleRuleInline(_OfThisBundle, admin.TabularInline):
    model = BundleRule
    extra = 0


class BundleFieldInline(_OfThisBundle, admin.TabularInline):
    model = BundleField
    extra = 0


class BundleMaterialInline(admin.TabularInline):
    model = BundleMaterial
    extra = 0
    show_change_link = True


@admin.register(Bundle)
class BundleAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "active", "order"]
    list_editable = ["active", "order"]
    search_fields = ["name", "code"]
    inlines = [
        BundleItemInline,
        BundleQuestionInline,
        BundleRuleInline,
        BundleFieldInline,
        BundleMaterialInline,
    ]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        changed = sorted(form.changed_data) + [
            fs.model._meta.model_name for fs in formsets if fs.has_changed()
        ]
        audit_record(
            action=f"bundles.admin_{'changed' if change else 'added'}",
            obj=form.instance,
            actor=request.user,
            details={"changed": changed},
        )


class BundleMaterialTargetInline(admin.TabularInline):
    model = BundleMaterialTarget
    extra = 0
    raw_id_fields = ["material"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        shared = getattr(request, "_shared_obj", None)
        if db_field.name == "item" and field is not None and shared is not None:
            field.queryset = field.queryset.filter(bundle=shared.bundle_id)
        return field

    def get_formset(self, request, obj=None, **kwargs):
        request._shared_obj = obj
        return super().get_formset(request, obj, **kwargs)


@admin.register(BundleMaterial)
class BundleMaterialAdmin(admin.ModelAdmin):
    list_display = ["name", "bundle", "key", "required"]
    list_filter = ["bundle"]
    inlines = [BundleMaterialTargetInline]


class BundleSubCaseInline(admin.TabularInline):
    model = BundleSubCase
    extra = 0
    can_delete = False
    readonly_fields = ["case", "order"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BundleApplication)
class BundleApplicationAdmin(admin.ModelAdmin):
    """Read-only: applications change only through the services."""

    list_display = ["number", "bundle", "submitted_at"]
    search_fields = ["number"]
    inlines = [BundleSubCaseInline]
    readonly_fields = [
        f.name
        for f in BundleApplication._meta.fields
        if f.name not in ("applicant", "agent")
    ]
    exclude = ["applicant", "agent"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
