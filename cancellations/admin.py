"""Read-only admin views: cancellations are changed only through their services."""
from django.contrib import admin

from partnercenter.admin import ReadOnlyAdmin

from .models import CancellationRequest


@admin.register(CancellationRequest)
class CancellationRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "order", "customer", "status", "attempts", "created_at", "completed_at"]
    list_filter = ["status"]
    list_select_related = ["order", "customer"]
