"""Cancellation requests (D-CAN), the outbox row that a worker processes, and the window reminders sent."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CancellationRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Processing")
        COMPLETED = "completed", _("Completed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey("accounts.Partner", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("software.Order", on_delete=models.PROTECT, related_name="cancellation_requests")
    line_item_numbers = models.JSONField()
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_dispatched_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # D-CAN / 800060: one cancellation in progress per order at a time.
            models.UniqueConstraint(fields=["order"], condition=Q(status="pending"), name="one_pending_cancellation"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="cancellation_status")]

    def __str__(self) -> str:
        return f"cancellation {self.id} ({self.status})"


class Reminder(models.Model):
    """"Cancellation window closes in 3 days" was sent for this purchase: the row makes it once (issue 8)."""

    order_line = models.OneToOneField("software.OrderLine", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"reminder for line {self.order_line_id}"
