"""Markets and customer tenants (D-CUST), and the users who belong to a tenant."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partnercenter.money import MINOR_UNITS

from .countries import country_name


class Market(models.Model):
    country = models.CharField(_("country"), max_length=2, primary_key=True)  # ISO 3166 alpha-2
    name = models.CharField(_("name"), max_length=100)
    currency = models.CharField(_("currency"), max_length=3, choices=[(c, c) for c in sorted(MINOR_UNITS)])
    tax_rate = models.DecimalField(_("tax rate"), max_digits=6, decimal_places=4)
    tax_inclusive = models.BooleanField(_("prices include tax"), default=False)
    reservations_available = models.BooleanField(_("Azure reservations available"), default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(tax_rate__gte=0, tax_rate__lt=1), name="market_tax_rate_range"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.country})"

    @property
    def display_name(self) -> str:
        """CLDR's name of the country or region in the page's language (issue 16); `name` is only a fallback."""
        return country_name(self.country, default=self.name)


class Customer(models.Model):
    tenant_id = models.UUIDField(_("tenant ID"), primary_key=True, default=uuid.uuid4, editable=False)
    partner = models.ForeignKey("accounts.Partner", on_delete=models.PROTECT, related_name="customers")
    company_name = models.CharField(_("company name"), max_length=200)
    domain = models.CharField(_("primary domain"), max_length=253)
    market = models.ForeignKey(Market, on_delete=models.PROTECT, related_name="customers")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["company_name", "tenant_id"]
        constraints = [models.UniqueConstraint(Lower("domain"), name="customer_unique_domain")]
        indexes = [
            models.Index(fields=["partner", "company_name"], name="customer_partner_name"),
            models.Index(Lower("company_name"), name="customer_name_lower"),
        ]

    def __str__(self) -> str:
        return self.company_name

    @property
    def currency(self) -> str:
        return self.market.currency


class TenantMembership(models.Model):
    """A customer-side user: the tenant's Global admin or a plain user (D-ROLE-3)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tenant_membership")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.customer}"
