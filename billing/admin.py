"""Invoices in the Django admin: read-only (the ledger is written only by billing.services)."""
from django.contrib import admin

from partnercenter.admin import ReadOnlyAdmin

from .models import Invoice, InvoiceLine


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    fk_name = "invoice"
    extra = 0
    can_delete = False
    fields = ["charge_type", "customer_name", "product_name", "quantity", "unit_price", "subtotal", "tax_total",
              "total", "currency", "reference", "posted_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ["period_start", "partner", "currency", "status", "invoice_date"]
    list_filter = ["status", "currency"]
    inlines = [InvoiceLineInline]
    readonly_fields = ["id", "partner", "currency", "period_start", "period_end", "status", "invoice_date",
                       "created_at"]
