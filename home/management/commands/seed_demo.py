"""Build the demo world of docs/API.md "Demo data", and Contoso's history (home.demo_history) unless
--no-history. Idempotent: a second run changes nothing.

In `home` because the history calls cancellations and support, which only the layer above them may import."""
from __future__ import annotations

import secrets
import uuid
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Partner, User
from accounts.roles import Role
from accounts.services import user_create, user_set_roles
from customers.markets import markets_sync
from customers.models import Customer, Market, TenantMembership
from home.demo_history import demo_history_build
from software.catalog import catalog_sync

PARTNERS = {
    "contoso-partner.example": ("Contoso Partner", {
        "admin.agent": [Role.ADMIN_AGENT], "sales.agent": [Role.SALES_AGENT],
        "helpdesk.agent": [Role.HELPDESK_AGENT], "global.admin": [Role.GLOBAL_ADMIN],
        "billing.admin": [Role.BILLING_ADMIN], "account.admin": [Role.ACCOUNT_ADMIN],
        "referral.admin": [Role.REFERRAL_ADMIN], "marketing.admin": [Role.MARKETING_ADMIN],
    }),
    "adatum-partner.example": ("Adatum Partner", {
        "admin.agent": [Role.ADMIN_AGENT], "global.admin": [Role.GLOBAL_ADMIN],
    }),
}
CUSTOMERS = {
    "contoso-partner.example": [
        ("Fabrikam", "JP", "fabrikam.onmicrosoft.com"), ("Northwind Traders", "US", "northwind.onmicrosoft.com"),
        ("Wingtip Toys", "AU", "wingtip.onmicrosoft.com"), ("Tailspin Toys", "BR", "tailspin.onmicrosoft.com"),
        ("Litware", "CN", "litware.onmicrosoft.com"), ("Proseware", "RU", "proseware.onmicrosoft.com"),
    ],
    "adatum-partner.example": [("Woodgrove Bank", "DE", "woodgrove.onmicrosoft.com")],
}
PASSWORD_FILE = "demo-password.txt"


def demo_tenant_id(domain: str) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_DNS, domain)


class Command(BaseCommand):
    help = "Build the demo partners, users, customers, catalog and Contoso's history (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="password for every demo user")
        parser.add_argument("--no-history", action="store_true",
                            help="no purchases, keys, downloads, invoices or support requests (the test suite's world)")

    def handle(self, *args, password=None, no_history=False, **options):
        password_file = Path(settings.VAR_DIR) / PASSWORD_FILE
        generated = False
        if not password:
            if password_file.exists():
                password = password_file.read_text().strip()
            else:
                password, generated = "Demo-" + secrets.token_urlsafe(9), True
        with transaction.atomic():
            markets_sync(Market)
            catalog_sync()
            people = self._people(password)
        if generated:
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.write_text(password + "\n")
            password_file.chmod(0o600)
        self.stdout.write(self.style.SUCCESS("Demo world ready."))
        if not no_history:
            self._history()
        self._sign_ins(people, password)

    def _history(self) -> None:
        summary = demo_history_build()
        if summary is None:
            self.stdout.write("Contoso already has orders: its history is left as it is.")
        else:
            self.stdout.write(f"Contoso's history of the last three months: {summary}.")

    def _sign_ins(self, people: list[tuple[User, str]], password: str) -> None:
        """One row per user: email, role(s) and organisation; the shared password once, below."""
        rows = [(user.email, ", ".join(user.role_labels()), organisation) for user, organisation in people]
        header = ("Email", "Role", "Organisation")
        widths = [max(len(row[n]) for row in [header, *rows]) for n in range(len(header))]
        self.stdout.write("Sign in with any of these:")
        for row in [header, *rows]:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
        self.stdout.write(f"Password (every user): {password}")

    def _user(self, email: str, password: str, partner, roles) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            return user_create(email=email, password=password, partner=partner, roles=roles)
        if set(roles) - user.role_set:
            user_set_roles(user=user, roles=sorted(user.role_set | set(roles)))
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        return user

    def _people(self, password: str) -> list[tuple[User, str]]:
        """Every demo user, with the partner or customer it belongs to."""
        people = []
        for domain, (name, roles_of) in PARTNERS.items():
            partner, _ = Partner.objects.get_or_create(domain=domain, defaults={"name": name})
            for local, roles in roles_of.items():
                people.append((self._user(f"{local}@{domain}", password, partner, roles), partner.name))
            for company, country, tenant_domain in CUSTOMERS[domain]:
                customer, _ = Customer.objects.get_or_create(
                    domain=tenant_domain, defaults=dict(tenant_id=demo_tenant_id(tenant_domain), partner=partner,
                                                        company_name=company, market_id=country))
                for local, role in (("admin", Role.TENANT_GLOBAL_ADMIN), ("user", Role.TENANT_USER)):
                    user = self._user(f"{local}@{tenant_domain}", password, None, [role])
                    TenantMembership.objects.get_or_create(user=user, defaults={"customer": customer})
                    people.append((user, customer.company_name))
        return people
