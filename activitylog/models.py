"""Activity records (D-LOG): append-only, sealed into a hash chain per partner off the hot path.

A record is inserted with its content and no hash, in the same transaction as the action it
records. The sealing job (services.chain_seal) later gives it a chain position, the previous
record's hash and its own. Database triggers (migration 0002) refuse DELETE and any UPDATE
except that one-time sealing.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Operation(models.TextChoices):
    CREATE_CUSTOMER = "create_customer", _("Create customer")
    CREATE_ORDER = "create_order", _("Create order")
    CANCEL_ORDER = "cancel_order", _("Cancel order")
    GET_SOFTWARE_KEY = "get_software_key", _("Get software key")
    GET_SOFTWARE_DOWNLOAD_LINK = "get_software_download_link", _("Get software download link")
    DOWNLOAD_SOFTWARE = "download_software", _("Download software")
    EXPIRE_DOWNLOAD_LINK = "expire_download_link", _("Expire download link")
    CREATE_CREDIT = "create_credit", _("Create credit")
    CREATE_SUPPORT_REQUEST = "create_support_request", _("Create support request")
    SEND_DOWNLOAD_LINK = "send_download_link", _("Send download link to customer")


class Resource(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    ORDER = "order", _("Order")
    SOFTWARE_KEY = "software_key", _("Software key")
    SOFTWARE_DOWNLOAD_LINK = "software_download_link", _("Software download link")
    CREDIT = "credit", _("Credit")
    SUPPORT_REQUEST = "support_request", _("Support request")


class Status(models.TextChoices):
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ActivityRecord(models.Model):
    # No single-column FK indexes: every record (one per download) would pay for them. partner leads the
    # composite indexes below; user is read only by the PROTECT check of a user deletion, and users with
    # records are deactivated, never deleted.
    partner = models.ForeignKey("accounts.Partner", on_delete=models.PROTECT, related_name="+", db_index=False)
    operation_date = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", db_index=False)
    user_principal_name = models.CharField(max_length=254, blank=True)
    customer_id = models.UUIDField(null=True, blank=True)
    customer_name = models.CharField(max_length=200, blank=True)
    resource_type = models.CharField(max_length=40, choices=Resource.choices)
    operation_type = models.CharField(max_length=40, choices=Operation.choices)
    operation_status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUCCEEDED)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    # Set once by the sealing job.
    chain_position = models.BigIntegerField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, null=True, blank=True)

    class Meta:
        ordering = ["-operation_date", "-id"]
        indexes = [
            models.Index(fields=["partner", "-operation_date", "-id"], name="activity_partner_date"),
            models.Index(fields=["partner", "customer_id", "-operation_date"], name="activity_partner_customer"),
            models.Index(fields=["partner", "operation_type", "-operation_date"], name="activity_partner_op"),
            models.Index(fields=["partner", "id"], condition=models.Q(hash__isnull=True), name="activity_unsealed"),
            # The Activity log page names who issued the link of each download on it (activitylog.selectors.
            # link_issuers): the records of those links' creation, found by link id. Partial, so only a link's
            # creation adds an entry; a download's record (the hot path) only evaluates the condition.
            models.Index(KeyTextTransform("LinkId", "details"), name="activity_link_issued",
                         condition=models.Q(operation_type=Operation.GET_SOFTWARE_DOWNLOAD_LINK)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["partner", "chain_position"], name="activity_unique_position"),
        ]

    def __str__(self) -> str:
        return f"{self.operation_date:%Y-%m-%d %H:%M} {self.operation_type} {self.user_principal_name}"


class ChainHead(models.Model):
    """The last sealed position and hash of a partner's chain (lets verification see a cut tail)."""

    partner = models.OneToOneField("accounts.Partner", primary_key=True, on_delete=models.PROTECT, related_name="+")
    position = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="")


class DailyCount(models.Model):
    """How many sealed records a partner has per day, operation and status (the day in settings.TIME_ZONE).

    Written only by the sealing job, in the transaction that seals the records it counts (activitylog.counts),
    so the counts are exactly the sealed records: charts read a few rows here instead of grouping millions.
    Changing settings.TIME_ZONE moves the days: recount with activitylog.counts.counts_rebuild()."""

    # The unique constraint below (partner first) is the index; no second one on partner alone.
    partner = models.ForeignKey("accounts.Partner", on_delete=models.PROTECT, related_name="+", db_index=False)
    day = models.DateField()
    operation_type = models.CharField(max_length=40, choices=Operation.choices)
    operation_status = models.CharField(max_length=20, choices=Status.choices)
    count = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "day", "operation_type", "operation_status"],
                                    name="activity_daily_count_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.operation_type} {self.operation_status}: {self.count}"
