"""Reads scoped to the signed-in user: a partner sees only its customers, a tenant user only itself."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.permissions import object_scope
from accounts.roles import PARTNER_ROLES
from partnercenter.lookups import as_uuid, get_or_404

from .countries import sort_by_name
from .markets import UNINHABITED
from .models import Customer, Market


def customers_for_user(user) -> QuerySet[Customer]:
    qs = Customer.objects.select_related("market")
    if getattr(user, "is_authenticated", False) and user.partner_id and user.role_set & PARTNER_ROLES:
        return qs.filter(partner_id=user.partner_id)
    return qs.none()


def customer_search(qs: QuerySet[Customer], q: str) -> QuerySet[Customer]:
    """D-CUST-2: by company name, domain or tenant GUID."""
    q = (q or "").strip()
    if not q:
        return qs
    condition = Q(company_name__icontains=q) | Q(domain__icontains=q)
    tenant_id = as_uuid(q)
    if tenant_id is not None:
        condition |= Q(tenant_id=tenant_id)
    return qs.filter(condition)


def customer_get(user, tenant_id) -> Customer:
    """The user's customer, or 404 whether it is missing or another partner's (D-ROLE-4)."""
    return get_or_404(customers_for_user(user), tenant_id, field="tenant_id")


def tenant_for_user(user) -> Customer | None:
    """The customer tenant a customer-side user belongs to."""
    if not getattr(user, "is_authenticated", False):
        return None
    membership = getattr(user, "tenant_membership", None)
    return membership.customer if membership else None


def customer_in_reach(user, tenant_id) -> bool:
    """A partner's staff reach its customers, a customer user its own tenant (D-ROLE-4)."""
    tenant = tenant_for_user(user)
    if tenant is not None:
        return tenant.pk == tenant_id
    return customers_for_user(user).filter(pk=tenant_id).exists()


@object_scope("tenant_id")
def _tenant_visible(user, value) -> bool:
    tenant_id = as_uuid(value)
    return tenant_id is not None and customer_in_reach(user, tenant_id)


def market_get(country: str) -> Market | None:
    return Market.objects.filter(country=(country or "").strip().upper()).first()


def markets_for_new_customers() -> list[Market]:
    """The markets a customer can be created in, sorted by their names in the page's language (issue 16).

    Uninhabited territories that older databases still hold are left out.
    """
    return sort_by_name(Market.objects.exclude(country__in=UNINHABITED), lambda m: m.display_name)


def market_for_new_customer(country: str) -> Market | None:
    market = market_get(country)
    return market if market is not None and market.country not in UNINHABITED else None
