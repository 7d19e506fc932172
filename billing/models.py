"""Monthly invoices and their lines (D-BILL-3/4): a ledger of snapshots, no foreign keys up into software.

An issued invoice never changes: the services refuse it and database triggers (migration 0002)
refuse it below them.
"""
from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ISSUED = "issued", _("Issued")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey("accounts.Partner", on_delete=models.PROTECT, related_name="invoices")
    currency = models.CharField(max_length=3)
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    invoice_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period_start", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "period_start", "currency"], name="invoice_one_per_month"),
        ]
        indexes = [models.Index(fields=["status", "period_end"], name="invoice_status_end")]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m} {self.currency} ({self.status})"


class InvoiceLine(models.Model):
    class ChargeType(models.TextChoices):
        NEW = "new", _("New")
        CANCEL_IMMEDIATE = "cancelImmediate", _("Cancel (credit)")

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    charge_type = models.CharField(max_length=20, choices=ChargeType.choices)
    order_id = models.UUIDField()
    line_item_number = models.PositiveIntegerField()
    customer_id = models.UUIDField()
    customer_name = models.CharField(max_length=200)
    customer_domain = models.CharField(max_length=253)
    customer_country = models.CharField(max_length=2)
    offer_id = models.CharField(max_length=64)
    product_name = models.CharField(max_length=200)
    quantity = models.IntegerField()
    unit_price = models.DecimalField(max_digits=18, decimal_places=2)
    subtotal = models.DecimalField(max_digits=18, decimal_places=2)
    tax_total = models.DecimalField(max_digits=18, decimal_places=2)
    total = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    charge_start = models.DateField()
    charge_end = models.DateField()
    reference = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="credits")
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["posted_at", "id"]
        constraints = [
            # Exactly once: one charge per order line, one credit per charge (D-BILL-4).
            models.UniqueConstraint(fields=["order_id", "line_item_number"], condition=Q(charge_type="new"),
                                    name="invoiceline_one_charge"),
            models.UniqueConstraint(fields=["reference"], condition=Q(charge_type="cancelImmediate"),
                                    name="invoiceline_one_credit"),
            models.CheckConstraint(
                condition=(Q(charge_type="new", total__gte=0, reference__isnull=True)
                           | Q(charge_type="cancelImmediate", total__lte=0, reference__isnull=False)),
                name="invoiceline_sign_and_reference",
            ),
            models.CheckConstraint(condition=Q(total=Round(models.F("subtotal") + models.F("tax_total"), 2)),
                                   name="invoiceline_total_adds_up"),
        ]
        indexes = [
            models.Index(fields=["invoice", "posted_at"], name="invoiceline_invoice"),
            # Sums per invoice and charge type (partner home, invoice totals) read only this index.
            models.Index(fields=["invoice", "charge_type"], include=["total"], name="invoiceline_type_total"),
        ]

    def __str__(self) -> str:
        return f"{self.charge_type} {self.product_name} {self.total} {self.currency}"
