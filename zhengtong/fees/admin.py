"""Admin of fees: published fee items and reduction bases are data; the
money rows are read-only here (they are written by the services only)."""

from django.contrib import admin

from .models import Charge, FeeItem, Payment, ReductionBasis, Refund


@admin.register(FeeItem)
class FeeItemAdmin(admin.ModelAdmin):
    list_display = ("name", "version", "method", "standard", "is_published")
    list_filter = ("method", "is_published")
    search_fields = ("name", "version__name", "version__item__item_code")
    raw_id_fields = ("version",)


@admin.register(ReductionBasis)
class ReductionBasisAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "percent", "region", "is_active")
    list_filter = ("kind", "is_active", "region")
    search_fields = ("code", "name")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Charge)
class ChargeAdmin(ReadOnlyAdmin):
    list_display = ("case", "fee_item", "quantity", "due_fen", "charged_on")
    list_filter = ("charged_on", "deferred")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("case", "method", "amount_fen", "receipt_number", "paid_on")
    list_filter = ("method", "paid_on")
    search_fields = ("receipt_number",)


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("case", "amount_fen", "state", "requested_by", "decided_by")
    list_filter = ("state",)
