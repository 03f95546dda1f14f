"""
Admin of the catalogue (中心管理员): regions, departments, halls, counters,
items and their versioned guides, with import/export of the .xlsx template.

Writes made here are recorded in the audit log; published versions are read
only (a change means a new draft, published with an effective date).
"""

import tempfile
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from zhengtong.core.admin import LabelledTabularInline
from zhengtong.core.audit import audit_record
from zhengtong.core.errors import ApplicationError

from .constants import VersionStatus
from .credit import credit_code_state
from .exporters import catalog_export_xlsx, catalog_template_xlsx
from .importers import (
    CHILD_FIELDS,
    VERSION_FIELDS,
    SourceUnreadableError,
    catalog_import_file,
)
from .models import (
    FAQ,
    Counter,
    Department,
    Fee,
    Hall,
    LegalBasis,
    Material,
    Region,
    ServiceItem,
    ServiceItemVersion,
    SpecialProcedure,
)
from .services import item_version_create_draft, item_version_publish

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AuditedAdmin(admin.ModelAdmin):
    """Record every admin save and delete in the audit log."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            action=f"catalog.admin_{'changed' if change else 'added'}",
            obj=obj,
            actor=request.user,
            details={"fields": sorted(form.changed_data)},
        )

    def delete_model(self, request, obj):
        audit_record(
            action="catalog.admin_deleted",
            obj=obj,
            actor=request.user,
            details={"repr": str(obj)},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    autocomplete_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = (
        "name",
        "region",
        "credit_code",
        "credit_code_flag",
        "order",
        "is_active",
    )
    list_filter = ("credit_code_valid", "region", "is_active")
    search_fields = ("name", "short_name", "credit_code", "portal_codes")
    readonly_fields = ("credit_code_valid",)
    list_per_page = 50

    @admin.display(description="信用代码校验", ordering="credit_code_valid")
    def credit_code_flag(self, obj: Department) -> str:
        if obj.credit_code_valid is None:
            return "—"
        if obj.credit_code_valid:
            return "通过"
        return format_html('<strong style="color:#b42318">{}</strong>', "校验位不符")

    def save_model(self, request, obj, form, change):
        obj.credit_code_valid = credit_code_state(obj.credit_code)
        super().save_model(request, obj, form, change)


class CounterInline(LabelledTabularInline):
    model = Counter
    fields = ("number", "name", "floor", "zone", "is_integrated", "is_active")
    extra = 0
    show_change_link = True


@admin.register(Hall)
class HallAdmin(AuditedAdmin):
    list_display = ("name", "region", "address", "counter_count")
    search_fields = ("name", "address")
    inlines = [CounterInline]

    @admin.display(description="窗口数")
    def counter_count(self, obj: Hall) -> int:
        return obj.counters.count()


@admin.register(Counter)
class CounterAdmin(AuditedAdmin):
    list_display = ("__str__", "hall", "floor", "zone", "is_integrated", "is_active")
    list_filter = ("hall", "floor", "is_integrated", "is_active")
    search_fields = ("number", "name", "zone")
    autocomplete_fields = ("departments", "items")


class VersionInline(LabelledTabularInline):
    model = ServiceItemVersion
    fields = ("version_link", "status", "effective_from", "published_at", "name")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-version",)
    verbose_name_plural = "版本（办事指南）"

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="版本")
    def version_link(self, obj: ServiceItemVersion) -> str:
        url = reverse("admin:catalog_serviceitemversion_change", args=[obj.pk])
        return format_html('<a href="{}">v{}</a>', url, obj.version)


class CatalogImportForm(forms.Form):
    file = forms.FileField(
        label="文件",
        help_text="导入模板（.xlsx）或 JSON Lines（.jsonl）；按实施编码新增或更新。",
    )
    publish = forms.BooleanField(
        label="直接发布", required=False, help_text="不勾选时，新版本保存为草稿。"
    )
    effective_from = forms.DateField(
        label="生效日期",
        required=False,
        help_text="发布时使用，留空为今天。格式 2026-01-31。",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # On by default: a first run checks; writing is a deliberate second step.
    dry_run = forms.BooleanField(
        label="只检查不写入",
        required=False,
        initial=True,
        help_text="默认只检查：先试运行，查看会被拒收的行；确认无误后取消勾选再导入。",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        if suffix not in (".xlsx", ".jsonl", ".json", ".ndjson"):
            raise forms.ValidationError("只接受 .xlsx 或 .jsonl 文件。")
        if upload.size > 50 * 1024 * 1024:
            raise forms.ValidationError("文件超过 50 MB。")
        return upload


class CatalogMedia:
    css = {"all": ("catalog/admin.css",)}


@admin.register(ServiceItem)
class ServiceItemAdmin(AuditedAdmin):
    Media = CatalogMedia
    change_list_template = "admin/catalog/serviceitem/change_list.html"
    list_display = (
        "name",
        "item_code",
        "department",
        "item_type",
        "version_state",
    )
    list_filter = (
        "item_type",
        "current_version__status",
        "code_shape",
        "online_available",
        ("department", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "item_code", "basic_code", "category")
    list_select_related = ("department", "current_version")
    list_per_page = 50
    autocomplete_fields = ("department", "region")
    readonly_fields = (
        "code_shape",
        "code_segments",
        "current_version",
        "name",
        "category",
        "item_type",
        "item_type_code",
        "online_available",
        "source",
    )
    fieldsets = (
        (None, {"fields": ("item_code", "code_shape", "code_segments", "basic_code")}),
        (
            "当前版本（由发布自动同步）",
            {
                "fields": (
                    "current_version",
                    "name",
                    "category",
                    "item_type",
                    "item_type_code",
                    "online_available",
                )
            },
        ),
        ("归属", {"fields": ("department", "region", "detail_url", "source")}),
    )
    inlines = [VersionInline]

    def has_add_permission(self, request):
        return False  # items come from the import (template) or the API

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("item_code")  # the identity never changes
        return fields

    @admin.display(description="当前版本", ordering="current_version__version")
    def version_state(self, obj: ServiceItem) -> str:
        version = obj.current_version
        if version is None:
            return "未发布"
        return f"v{version.version} {version.get_status_display()}"

    def get_urls(self):
        urls = [
            path(
                "import-template/",
                self.admin_site.admin_view(self.template_view),
                name="catalog_serviceitem_template",
            ),
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="catalog_serviceitem_export",
            ),
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="catalog_serviceitem_import",
            ),
        ]
        return urls + super().get_urls()

    def _xlsx(self, data: bytes, filename: str) -> HttpResponse:
        response = HttpResponse(data, content_type=XLSX)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response

    def template_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return self._xlsx(catalog_template_xlsx(), "catalog-import-template.xlsx")

    def export_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        audit_record(
            action="catalog.exported", stream="catalog.export", actor=request.user
        )
        return self._xlsx(catalog_export_xlsx(), f"catalog-{stamp}.xlsx")

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_change_permission(request):
            raise PermissionDenied
        report = None
        form = CatalogImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            suffix = Path(upload.name).suffix.lower()
            with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
                handle.flush()
                try:
                    report = catalog_import_file(
                        handle.name,
                        publish=form.cleaned_data["publish"],
                        effective_from=form.cleaned_data["effective_from"],
                        actor=request.user,
                        dry_run=form.cleaned_data["dry_run"],
                    )
                    report.source = upload.name
                except SourceUnreadableError as exc:
                    form.add_error("file", str(exc))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "导入事项",
            "form": form,
            "report": report,
        }
        return TemplateResponse(
            request, "admin/catalog/serviceitem/import.html", context
        )


class VersionChildInline(admin.StackedInline):
    extra = 0

    def _editable(self, obj) -> bool:
        return obj is None or obj.status == VersionStatus.DRAFT

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class MaterialInline(VersionChildInline):
    model = Material
    fields = (
        ("order", "name"),
        ("requirement", "condition_note"),
        ("original_count", "copy_count", "form", "tolerance_allowed"),
        ("blank_form", "sample_file"),
        ("source_explain", "sign_requirement", "page_count"),
        "by_law",
        "remark",
    )


class LegalBasisInline(VersionChildInline):
    model = LegalBasis
    fields = (("order", "law_name"), ("law_number", "clause_number"), "clause_content")


class FeeInline(VersionChildInline):
    model = Fee
    fields = (("order", "name", "amount_yuan"), "standard", "basis")


class SpecialProcedureInline(VersionChildInline):
    model = SpecialProcedure
    fields = (("name", "days", "unit", "department_name"), "description")


class FAQInline(VersionChildInline):
    model = FAQ
    fields = (("order", "question"), "answer")


@admin.register(ServiceItemVersion)
class ServiceItemVersionAdmin(AuditedAdmin):
    Media = CatalogMedia
    list_display = (
        "name",
        "item_code_display",
        "version",
        "status",
        "effective_from",
        "department",
        "limits",
    )
    list_filter = (
        "status",
        "item_type",
        "handling_mode",
        ("department", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("name", "item__item_code", "basic_code")
    list_select_related = ("item", "department")
    list_per_page = 50
    autocomplete_fields = ("item", "department")
    actions = ["publish_selected", "draft_from_selected"]
    inlines = [
        MaterialInline,
        LegalBasisInline,
        FeeInline,
        SpecialProcedureInline,
        FAQInline,
    ]
    fieldsets = (
        (
            "版本",
            {
                "fields": (
                    ("item", "version", "status"),
                    ("effective_from", "published_at"),
                )
            },
        ),
        (
            "名称与编码",
            {
                "fields": (
                    "name",
                    "category",
                    ("basic_code", "business_code"),
                    ("item_type", "item_type_code"),
                    "department",
                    ("implementing_body", "service_object", "exercise_level"),
                )
            },
        ),
        (
            "受理条件与办理方式",
            {
                "fields": (
                    "conditions",
                    ("handling_mode", "is_joint", "is_report_up"),
                    "procedure",
                )
            },
        ),
        (
            "时限（承诺时限不得超过法定时限）",
            {
                "fields": (
                    ("statutory_days", "statutory_unit"),
                    "statutory_note",
                    ("promised_days", "promised_unit"),
                    "promised_note",
                )
            },
        ),
        ("收费", {"fields": ("is_free", "fee_note")}),
        (
            "办理渠道",
            {
                "fields": (
                    "channels",
                    ("online_depth", "max_visits"),
                    "online_apply_url",
                )
            },
        ),
        (
            "地点与联系",
            {
                "fields": (
                    "place",
                    "office_hours",
                    "traffic",
                    ("consult_phone", "supervise_phone"),
                )
            },
        ),
        ("结果", {"fields": (("result_name", "result_type"),)}),
        (
            "来源",
            {"classes": ("collapse",), "fields": ("data_quality_notes", "source_raw")},
        ),
    )

    @admin.display(description="实施编码", ordering="item__item_code")
    def item_code_display(self, obj: ServiceItemVersion) -> str:
        return obj.item.item_code

    @admin.display(description="时限（法定/承诺）")
    def limits(self, obj: ServiceItemVersion) -> str:
        def show(days, unit):
            return (
                "—"
                if days is None
                else f"{days}{'个工作日' if unit == 'working' else '日'}"
            )

        return f"{show(obj.statutory_days, obj.statutory_unit)} / {show(obj.promised_days, obj.promised_unit)}"

    def get_readonly_fields(self, request, obj=None):
        always = [
            "version",
            "status",
            "published_at",
            "source_raw",
            "data_quality_notes",
        ]
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return [f.name for f in self.model._meta.fields if f.name != "id"] + [
                "item"
            ]
        if obj is not None:
            always.append("item")
        return always

    def has_delete_permission(self, request, obj=None):
        # published or retired versions stay readable forever
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            last = obj.item.versions.order_by("-version").first()
            obj.version = (last.version + 1) if last else 1
            obj.status = VersionStatus.DRAFT
        super().save_model(request, obj, form, change)

    @admin.action(description="发布所选版本", permissions=["change"])
    def publish_selected(self, request, queryset):
        done, refused = 0, []
        for version in queryset.select_related("item").order_by("item_id", "version"):
            try:
                with transaction.atomic():
                    item_version_publish(
                        version=version,
                        effective_from=version.effective_from or timezone.localdate(),
                        actor=request.user,
                    )
                done += 1
            except ApplicationError as exc:
                refused.append(f"{version}：{exc.message}")
        if done:
            self.message_user(request, f"已发布 {done} 个版本。", messages.SUCCESS)
        for line in refused:
            self.message_user(request, line, messages.WARNING)

    @admin.action(description="以所选版本为底稿新建草稿", permissions=["add"])
    def draft_from_selected(self, request, queryset):
        created = 0
        for version in queryset.select_related("item", "department"):
            data: dict[str, Any] = {f: getattr(version, f) for f in VERSION_FIELDS}
            data["department"] = version.department
            children = {
                relation: [
                    {f: getattr(row, f) for f in fields}
                    for row in getattr(version, relation).all()
                ]
                for relation, fields in CHILD_FIELDS.items()
            }
            with transaction.atomic():
                item_version_create_draft(
                    item=version.item, data=data, children=children, actor=request.user
                )
            created += 1
        self.message_user(
            request,
            f"已新建 {created} 个草稿；修改后用“发布所选版本”发布。",
            messages.SUCCESS,
        )
