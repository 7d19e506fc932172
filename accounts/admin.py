from django.contrib import admin

from .models import ApiToken, Partner, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "partner", "is_active"]
    list_filter = ["partner", "is_active"]
    search_fields = ["email"]
    exclude = ["password", "groups", "user_permissions"]
    inlines = [RoleInline]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "domain"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "created_at", "revoked_at"]
    readonly_fields = ["token_hash", "prefix", "user", "created_at", "last_used_at"]
