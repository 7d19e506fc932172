"""Reads of entitlements, scoped to a customer the caller already resolved through a scoped selector
(`customers.selectors.customer_get` / `tenant_for_user`), so another partner's or tenant's id is a 404."""
from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.permissions import as_uuid, object_scope
from customers.models import Customer
from customers.selectors import customer_in_reach

from .models import DownloadLink, Entitlement, Order, Variant


def _customer_in_reach(model):
    """visible(user, value) for a URL keyword naming a `model` row: is its customer within the user's reach?"""

    def visible(user, value) -> bool:
        customer_id = model.objects.filter(pk=as_uuid(value)).values_list("customer_id", flat=True).first()
        return customer_id is not None and customer_in_reach(user, customer_id)

    return visible


object_scope("order_id")(_customer_in_reach(Order))
object_scope("entitlement_id")(_customer_in_reach(Entitlement))

LINK_EXPIRY_SOON = dt.timedelta(days=2)   # a link expiring within this needs attention (issue 8)
LINK_FEW_DOWNLOADS = 5                    # ... and so does one with fewer downloads left than this


def links_needing_attention(links: QuerySet[DownloadLink], now: dt.datetime) -> QuerySet[DownloadLink]:
    """Active links that expire within LINK_EXPIRY_SOON or have fewer than LINK_FEW_DOWNLOADS downloads left,
    soonest first, with `downloads_left` annotated."""
    return (links.filter(status=DownloadLink.Status.ACTIVE, expires_at__gt=now)
            .filter(Q(expires_at__lte=now + LINK_EXPIRY_SOON)
                    | Q(max_downloads__lt=F("downloads_used") + LINK_FEW_DOWNLOADS))
            .annotate(downloads_left=F("max_downloads") - F("downloads_used"))
            .order_by("expires_at"))


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
