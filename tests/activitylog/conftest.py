"""Helpers for the activity log tests: a few records of known content, and lifting the append-only
guards for the duration of a deliberate tampering."""
from __future__ import annotations

import contextlib

import pytest
from django.db import connection, transaction

from activitylog import dbguards
from partnercenter import dbguards as guard_tools


@contextlib.contextmanager
def guards_lifted():
    """Tamper like an attacker with database access: drop the triggers, then put them back."""
    guard_tools.uninstall(connection, dbguards.GUARDS)
    try:
        yield
    finally:
        guard_tools.install(connection, dbguards.GUARDS)


@pytest.fixture
def records_for(user_for):
    """Append `n` support-request records for a partner user (the cheapest writer)."""
    from activitylog.services import log_create_support_request

    def make(email: str, n: int = 3, *, customer=None):
        actor = user_for(email)
        out = []
        with transaction.atomic():
            for i in range(n):
                out.append(log_create_support_request(actor=actor, partner_id=actor.partner_id,
                                                      number=f"SR{i:010d}", title=f"Problem {i}",
                                                      customer=customer, ip="203.0.113.7"))
        return out

    return make
