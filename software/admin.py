"""Offers are managed in the Django admin: the offer, its price per market and its downloadable variants."""
from django.contrib import admin

from .models import Offer, OfferPrice, SoftwareFile, Variant


class OfferPriceInline(admin.TabularInline):
    model = OfferPrice
    extra = 0
    autocomplete_fields = ["market"]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    autocomplete_fields = ["file"]


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "product_type", "term_duration", "cancellation_window_days", "is_active",
                    "sort_order"]
    list_filter = ["product_type", "term_duration", "is_active"]
    search_fields = ["id", "name"]
    inlines = [OfferPriceInline, VariantInline]

    def get_readonly_fields(self, request, obj=None):
        # The id is referenced by orders and invoice lines: fixed once created.
        return ["id"] if obj else []


@admin.register(SoftwareFile)
class SoftwareFileAdmin(admin.ModelAdmin):
    list_display = ["file_name", "path", "size", "sha256"]
    search_fields = ["file_name", "path", "sha256"]
