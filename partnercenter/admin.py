"""Shared Django admin pieces."""
from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records written only by their services (ledger, activity log, outbox rows): list and view only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
