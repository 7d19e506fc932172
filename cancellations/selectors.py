"""Reads of cancellations, scoped to one partner: those still processing and the windows about to close."""
from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from partnercenter.lookups import get_or_404
from software.selectors import order_lines_of_partner

from .credits import lines_closing_within
from .models import CancellationRequest


def cancellation_get(customer, request_id) -> CancellationRequest:
    """One of the customer's cancellation requests with its order and lines, or 404."""
    return get_or_404(CancellationRequest.objects.filter(customer=customer).select_related("order")
                      .prefetch_related("order__lines"), request_id)


def cancellations_pending(partner) -> QuerySet[CancellationRequest]:
    """The partner's cancellations still processing, oldest first, with their customer and order."""
    return (CancellationRequest.objects.filter(partner=partner, status=CancellationRequest.Status.PENDING)
            .select_related("customer", "order").order_by("created_at"))


def windows_closing_for_partner(partner, *, today: dt.date, days: int, limit: int | None = None) -> list:
    """The partner's purchases whose cancellation window closes within `days` days, as (line, days left)."""
    return lines_closing_within(order_lines_of_partner(partner), today=today, days=days, limit=limit)
