"""Read-only admin for activity records (D-LOG-5: no screen edits or deletes a record)."""
from django.contrib import admin

from partnercenter.admin import ReadOnlyAdmin

from .models import ActivityRecord, ChainHead


@admin.register(ActivityRecord)
class ActivityRecordAdmin(ReadOnlyAdmin):
    list_display = ("operation_date", "partner", "user_principal_name", "customer_name", "operation_type",
                    "operation_status", "chain_position")
    list_filter = ("operation_type", "resource_type", "operation_status")
    search_fields = ("user_principal_name", "customer_name")
    date_hierarchy = "operation_date"
    list_select_related = ("partner",)
    show_full_result_count = False


@admin.register(ChainHead)
class ChainHeadAdmin(ReadOnlyAdmin):
    list_display = ("partner", "position", "hash")
