"""The permission table of docs/DOMAIN.md D-ROLE: the one place that says which role may do what.

Every view and endpoint declares one `Perm` from here; `tests/security/test_access_matrix.py` walks it.
"""
from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    # Partner-side roles (a user may hold several).
    ADMIN_AGENT = "admin_agent", _("Admin agent")
    SALES_AGENT = "sales_agent", _("Sales agent")
    HELPDESK_AGENT = "helpdesk_agent", _("Helpdesk agent")
    GLOBAL_ADMIN = "global_admin", _("Global admin")
    BILLING_ADMIN = "billing_admin", _("Billing admin")
    ACCOUNT_ADMIN = "account_admin", _("Account admin")
    REFERRAL_ADMIN = "referral_admin", _("Referral admin")
    MARKETING_ADMIN = "marketing_content_admin", _("Marketing content admin")
    # Customer-tenant roles (D-ROLE-3).
    TENANT_GLOBAL_ADMIN = "tenant_global_admin", _("Customer Global admin")
    TENANT_USER = "tenant_user", _("Customer user")


PARTNER_ROLES = frozenset(
    {Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT, Role.GLOBAL_ADMIN, Role.BILLING_ADMIN,
     Role.ACCOUNT_ADMIN, Role.REFERRAL_ADMIN, Role.MARKETING_ADMIN}
)
TENANT_ROLES = frozenset({Role.TENANT_GLOBAL_ADMIN, Role.TENANT_USER})


class Perm(StrEnum):
    VIEW_CUSTOMERS = "view_customers"        # customer list/detail, Software tab without keys, order history
    CREATE_CUSTOMER = "create_customer"
    BUY = "buy"                              # Add products
    SOFTWARE_ACCESS = "software_access"      # product keys, download links, downloads
    CANCEL = "cancel"
    READ_ACTIVITY_LOG = "read_activity_log"
    READ_INVOICES = "read_invoices"
    SUPPORT_REQUESTS = "support_requests"
    MANAGE_USERS = "manage_users"
    OWN_API_TOKENS = "own_api_tokens"        # every user manages their own tokens
    TENANT_SOFTWARE = "tenant_software"      # customer admin center: own keys and downloads


PERMISSIONS: dict[Perm, frozenset[str]] = {
    Perm.VIEW_CUSTOMERS: PARTNER_ROLES,                                                      # D-ROLE-5
    Perm.CREATE_CUSTOMER: frozenset({Role.ADMIN_AGENT, Role.SALES_AGENT, Role.GLOBAL_ADMIN}),  # D-ROLE-5
    Perm.BUY: frozenset({Role.ADMIN_AGENT, Role.SALES_AGENT, Role.GLOBAL_ADMIN}),
    Perm.SOFTWARE_ACCESS: frozenset({Role.ADMIN_AGENT}),                                     # D-ROLE-1
    Perm.CANCEL: frozenset({Role.ADMIN_AGENT}),                                              # D-ROLE-1
    Perm.READ_ACTIVITY_LOG: frozenset(
        {Role.GLOBAL_ADMIN, Role.ACCOUNT_ADMIN, Role.REFERRAL_ADMIN, Role.MARKETING_ADMIN}    # D-ROLE-2
    ),
    Perm.READ_INVOICES: frozenset({Role.ADMIN_AGENT, Role.GLOBAL_ADMIN, Role.BILLING_ADMIN}),
    Perm.SUPPORT_REQUESTS: frozenset({Role.ADMIN_AGENT, Role.HELPDESK_AGENT, Role.GLOBAL_ADMIN}),  # D-ROLE-6
    Perm.MANAGE_USERS: frozenset({Role.GLOBAL_ADMIN}),                                       # D-ROLE-7
    Perm.OWN_API_TOKENS: PARTNER_ROLES | TENANT_ROLES,                                       # D-ROLE-7
    Perm.TENANT_SOFTWARE: frozenset({Role.TENANT_GLOBAL_ADMIN}),                             # D-ROLE-3
}

# Marker for the few views anyone may open (sign-in, the download link itself, health).
PUBLIC = "public"
# Marker for pages every signed-in user may open (home, language, sign-out).
SIGNED_IN = "signed_in"


def has_perm(user, perm: Perm | str) -> bool:
    if perm == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if perm == SIGNED_IN:
        return True
    return bool(user.role_set & PERMISSIONS[Perm(perm)])
