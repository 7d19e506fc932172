"""The email outbox (issue 8): one row per email, unique per purpose + object + recipient, so an email
is queued at most once; it is locked for the whole send and marked sent in that transaction, so it is sent once
(`sending` is no longer written: it was the claim of an earlier version, which a killed worker left stuck)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Email(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"

    key = models.CharField(max_length=200, unique=True)   # "<purpose>:<object id>:<recipient id>"
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    to = models.EmailField()
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], condition=models.Q(status="pending"), name="email_pending")]

    def __str__(self) -> str:
        return f"{self.key} → {self.to} ({self.status})"
