"""Support requests, "Report a problem with Partner Center" (D-SUP), and their attachments."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SupportRequest(models.Model):
    class ProblemType(models.TextChoices):
        CSP_REFUND = "csp_purchase_refund", _("CSP Purchase/Refund on behalf of customers")
        BILLING = "billing", _("Billing and invoices")
        SOFTWARE = "software_downloads", _("Software keys and downloads")
        ACCOUNT = "account", _("Account and sign-in")
        OTHER = "other", _("Other")

    class Impact(models.TextChoices):
        LOW = "low", _("Low – minimal business impact")
        MODERATE = "moderate", _("Moderate – some work is blocked")
        HIGH = "high", _("High – critical work is blocked")

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting answer")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(max_length=20, unique=True)
    partner = models.ForeignKey("accounts.Partner", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    problem_type = models.CharField(_("type of problem"), max_length=40, choices=ProblemType.choices)
    impact = models.CharField(_("impact"), max_length=20, choices=Impact.choices)
    title = models.CharField(_("title"), max_length=200)
    customer_reference = models.CharField(_("customer tenant GUID or domain name"), max_length=253, blank=True)
    order_reference = models.CharField(_("order ID or subscription ID"), max_length=100, blank=True)
    refund_reason = models.TextField(_("refund reason"), max_length=4000, blank=True)
    amount_requested = models.CharField(_("amount requested"), max_length=40, blank=True)
    description = models.TextField(_("description"), max_length=8000)
    contact_name = models.CharField(_("name"), max_length=200)
    contact_email = models.EmailField(_("email address"))
    contact_phone = models.CharField(_("phone number"), max_length=40)

    class Meta:
        db_table = "cancellations_supportrequest"  # the table it had when support requests lived in cancellations
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class SupportAttachment(models.Model):
    """Stored under ATTACHMENTS_DIR (outside the web root) by a random name; served only to the partner's staff."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    request = models.ForeignKey(SupportRequest, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        db_table = "cancellations_supportattachment"

    def __str__(self) -> str:
        return self.original_name
