"""Support requests in the Django admin: read-only but for the status, which staff change to answer and close."""
from django.contrib import admin

from partnercenter.admin import ReadOnlyAdmin

from .models import SupportAttachment, SupportRequest


class SupportAttachmentInline(admin.TabularInline):
    model = SupportAttachment
    fields = ["original_name", "content_type", "size", "sha256"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SupportRequest)
class SupportRequestAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "partner", "problem_type", "status", "created_at"]
    list_filter = ["status", "problem_type"]
    search_fields = ["number", "title", "customer_reference", "order_reference"]
    inlines = [SupportAttachmentInline]

    # Staff answer and close requests: the status is the only field that changes.
    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and request.user.has_perm(
            "support.change_supportrequest")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "status"]
