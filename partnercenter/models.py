"""The kernel's one table: requests that must take effect once (an order placed from the review page, an API
call carrying MS-RequestId), with the first answer kept to give again (partnercenter.idempotency)."""
from __future__ import annotations

from django.db import models
from django.utils import timezone


class IdempotentRequest(models.Model):
    scope = models.CharField(max_length=64)           # whose keys these are: "partner:<id>", "user:<id>"
    key = models.CharField(max_length=200)            # the MS-RequestId, or the review page's one-time token
    fingerprint = models.CharField(max_length=64)     # SHA-256 of what was asked: a reused key asking else is a 400
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="one_request_per_key")]
        indexes = [models.Index(fields=["created_at"], name="idempotent_request_created")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
