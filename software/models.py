"""Catalog offers and variants (D-CAT), orders (D-ORD), entitlements, product keys and download links (D-SW)."""
from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProductType(models.TextChoices):
    PERPETUAL = "perpetualSoftware", _("Perpetual software")
    SUBSCRIPTION = "softwareSubscription", _("Software subscription")
    RESERVATION = "azureReservation", _("Azure reservation")
    THIRD_PARTY = "thirdPartySoftwarePlan", _("Third-party software plan")


DOWNLOADABLE_TYPES = (ProductType.PERPETUAL, ProductType.SUBSCRIPTION)


class Term(models.TextChoices):
    P1Y = "P1Y", _("1 year")
    P3Y = "P3Y", _("3 years")


class Offer(models.Model):
    id = models.CharField(primary_key=True, max_length=64)
    name = models.CharField(_("name"), max_length=200)
    product_type = models.CharField(_("product type"), max_length=40, choices=ProductType.choices)
    term_duration = models.CharField(_("term"), max_length=3, choices=Term.choices, null=True, blank=True)
    # D-CAN-1: the window is the offer's; null = can never be cancelled (D-CAN-2).
    cancellation_window_days = models.PositiveIntegerField(_("cancellation window (days)"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("on sale"), default=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.term_duration or 'perpetual'})"

    @property
    def is_downloadable(self) -> bool:
        return self.product_type in DOWNLOADABLE_TYPES


class OfferPrice(models.Model):
    """An offer's price in one market, in that market's currency (D-CAT-3)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="prices")
    market = models.ForeignKey("customers.Market", on_delete=models.PROTECT, related_name="+")
    unit_price = models.DecimalField(max_digits=18, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "market"], name="offerprice_unique"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="offerprice_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id} {self.market_id} {self.unit_price}"


class SoftwareFile(models.Model):
    """The bits behind a variant: a file under SOFTWARE_FILES_DIR, with its size and SHA-256."""

    path = models.CharField(max_length=300, unique=True)  # relative to SOFTWARE_FILES_DIR
    file_name = models.CharField(max_length=200)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.file_name


class Variant(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="variants")
    version = models.CharField(_("version"), max_length=40)
    language = models.CharField(_("language"), max_length=10)
    file_type = models.CharField(_("file type/OS"), max_length=40)
    file = models.ForeignKey(SoftwareFile, on_delete=models.PROTECT, related_name="variants")

    class Meta:
        ordering = ["-version", "language", "file_type"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "version", "language", "file_type"], name="variant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.version} {self.language} {self.file_type}"


class Order(models.Model):
    class Status(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    alternate_id = models.CharField(max_length=12, unique=True)
    partner = models.ForeignKey("accounts.Partner", on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="orders")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    creation_date = models.DateTimeField(default=timezone.now)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.COMPLETED)

    class Meta:
        ordering = ["-creation_date", "-id"]
        indexes = [models.Index(fields=["customer", "-creation_date"], name="order_customer_date"),
                   models.Index(fields=["partner", "-creation_date"], name="order_partner_date")]

    def __str__(self) -> str:
        return f"Order {self.alternate_id}"


class WindowLastDay(models.Func):
    """The last day an order line can be cancelled, in SQL: its purchase date (term_start, day 0) plus its
    cancellation window in days; NULL when it has none. The same rule as OrderLine.window_last_day
    (a test keeps them equal), here so the lines whose window closes soon are found through an index
    (orderline_window_closes) instead of reading every recent purchase."""

    output_field = models.DateField()

    def __init__(self):
        super().__init__(F("term_start"), F("cancellation_window_days"))

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL: date + integer is a date
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" + ", **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return super().as_sql(compiler, connection, template="date(%(expressions)s || ' days')",
                              arg_joiner=", '+' || ", **extra)


class OrderLine(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCEL_PENDING = "cancelPending", _("Cancellation pending")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="lines")
    line_item_number = models.PositiveIntegerField()
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    # Snapshots of the offer at purchase: later catalog edits don't change what was bought.
    friendly_name = models.CharField(max_length=200)
    product_type = models.CharField(max_length=40, choices=ProductType.choices)
    term_duration = models.CharField(max_length=3, choices=Term.choices, null=True, blank=True)
    cancellation_window_days = models.PositiveIntegerField(null=True, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=18, decimal_places=2)
    subtotal = models.DecimalField(max_digits=18, decimal_places=2)
    tax_total = models.DecimalField(max_digits=18, decimal_places=2)
    total = models.DecimalField(max_digits=18, decimal_places=2)
    term_start = models.DateField()
    term_end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "line_item_number"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_item_number"], name="orderline_unique_number"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(total=Round(F("subtotal") + F("tax_total"), 2)),
                                   name="orderline_total_adds_up"),
        ]
        indexes = [
            models.Index(WindowLastDay(), name="orderline_window_closes",
                         condition=Q(status="active", cancellation_window_days__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.line_item_number} {self.friendly_name}"

    def window_last_day(self) -> dt.date | None:
        """The last day the purchase can be cancelled (D-CAN-1: the purchase date is day 0); None if never.
        WindowLastDay is the same rule in SQL (a test keeps them equal)."""
        if self.cancellation_window_days is None:
            return None
        return self.term_start + dt.timedelta(days=self.cancellation_window_days)


class Entitlement(models.Model):
    """The right to a downloadable product, granted by an order line; holds the product key (D-SW-3)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_line = models.OneToOneField(OrderLine, on_delete=models.PROTECT, related_name="entitlement")
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="entitlements")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    product_key_encrypted = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        indexes = [models.Index(fields=["customer", "-created_at"], name="entitlement_customer")]

    def __str__(self) -> str:
        return f"{self.offer.name} for {self.customer_id}"


class DownloadLink(models.Model):
    """A bearer link to one variant's file: two weeks or 50 counted downloads (D-SW-5..9).

    Only the SHA-256 of the token is stored."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Fewer indexes = cheaper expiry UPDATEs over millions of links: (entitlement, -created_at) below
    # covers the entitlement look-ups; variants and users are never deleted while links refer to them.
    entitlement = models.ForeignKey(Entitlement, on_delete=models.PROTECT, related_name="download_links",
                                    db_index=False)
    variant = models.ForeignKey(Variant, on_delete=models.PROTECT, related_name="+", db_index=False)
    # Unique through Meta.constraints, not unique=True: on PostgreSQL that would add a second index
    # (varchar_pattern_ops, for LIKE) that no query uses and every insert and expiry pays for.
    token_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+",
                                   db_index=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    max_downloads = models.PositiveIntegerField(default=50)
    downloads_used = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(downloads_used__lte=F("max_downloads")), name="link_count_in_limit"),
            models.UniqueConstraint(fields=["token_hash"], name="link_token_hash_unique"),
        ]
        # No index on closed_at: the expiry job sets it on ~100,000 links a day and nothing reads by it.
        indexes = [
            models.Index(fields=["expires_at"], condition=Q(status="active"), name="link_active_expiry"),
            models.Index(fields=["entitlement", "-created_at"], name="link_entitlement"),
        ]

    def __str__(self) -> str:
        return f"link {self.id} ({self.status})"
