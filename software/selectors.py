"""Software's reads: orders, entitlements, variants and links, scoped to a customer the caller already resolved
through a scoped selector (`customers.selectors.customer_get` / `tenant_for_user`) or to one partner, so another
partner's or tenant's id is a 404. Also registers the URL object scopes of `order_id` and `entitlement_id`."""
from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import object_scope
from accounts.roles import Role
from customers.models import Customer
from customers.selectors import customer_in_reach
from partnercenter.errors import DomainError
from partnercenter.lookups import as_uuid, get_or_404

from .models import DownloadLink, Entitlement, Order, OrderLine, Variant


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


def partner_links_needing_attention(partner, now: dt.datetime) -> QuerySet[DownloadLink]:
    """links_needing_attention over every customer of the partner, with what the partner home shows of each."""
    links = DownloadLink.objects.filter(entitlement__customer__partner=partner)
    return links_needing_attention(links, now).select_related("entitlement__customer", "entitlement__order_line",
                                                              "variant")


def tenant_links_needing_attention(customer: Customer, now: dt.datetime) -> QuerySet[DownloadLink]:
    """links_needing_attention over the customer's own purchases (the admin center's home)."""
    return links_needing_attention(DownloadLink.objects.filter(entitlement__customer=customer), now) \
        .select_related("variant")


def order_lines_of_partner(partner) -> QuerySet[OrderLine]:
    return OrderLine.objects.filter(order__partner=partner)


def order_counts(partner, *, this_at: dt.datetime, last_at: dt.datetime) -> tuple[int, int]:
    """Orders the partner placed since `this_at`, and between `last_at` and `this_at`."""
    # Counting creation_date, not id: the (partner, creation_date) index answers alone (index-only scan).
    counts = Order.objects.filter(partner=partner, creation_date__gte=last_at).aggregate(
        this=Count("creation_date", filter=Q(creation_date__gte=this_at)),
        last=Count("creation_date", filter=Q(creation_date__lt=this_at)))
    return counts["this"], counts["last"]


def entitlements_for_customer(customer: Customer) -> QuerySet[Entitlement]:
    """Every software purchase of the customer, active and cancelled, newest first; offer, order line,
    order and the offer's variants (with their files) come along in a fixed number of queries."""
    return (Entitlement.objects.filter(customer=customer)
            .select_related("offer", "order_line__order", "customer")
            .prefetch_related(Prefetch("offer__variants", queryset=Variant.objects.select_related("file")))
            .order_by("-order_line__order__creation_date", "order_line__order_id", "order_line__line_item_number"))


def entitlement_get(customer: Customer, entitlement_id) -> Entitlement:
    """One of the customer's entitlements, or 404 (bad id, missing, or someone else's)."""
    return get_or_404(Entitlement.objects.select_related("offer", "order_line__order", "customer")
                      .filter(customer=customer), entitlement_id)


def orders_of(customer: Customer) -> QuerySet[Order]:
    """The customer's orders, newest first, with their lines."""
    return Order.objects.filter(customer=customer).prefetch_related("lines")


def order_get(customer: Customer, order_id) -> Order:
    """One of the customer's orders with its lines, or 404 (bad id, missing, or someone else's)."""
    return get_or_404(orders_of(customer).select_related("customer__market", "created_by"), order_id)


def order_lines_locked(order: Order, *, numbers: list[int] | None = None) -> list[OrderLine]:
    """The order's lines (those numbered `numbers`, if given), locked FOR UPDATE in primary-key order."""
    lines = OrderLine.objects.select_for_update().filter(order=order)
    if numbers is not None:
        lines = lines.filter(line_item_number__in=numbers)
    return list(lines.order_by("pk"))


def variant_for(entitlement: Entitlement, *, version: str, language: str, file_type: str) -> Variant:
    """The variant of the entitlement's offer with this version, language and file type, or DomainError."""
    variant = (Variant.objects.select_related("file")
               .filter(offer_id=entitlement.offer_id, version=version, language=language, file_type=file_type).first())
    if variant is None:
        raise DomainError(_("This product has no download for version %(v)s, language %(l)s, file type %(f)s.")
                          % {"v": version or "—", "l": language or "—", "f": file_type or "—"}, field="variant")
    return variant


def tenant_global_admins(customer: Customer) -> QuerySet:
    """The active users holding the customer tenant's Global admin role (who receive Send to customer)."""
    return User.objects.filter(tenant_membership__customer=customer, is_active=True,
                               role_assignments__role=Role.TENANT_GLOBAL_ADMIN).distinct()
