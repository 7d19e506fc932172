"""Writes for customers. Each runs in one transaction with its activity record."""
from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from activitylog.services import log_create_customer

from .models import Customer
from .selectors import market_for_new_customer

DOMAIN_RE = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalize_domain(value: str) -> str:
    value = (value or "").strip().lower()
    if value and "." not in value:
        value = f"{value}.onmicrosoft.com"  # Partner Center asks for the prefix of the .onmicrosoft.com domain
    return value


def customer_create(*, actor, company_name: str, domain: str, country: str, ip: str | None = None) -> Customer:
    errors: dict[str, list[str]] = {}
    company_name = (company_name or "").strip()
    if not company_name:
        errors["companyName"] = [_("Enter the company name.")]
    elif len(company_name) > 200:
        errors["companyName"] = [_("The company name can have at most 200 characters.")]
    domain = normalize_domain(domain)
    if not DOMAIN_RE.match(domain):
        errors["domain"] = [_("Enter a valid domain name, such as fabrikam.onmicrosoft.com.")]
    elif Customer.objects.filter(domain__iexact=domain).exists():
        errors["domain"] = [_("The domain %(domain)s is already in use.") % {"domain": domain}]
    market = market_for_new_customer(country)
    if market is None:
        errors["country"] = [_("Unknown country or region: %(country)s.") % {"country": country or "—"}]
    if errors:
        raise ValidationError(errors)
    assert market is not None  # noqa: S101 - an unknown country is one of the errors above
    try:
        with transaction.atomic():
            customer = Customer.objects.create(partner_id=actor.partner_id, company_name=company_name, domain=domain,
                                               market=market)
            log_create_customer(actor=actor, customer=customer, ip=ip)
    except IntegrityError:
        raise ValidationError({"domain": [_("The domain %(domain)s is already in use.") % {"domain": domain}]}) \
            from None
    return customer
