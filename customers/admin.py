from django.contrib import admin

from .models import Customer, Market, TenantMembership


@admin.register(Market)
class MarketAdmin(admin.ModelAdmin):
    list_display = ["country", "name", "currency", "tax_rate", "tax_inclusive", "reservations_available"]
    search_fields = ["country", "name"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["company_name", "domain", "market", "partner"]
    list_filter = ["partner", "market"]
    search_fields = ["company_name", "domain"]


admin.site.register(TenantMembership)
