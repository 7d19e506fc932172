"""Reads of entitlements, scoped to a customer the caller already resolved through a scoped selector
(`customers.selectors.customer_get` / `tenant_for_user`), so another partner's or tenant's id is a 404."""
from __future__ import annotations

import uuid

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from customers.models import Customer

from .models import Entitlement, Variant


def entitlements_for_customer(customer: Customer) -> QuerySet[Entitlement]:
    """Every software purchase of the customer, active and cancelled, newest first; offer, order line,
    order and the offer's variants (with their files) come along in a fixed number of queries."""
    return (Entitlement.objects.filter(customer=customer)
            .select_related("offer", "order_line__order", "customer")
            .prefetch_related(Prefetch("offer__variants", queryset=Variant.objects.select_related("file")))
            .order_by("-order_line__order__creation_date", "order_line__order_id", "order_line__line_item_number"))


def entitlement_get(customer: Customer, entitlement_id) -> Entitlement:
    """One of the customer's entitlements, or 404 (bad id, missing, or someone else's)."""
    try:
        pk = uuid.UUID(str(entitlement_id))
    except (ValueError, TypeError, AttributeError):
        raise Http404 from None
    entitlement = (Entitlement.objects.select_related("offer", "order_line__order", "customer")
                   .filter(customer=customer, pk=pk).first())
    if entitlement is None:
        raise Http404
    return entitlement


__all__ = ["entitlements_for_customer", "entitlement_get"]
