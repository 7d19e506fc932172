"""Doing a request once however often it arrives (Partner Center's MS-RequestId; the review page's one-time
token): the first request claims its key in the same transaction as its work and keeps its answer; a repeat
within WINDOW gets that answer again and changes nothing; the same key asking something else is refused.

Concurrent repeats are safe by construction: the claim is an INSERT under a unique constraint, so a second
request waits for the first to commit (PostgreSQL) or to take the write lock (SQLite), then finds its answer."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import IdempotentRequest

WINDOW = dt.timedelta(hours=24)
MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    repeated: bool   # True: the answer of an earlier request with this key; nothing was done now


def fingerprint(*parts: Any) -> str:
    """SHA-256 of what a request asks, from JSON-serialisable parts (canonical: sorted keys)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def key_error(key: str) -> str | None:
    """Why `key` can't be a request key, or None."""
    if not key.strip() or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        return _("A request id is 1 to %(n)d printable characters.") % {"n": MAX_KEY_LENGTH}
    return None


def run_once(*, scope: str, key: str, asks: str, work: Callable[[], tuple[int, Any]]) -> Answer:
    """Run `work` (returning status and a JSON-serialisable body) once per (scope, key) within WINDOW, in one
    transaction with the claim: if `work` raises, nothing is kept and the key can be used again. `asks` is the
    request's fingerprint(); a key already used for something else raises DomainError (400)."""
    problem = key_error(key)
    if problem:
        raise DomainError(problem, field="MS-RequestId")
    with transaction.atomic():
        IdempotentRequest.objects.filter(scope=scope, key=key, created_at__lt=timezone.now() - WINDOW).delete()
        try:
            with transaction.atomic():
                claim = IdempotentRequest.objects.create(scope=scope, key=key, fingerprint=asks)
        except IntegrityError:
            first = IdempotentRequest.objects.get(scope=scope, key=key)
            if first.fingerprint != asks:
                raise DomainError(_("This request id was already used for a different request."),
                                  field="MS-RequestId") from None
            return Answer(first.status_code or 200, first.body, repeated=True)
        status, body = work()
        IdempotentRequest.objects.filter(pk=claim.pk).update(status_code=status, body=body)
    return Answer(status, body, repeated=False)


def requests_forget(*, now: dt.datetime | None = None) -> int:
    """Delete the keys older than WINDOW (a periodic job): they no longer protect anything."""
    deleted, _counts = IdempotentRequest.objects.filter(created_at__lt=(now or timezone.now()) - WINDOW).delete()
    return deleted
